import Type from 'typebox'

/** Field schemas shared by several contracts. */
export const Uuid = Type.String({ format: 'uuid' })
export const Timestamp = Type.String({ format: 'date-time' })
/** Money is never a float: a decimal string with up to 3 fractional digits (KWD/BHD/OMR use 3). */
export const DecimalAmount = Type.String({ pattern: '^\\d{1,15}(\\.\\d{1,3})?$' })
export const SignedDecimalAmount = Type.String({ pattern: '^-?\\d{1,15}(\\.\\d{1,3})?$' })
/** ISO 4217 alphabetic code. */
export const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$' })
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

/** Every event carries its own id (idempotency key for consumers) and the time it happened. */
export const EventMeta = {
  eventId: Uuid,
  occurredAt: Timestamp,
}
