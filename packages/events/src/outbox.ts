import { randomUUID } from 'node:crypto'
import type { Static, TSchema } from 'typebox'
import { assertValidEvent, type EventContract } from './contracts/define.js'
import type { SqlExecutor } from './sql.js'

/** Channel the outbox notifies on commit, so relays publish at once instead of waiting for their next poll. */
export const OUTBOX_CHANNEL = 'outbox_events'

/**
 * Writes an event into the outbox inside the caller's transaction: the event exists if and only if the
 * state change that caused it commits. The relay publishes it to Kafka afterwards.
 *
 * The payload is validated against its contract here, so an invalid event fails the business
 * transaction instead of reaching consumers.
 */
export async function enqueueEvent<S extends TSchema>(
  tx: SqlExecutor,
  contract: EventContract<S>,
  payload: Static<S>,
  headers: Record<string, string> = {},
): Promise<{ eventId: string }> {
  const valid = assertValidEvent(contract, payload) as Static<S> & { eventId?: string }
  const eventId = valid.eventId ?? randomUUID()
  await tx.$executeRawUnsafe(
    `INSERT INTO "outbox_events" ("event_id", "event_type", "topic", "key", "payload", "headers")
     VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6::jsonb)`,
    eventId,
    `${contract.type}.v${contract.version}`,
    contract.topic.name,
    contract.key(valid),
    JSON.stringify(valid),
    JSON.stringify(headers),
  )
  // Delivered by Postgres only when the transaction commits; a rollback sends nothing.
  await tx.$executeRawUnsafe(`SELECT pg_notify($1, '')`, OUTBOX_CHANNEL)
  return { eventId }
}

/**
 * Writes many events of one contract in a single statement (one round trip, one notify): for bulk
 * intake such as ds-service's batch endpoint. Same guarantees as enqueueEvent.
 */
export async function enqueueEvents<S extends TSchema>(
  tx: SqlExecutor,
  contract: EventContract<S>,
  payloads: readonly Static<S>[],
  headers: Record<string, string> = {},
): Promise<{ eventIds: string[] }> {
  if (payloads.length === 0) return { eventIds: [] }
  const valid = payloads.map((p) => assertValidEvent(contract, p) as Static<S> & { eventId?: string })
  const eventIds = valid.map((v) => v.eventId ?? randomUUID())
  await tx.$executeRawUnsafe(
    `INSERT INTO "outbox_events" ("event_id", "event_type", "topic", "key", "payload", "headers")
     SELECT e.event_id, $2, $3, e.key, e.payload, $6::jsonb
       FROM unnest($1::uuid[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS e(event_id, key, payload, n)
      ORDER BY e.n`,
    eventIds,
    `${contract.type}.v${contract.version}`,
    contract.topic.name,
    valid.map((v) => contract.key(v)),
    valid.map((v) => JSON.stringify(v)),
    JSON.stringify(headers),
  )
  await tx.$executeRawUnsafe(`SELECT pg_notify($1, '')`, OUTBOX_CHANNEL)
  return { eventIds }
}
