import { expenseParsed, subscribe, type ConsumerDefinition } from '@expenses/events'
import type { Prisma } from './db.js'
import type { Expenses } from './domain/expenses.js'

const outcomeMessages = {
  created: 'expense recorded',
  corrected: "expense updated with the user's correction of its message",
  unchanged: 'expense for this message already exists; event ignored',
} as const

/** expense-service's consumer group: expense.parsed.v1 -> one expense per bank message. */
export function expenseServiceConsumers(groupId: string, expenses: Expenses): ConsumerDefinition<Prisma.TransactionClient>[] {
  return [
    {
      groupId,
      subscriptions: [
        subscribe(
          expenseParsed,
          async (event, { tx, log }) => {
            const result = await expenses.recordParsed(tx, event)
            log.info({ userId: event.userId, messageId: event.messageId, expenseId: result.id, outcome: result.outcome }, outcomeMessages[result.outcome])
          },
          {
            handleBatch: async (items, { tx, log }) => {
              const counts = await expenses.recordParsedBatch(
                tx,
                items.map((i) => i.event),
              )
              log.info(counts, 'expenses recorded from a chunk of parsed messages')
            },
          },
        ),
      ],
    },
  ]
}
