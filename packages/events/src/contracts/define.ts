import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import type { TopicSpec } from '../topics.js'

/**
 * An event contract: the one definition of an event that its producer and its consumers both import.
 * `type` + `version` name the contract; `topic` says where it travels; `key` picks the Kafka message key
 * (always the userId, so one user's events stay ordered on one partition).
 *
 * Versioning: within a major version, changes are additive only (new optional fields). Consumers accept
 * unknown fields, so a producer may roll out a new optional field before its consumers know it.
 * A breaking change is a new contract with a new topic (`.v2`).
 */
export interface EventContract<S extends TSchema = TSchema> {
  readonly type: string
  readonly version: number
  readonly topic: TopicSpec
  readonly schema: S
  key(payload: Static<S>): string
}

export type EventPayload<C> = C extends EventContract<infer S> ? Static<S> : never

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] }

const validators = new WeakMap<object, ReturnType<typeof Compile>>()

function validatorFor(contract: EventContract): ReturnType<typeof Compile> {
  let validator = validators.get(contract)
  if (!validator) {
    validator = Compile(contract.schema)
    validators.set(contract, validator)
  }
  return validator
}

export function defineEvent<S extends TSchema>(definition: EventContract<S>): EventContract<S> {
  return Object.freeze(definition)
}

/** Checks a payload against its contract. Used by the outbox before writing and by consumers after reading. */
export function validateEvent<S extends TSchema>(contract: EventContract<S>, payload: unknown): ValidationResult<Static<S>> {
  const validator = validatorFor(contract)
  if (validator.Check(payload)) return { ok: true, value: payload as Static<S> }
  const errors = validator
    .Errors(payload)
    .filter((e) => e.keyword !== 'boolean')
    .slice(0, 10)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
  return { ok: false, errors }
}

export class EventValidationError extends Error {
  constructor(
    readonly contractType: string,
    readonly errors: string[],
  ) {
    super(`${contractType} payload is invalid: ${errors.join('; ')}`)
    this.name = 'EventValidationError'
  }
}

/** Validates or throws; producers call this so an invalid event never reaches the outbox. */
export function assertValidEvent<S extends TSchema>(contract: EventContract<S>, payload: unknown): Static<S> {
  const result = validateEvent(contract, payload)
  if (!result.ok) throw new EventValidationError(`${contract.type}.v${contract.version}`, result.errors)
  return result.value
}
