import { Type } from 'typebox'
import type { Static, TObject, TProperties, TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { redactConnectionString } from './redact.js'

/** Log levels pino understands; LOG_LEVEL is checked against this list. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

/** A TCP port; pass a default for services with a fixed conventional port (auth-service: 4001, ...). */
export function envPort(defaultPort?: number) {
  return Type.Integer({ minimum: 1, maximum: 65535, ...(defaultPort === undefined ? {} : { default: defaultPort }) })
}

/**
 * Variables every service reads (see docs/conventions). Spread into a service's own schema:
 * `Type.Object({ ...baseConfigProperties, DATABASE_URL: Type.String({ minLength: 1 }) })`
 * or use `extendConfigSchema`.
 */
export const baseConfigProperties = {
  PORT: envPort(),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  LOG_LEVEL: Type.Union(
    logLevels.map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], {
    default: 'production',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10000 }),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'expenses-tracker' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'expenses-api' }),
}

export const baseConfigSchema = Type.Object(baseConfigProperties)
export type BaseConfig = Static<typeof baseConfigSchema>

/** `baseConfigSchema` plus a service's own variables (its properties win on a name clash, e.g. PORT with a default). */
export function extendConfigSchema<P extends TProperties>(properties: P) {
  // typebox 1.x has no Type.Composite; a spread keeps the exact property types for Static<>.
  return Type.Object({ ...baseConfigProperties, ...properties })
}

export interface ConfigIssue {
  variable: string
  message: string
}

/** Thrown by loadConfig; `message` is one line naming every bad variable, `issues` lists them. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[]
  constructor(issues: ConfigIssue[]) {
    super(`Invalid configuration: ${issues.map((i) => i.message).join('; ')}`)
    this.name = 'ConfigError'
    this.issues = issues
  }
}

type Env = Record<string, string | undefined>

/**
 * Reads the variables named in `schema` from `env`, converts strings to the schema's types, applies
 * defaults and validates. Variables not in the schema are ignored (the environment holds many).
 * Empty strings count as unset, because `FOO=` in an env file or a blank Helm value means "not given".
 */
export function loadConfig<S extends TObject>(schema: S, env: Env = process.env): Static<S> {
  const required = new Set(schema.required ?? [])
  const result: Record<string, unknown> = {}
  const issues: ConfigIssue[] = []

  for (const [name, propSchema] of Object.entries(schema.properties) as [string, TSchema][]) {
    const raw = env[name]
    if (raw === undefined || raw.trim() === '') {
      const fallback = Value.Default(propSchema, undefined)
      if (fallback !== undefined) result[name] = fallback
      else if (required.has(name)) issues.push({ variable: name, message: `${name} is required` })
      continue
    }
    const value = coerce(propSchema, raw)
    if (Value.Check(propSchema, value)) {
      result[name] = value
    } else {
      issues.push({
        variable: name,
        message: `${name} must be ${describe(propSchema)} (got ${JSON.stringify(displayValue(name, raw))})`,
      })
    }
  }

  if (issues.length > 0) throw new ConfigError(issues)
  return result as Static<S>
}

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE|_KEY$/i

/** What the error message may echo back: never a secret, and URLs without their password. */
function displayValue(name: string, raw: string): string {
  if (SECRET_NAME.test(name)) return '[redacted]'
  return redactConnectionString(raw)
}

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])

/** Strict string -> typed value conversion; anything ambiguous stays a string so validation reports it. */
function coerce(schema: TSchema, raw: string): unknown {
  const s = schema as Record<string, unknown>
  const text = raw.trim()
  switch (s.type) {
    case 'integer':
      return /^[+-]?\d+$/.test(text) ? Number(text) : raw
    case 'number': {
      const n = Number(text)
      return Number.isFinite(n) ? n : raw
    }
    case 'boolean': {
      const lower = text.toLowerCase()
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : raw
    }
    case 'array': {
      const items = text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
      const itemSchema = s.items as TSchema | undefined
      return itemSchema ? items.map((item) => coerce(itemSchema, item)) : items
    }
    default:
      return raw
  }
}

/** Human description of what a schema accepts, for one-line error messages. */
export function describe(schema: TSchema): string {
  const s = schema as Record<string, unknown>
  const range = (min: unknown, max: unknown) =>
    min !== undefined && max !== undefined ? ` ${min}-${max}` : min !== undefined ? ` >= ${min}` : max !== undefined ? ` <= ${max}` : ''
  if (Array.isArray(s.anyOf)) {
    const literals = (s.anyOf as Record<string, unknown>[]).map((option) => option.const)
    if (literals.every((l) => l !== undefined)) return `one of ${literals.join(', ')}`
    return (s.anyOf as TSchema[]).map(describe).join(' or ')
  }
  if (s.const !== undefined) return JSON.stringify(s.const)
  switch (s.type) {
    case 'integer':
      return `an integer${range(s.minimum, s.maximum)}`
    case 'number':
      return `a number${range(s.minimum, s.maximum)}`
    case 'boolean':
      return 'true or false'
    case 'array':
      return `a comma-separated list${s.items ? ` of ${describe(s.items as TSchema)}` : ''}${s.minItems ? ` with at least ${s.minItems} item(s)` : ''}`
    case 'string': {
      if (typeof s.format === 'string') return `a valid ${s.format}`
      if (typeof s.pattern === 'string') return `a string matching ${s.pattern}`
      if (typeof s.minLength === 'number' || typeof s.maxLength === 'number') return `a string of length${range(s.minLength, s.maxLength)}`
      return 'a string'
    }
    default:
      return 'a valid value'
  }
}
