import { subscribe, userRegistered, type EventConsumerOptions, type SqlExecutor } from '@expenses/events'
import type { Prisma } from './db.js'
import { Profiles } from './domain/profiles.js'

/**
 * The consumer runs on our PrismaClient, so the `tx` it hands to handlers is this service's Prisma
 * interactive-transaction client; the events package only types it as the raw-SQL slice it needs itself.
 */
const prismaTx = (tx: SqlExecutor) => tx as unknown as Prisma.TransactionClient

/** user-service's consumer group: user.registered.v1 -> a new profile. */
export function userServiceConsumers(groupId: string): Omit<EventConsumerOptions, 'kafka' | 'db' | 'logger'>[] {
  return [
    {
      groupId,
      subscriptions: [
        subscribe(userRegistered, async (event, { tx, log }) => {
          const created = await Profiles.createFromRegistration(prismaTx(tx), event)
          log.info({ userId: event.userId, created }, created ? 'profile created' : 'profile already existed; registration ignored')
        }),
      ],
    },
  ]
}
