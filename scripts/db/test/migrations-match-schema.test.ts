import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { outboxPrismaModels } from '@expenses/events'
import { diffDatabaseToSchema } from '../schema-engine.js'
import { withMigratedScratchDatabase } from '../scratch.js'

const servicesDir = path.resolve(import.meta.dirname, '../../../services')
const services = readdirSync(servicesDir).filter((s) => existsSync(path.join(servicesDir, s, 'prisma/schema.prisma')))

t.test('every service with a database has a schema and migrations', async (t) => {
  t.ok(services.includes('auth'), 'auth-service has a Prisma schema')
  for (const service of services) {
    t.ok(existsSync(path.join(servicesDir, service, 'prisma/migrations')), `${service} has prisma/migrations`)
  }
})

for (const service of services) {
  const prismaDir = path.join(servicesDir, service, 'prisma')
  const schema = readFileSync(path.join(prismaDir, 'schema.prisma'), 'utf8')

  t.test(`${service}: committed migrations produce exactly schema.prisma`, async (t) => {
    const drift = await withMigratedScratchDatabase(path.join(prismaDir, 'migrations'), (url) => diffDatabaseToSchema(url, schema))
    t.equal(drift, '', `no SQL is missing from ${service}'s migrations (run npm run db:migration -- ${service} <name>)`)
  })

  t.test(`${service}: schema.prisma carries the outbox and inbox models of @expenses/events`, async (t) => {
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim()
    t.ok(squash(schema).includes(squash(outboxPrismaModels)), 'OutboxEvent and ProcessedEvent models match packages/events/src/sql.ts')
  })
}
