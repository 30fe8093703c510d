/** Applies expense-service's migrations and exits: run by the Helm migration Job, never by every replica. */
import path from 'node:path'
import { runMigrateCommand } from '@expenses/db'

await runMigrateCommand('expense-service', path.resolve(import.meta.dirname, '../prisma/migrations'))
