/**
 * Drives Prisma's schema engine compiled to WebAssembly, so migrations can be generated and checked on
 * machines that cannot download Prisma's native schema engine (this one, CI, air-gapped clusters).
 * @prisma/schema-engine-wasm is an internal package: its version is pinned exactly in package.json.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import pg from 'pg'
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg'

interface DiffTarget {
  tag: string
  [key: string]: unknown
}
interface Engine {
  diff(params: { from: DiffTarget; to: DiffTarget; script: boolean; exitCode: null; filters: { externalTables: string[]; externalEnums: string[] } }): Promise<{
    stdout: string | null
  }>
  free(): void
}

interface WasmApi {
  compile(bytes: Uint8Array): Promise<unknown>
  instantiate(module: unknown, imports: Record<string, unknown>): Promise<{ exports: unknown }>
}

let initialised = false
let lastPanic: string | undefined

async function initWasm(): Promise<void> {
  if (initialised) return
  // The engine reports Rust panics through this global; without it a panic surfaces as a TypeError.
  ;(globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
    set_message(message: string) {
      lastPanic = message
    },
  }
  // The package's entry point imports the .wasm file as an ES module, which Node cannot do; instantiate it by hand.
  const require = createRequire(import.meta.url)
  const wasmPath = require.resolve('@prisma/schema-engine-wasm').replace(/schema_engine\.js$/, 'schema_engine_bg.wasm')
  // @types/node does not declare the WebAssembly global; Node has it.
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
  const module = await wasm.compile(readFileSync(wasmPath))
  const instance = await wasm.instantiate(module, { './schema_engine_bg.js': bindings })
  // wasm-bindgen's glue members are not in the package's type declarations: typed here, where they are called.
  ;(bindings as unknown as { __wbg_set_wasm(w: unknown): void }).__wbg_set_wasm(instance.exports)
  ;(instance.exports as unknown as { __wbindgen_start(): void }).__wbindgen_start()
  initialised = true
}

/**
 * SQL that takes the database at `databaseUrl` to the state described by the Prisma schema; an empty
 * string when they already match.
 */
export async function diffDatabaseToSchema(databaseUrl: string, schemaContent: string): Promise<string> {
  await initWasm()
  const adapter = bindMigrationAwareSqlAdapterFactory(charAwareAdapterFactory(databaseUrl))
  // Declared by the package only as part of its wasm glue (no .d.ts entry): the shape used here.
  const SchemaEngine = (bindings as unknown as { SchemaEngine: { new: (o: unknown, log: () => void, a: unknown) => Promise<Engine> } }).SchemaEngine
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', schemaContent]] }, () => undefined, adapter)
  try {
    const result = await engine.diff({
      // "schemaDatasource" introspects the live database the adapter is connected to.
      from: { tag: 'schemaDatasource', files: [{ path: 'schema.prisma', content: schemaContent }], configDir: process.cwd() },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schemaContent }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    })
    return normaliseScript(result.stdout ?? '')
  } catch (error) {
    // A Rust panic surfaces as "RuntimeError: unreachable"; the useful message is the panic's.
    if (lastPanic) throw new Error(`Prisma schema engine panicked: ${lastPanic}`, { cause: error })
    throw error
  } finally {
    lastPanic = undefined
    engine.free()
  }
}

/** The engine prints a comment-only script for "no changes"; treat that as empty. */
function normaliseScript(sql: string): string {
  const meaningful = sql
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('--'))
    .join('\n')
  return meaningful.trim() === '' ? '' : sql.trim() + '\n'
}

/**
 * The engine introspects catalog columns of Postgres's internal "char" type (OID 18; e.g.
 * pg_constraint.contype), which the pg driver adapter cannot map. We let pg report them as text,
 * remember which columns they were (keyed by the result's rows array, which the adapter passes
 * through unchanged), and tell the engine they are single characters, which is what it reads.
 */
const CHARACTER_COLUMN_TYPE = 6 // ColumnTypeEnum.Character in @prisma/driver-adapter-utils
const charColumns = new WeakMap<unknown[], number[]>()

function charAwareAdapterFactory(connectionString: string): PrismaPg {
  const pool = new pg.Pool({ connectionString, max: 2 })
  patchQuery(pool)
  pool.on('connect', (client) => patchQuery(client))
  const factory = new PrismaPg(pool)
  const connect = factory.connect.bind(factory)
  factory.connect = async () => wrapQueryable(await connect())
  return factory
}

function patchQuery(target: pg.Pool | pg.PoolClient): void {
  const original = target.query.bind(target) as (...args: unknown[]) => unknown
  // pg's query() is a set of overloads; one variadic wrapper replaces them all, so it is assigned untyped.
  ;(target as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const result = original(...args)
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<{ fields?: { dataTypeID: number }[]; rows?: unknown[] }>).then((res) => {
        const indexes: number[] = []
        res?.fields?.forEach((field, i) => {
          if (field.dataTypeID === 18) {
            field.dataTypeID = 25
            indexes.push(i)
          }
        })
        if (indexes.length > 0 && res.rows) charColumns.set(res.rows, indexes)
        return res
      })
    }
    return result
  }
}

interface Queryable {
  queryRaw(query: unknown): Promise<{ columnTypes: number[]; rows: unknown[] }>
  startTransaction?(...args: unknown[]): Promise<Queryable>
}

function wrapQueryable<T>(queryable: T): T {
  // The adapter's queryable is generic here (pool or transaction); both have the members of Queryable.
  const q = queryable as unknown as Queryable
  const queryRaw = q.queryRaw.bind(q)
  q.queryRaw = async (query) => {
    const result = await queryRaw(query)
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = CHARACTER_COLUMN_TYPE
    return result
  }
  if (q.startTransaction) {
    const start = q.startTransaction.bind(q)
    q.startTransaction = async (...args) => wrapQueryable(await start(...args))
  }
  return queryable
}
