import { defineConfig } from 'prisma/config'

// Prisma 7 reads connection settings from here (generate does not need a database).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/expense' },
})
