import { randomUUID } from 'node:crypto'
import type { Static, TSchema } from 'typebox'
import { assertValidEvent, type EventContract } from './contracts/define.js'
import type { SqlExecutor } from './sql.js'

/** Channel the outbox notifies on commit, so relays publish at once instead of waiting for their next poll. */
export const OUTBOX_CHANNEL = 'outbox_events'

/** One outbox row, validated and with its event id, ready to insert. */
export interface OutboxEntry {
  eventId: string
  eventType: string
  topic: string
  key: string
  payload: string
  headers: string
}

/**
 * Validates a payload against its contract and turns it into an outbox row. An invalid event throws
 * here, so it fails the business transaction instead of reaching consumers.
 */
export function outboxEntry<S extends TSchema>(contract: EventContract<S>, payload: Static<S>, headers: Record<string, string> = {}): OutboxEntry {
  const valid = assertValidEvent(contract, payload) as Static<S> & { eventId?: string }
  return {
    eventId: valid.eventId ?? randomUUID(),
    eventType: `${contract.type}.v${contract.version}`,
    topic: contract.topic.name,
    key: contract.key(valid),
    payload: JSON.stringify(valid),
    headers: JSON.stringify(headers),
  }
}

/**
 * Inserts outbox rows in one statement, in the given order (the relay publishes by id), and notifies
 * the relays once. Postgres delivers the notification only when the transaction commits; a rollback
 * sends nothing and stores nothing.
 */
export async function writeOutbox(tx: SqlExecutor, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return
  await tx.$executeRawUnsafe(
    `INSERT INTO "outbox_events" ("event_id", "event_type", "topic", "key", "payload", "headers")
     SELECT e.event_id, e.event_type, e.topic, e.key, e.payload, e.headers
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
            WITH ORDINALITY AS e(event_id, event_type, topic, key, payload, headers, n)
      ORDER BY e.n`,
    entries.map((e) => e.eventId),
    entries.map((e) => e.eventType),
    entries.map((e) => e.topic),
    entries.map((e) => e.key),
    entries.map((e) => e.payload),
    entries.map((e) => e.headers),
  )
  await tx.$executeRawUnsafe(`SELECT pg_notify($1, '')`, OUTBOX_CHANNEL)
}

/**
 * Queues an event for the outbox of the transaction in progress; `OutboxBuffer.write` stores the queue
 * in one statement before the commit, so the events exist if and only if the transaction commits.
 */
export type PublishEvent = <S extends TSchema>(contract: EventContract<S>, payload: Static<S>, headers?: Record<string, string>) => { eventId: string }

/** Collects the events a unit of work publishes, for one bulk outbox write at its end. */
export class OutboxBuffer {
  readonly entries: OutboxEntry[] = []
  readonly publish: PublishEvent = (contract, payload, headers) => {
    const entry = outboxEntry(contract, payload, headers)
    this.entries.push(entry)
    return { eventId: entry.eventId }
  }

  write(tx: SqlExecutor): Promise<void> {
    return writeOutbox(tx, this.entries.splice(0))
  }
}

/**
 * Writes an event into the outbox inside the caller's transaction: the event exists if and only if the
 * state change that caused it commits. The relay publishes it to Kafka afterwards.
 */
export async function enqueueEvent<S extends TSchema>(
  tx: SqlExecutor,
  contract: EventContract<S>,
  payload: Static<S>,
  headers: Record<string, string> = {},
): Promise<{ eventId: string }> {
  const entry = outboxEntry(contract, payload, headers)
  await writeOutbox(tx, [entry])
  return { eventId: entry.eventId }
}

/** Writes many events of one contract in a single statement (one round trip, one notify): for bulk intake. */
export async function enqueueEvents<S extends TSchema>(
  tx: SqlExecutor,
  contract: EventContract<S>,
  payloads: readonly Static<S>[],
  headers: Record<string, string> = {},
): Promise<{ eventIds: string[] }> {
  const entries = payloads.map((p) => outboxEntry(contract, p, headers))
  await writeOutbox(tx, entries)
  return { eventIds: entries.map((e) => e.eventId) }
}
