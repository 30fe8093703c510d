import { subscribe, userRegistered, type ConsumerDefinition } from '@expenses/events'
import type { Prisma } from './db.js'
import { Profiles } from './domain/profiles.js'

/** user-service's consumer group: user.registered.v1 -> a new profile. */
export function userServiceConsumers(groupId: string): ConsumerDefinition<Prisma.TransactionClient>[] {
  return [
    {
      groupId,
      subscriptions: [
        subscribe(userRegistered, async (event, { tx, log }) => {
          const created = await Profiles.createFromRegistration(tx, event)
          log.info({ userId: event.userId, created }, created ? 'profile created' : 'profile already existed; registration ignored')
        }),
      ],
    },
  ]
}
