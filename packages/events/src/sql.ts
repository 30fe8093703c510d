/**
 * The slice of a Prisma client (or interactive-transaction client) this package needs. Every service's
 * PrismaClient satisfies it, so the outbox and the inbox run inside the service's own transactions
 * without this package depending on any service's generated client.
 */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>
}

/** A client that runs interactive transactions; `Tx` is the client handed to the callback (a service's Prisma transaction client). */
export interface TransactionalSql<Tx extends SqlExecutor = SqlExecutor> extends SqlExecutor {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { timeout?: number; maxWait?: number }): Promise<R>
}

/**
 * The Prisma models of the two tables every event-producing or event-consuming service has: the
 * outbox (events waiting to be published) and the inbox of processed event ids. Each service's
 * schema.prisma carries them verbatim (a test checks it) and its migrations create them.
 */
export const outboxPrismaModels = `
model OutboxEvent {
  id          BigInt    @id @default(autoincrement())
  eventId     String    @unique @map("event_id") @db.Uuid
  eventType   String    @map("event_type")
  topic       String
  key         String
  payload     Json
  headers     Json      @default("{}")
  createdAt   DateTime  @default(now()) @map("created_at") @db.Timestamptz(3)
  publishedAt DateTime? @map("published_at") @db.Timestamptz(3)
  attempts    Int       @default(0)
  lastError   String?   @map("last_error")

  @@index([publishedAt, id])
  @@map("outbox_events")
}

model ProcessedEvent {
  consumer    String
  eventId     String   @map("event_id") @db.Uuid
  processedAt DateTime @default(now()) @map("processed_at") @db.Timestamptz(3)

  @@id([consumer, eventId])
  @@map("processed_events")
}
`.trim()
