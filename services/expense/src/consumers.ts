import { expenseParsed, subscribe, type EventConsumerOptions, type SqlExecutor } from '@expenses/events'
import type { Prisma } from './db.js'
import type { Expenses } from './domain/expenses.js'

/**
 * The consumer runs on our PrismaClient, so the `tx` it hands to handlers is this service's Prisma
 * interactive-transaction client; the events package only types it as the raw-SQL slice it needs itself.
 */
const prismaTx = (tx: SqlExecutor) => tx as unknown as Prisma.TransactionClient

/** expense-service's consumer group: expense.parsed.v1 -> one expense per bank message. */
export function expenseServiceConsumers(groupId: string, expenses: Expenses): Omit<EventConsumerOptions, 'kafka' | 'db' | 'logger'>[] {
  return [
    {
      groupId,
      subscriptions: [
        subscribe(expenseParsed, async (event, { tx, log }) => {
          const result = await expenses.recordParsed(prismaTx(tx), event)
          const messages = {
            created: 'expense recorded',
            corrected: "expense updated with the user's correction of its message",
            unchanged: 'expense for this message already exists; event ignored',
          } as const
          log.info({ userId: event.userId, messageId: event.messageId, expenseId: result.id, outcome: result.outcome }, messages[result.outcome])
        }),
      ],
    },
  ]
}
