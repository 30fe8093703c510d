import { Type, type TSchema } from '@expenses/platform'
import { CATEGORIES } from './domain/categories.js'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const CategorySchema = Type.Enum([...CATEGORIES], { description: 'One of the fixed categories' })
export const TransactionTypeSchema = Type.Enum(['debit', 'credit'], { description: 'debit: money out; credit: money in' })
export const SourceSchema = Type.Enum(['message', 'manual'])
const DateInput = Type.String({
  minLength: 10,
  maxLength: 40,
  description: 'ISO 8601 date (2024-03-05) or date-time (2024-03-05T14:30:00Z); without an offset it is read in `tz` (default UTC)',
})
const AmountInput = Type.String({
  minLength: 1,
  maxLength: 32,
  description:
    'Positive decimal STRING with at most the currency\'s minor-unit digits: "1250.00" or "1250.5" USD, "1250" JPY, "1.250" KWD. ' +
    'JSON numbers are rejected (400) so no amount is ever rounded through a float.',
  examples: ['1250.00'],
})
const CurrencyInput = Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code, e.g. INR, USD, JPY (case-insensitive)' })
const Merchant = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: '1-200 characters, not blank' })
const Note = Type.String({ maxLength: 1000 })

export const ExpenseSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    type: TransactionTypeSchema,
    amount: Type.String({ description: 'Decimal string with the currency\'s minor units, e.g. "1250.00"', examples: ['1250.00'] }),
    currency: Type.String({ description: 'ISO 4217 code' }),
    merchant: Nullable(Type.String()),
    category: CategorySchema,
    categorySource: Type.Enum(['rules', 'learned', 'user'], {
      description: 'rules: built-in categoriser; learned: your rule for this merchant; user: set by you on this expense',
    }),
    occurredAt: Type.String({ format: 'date-time', description: 'When the transaction happened' }),
    receivedAt: Nullable(Type.String({ format: 'date-time', description: 'When the bank message arrived (message expenses)' })),
    source: SourceSchema,
    messageId: Nullable(Type.String({ format: 'uuid', description: 'The bank message it was parsed from (source message)' })),
    note: Nullable(Type.String()),
    accountLast4: Nullable(Type.String()),
    channel: Nullable(Type.String({ description: 'upi, card, neft, imps, rtgs, atm, netbanking, wallet, ach, mobile_money' })),
    reference: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
)

export const CreateExpenseBody = Type.Object(
  {
    amount: AmountInput,
    currency: CurrencyInput,
    type: Type.Optional(TransactionTypeSchema),
    merchant: Merchant,
    category: Type.Optional(CategorySchema),
    occurredAt: Type.Optional(DateInput),
    note: Type.Optional(Nullable(Note)),
  },
  { additionalProperties: false },
)

export const UpdateExpenseBody = Type.Object(
  {
    amount: Type.Optional(AmountInput),
    currency: Type.Optional(CurrencyInput),
    type: Type.Optional(TransactionTypeSchema),
    merchant: Type.Optional(Merchant),
    category: Type.Optional(CategorySchema),
    occurredAt: Type.Optional(DateInput),
    note: Type.Optional(Nullable(Note)),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const UpdateExpenseQuery = Type.Object(
  {
    applyToMerchant: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'With a category change: also recategorise your other expenses at this merchant (except ones you categorised by hand). ' +
          'Without it only this expense changes; future expenses from the merchant follow the new category either way.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const ExpenseParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Expense id (a malformed id answers 400)' }) })

const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone for dates and month/day keys, e.g. Asia/Kolkata (default UTC)' })

/** Filters shared by the list and the summary. */
const filterProperties = {
  from: Type.Optional({ ...DateInput, description: 'Inclusive lower bound on occurredAt (a date means the start of that day)' }),
  to: Type.Optional({ ...DateInput, description: 'Inclusive upper bound on occurredAt (a date means the end of that day)' }),
  type: Type.Optional(TransactionTypeSchema),
  category: Type.Optional(CategorySchema),
  merchant: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive substring of the merchant name' })),
  currency: Type.Optional(CurrencyInput),
  source: Type.Optional(SourceSchema),
  tz: Type.Optional(TimeZone),
}

export const ListExpensesQuery = Type.Object(
  {
    ...filterProperties,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
)

export const ExpensePageSchema = Type.Object({
  items: Type.Array(ExpenseSchema),
  nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' })),
})

export const GROUP_BYS = ['category', 'merchant', 'month', 'day', 'type'] as const

export const SummaryQuery = Type.Object(
  {
    ...filterProperties,
    groupBy: Type.Optional(Type.Enum([...GROUP_BYS], { default: 'category' })),
  },
  { additionalProperties: false },
)

const Totals = {
  currency: Type.String(),
  debit: Type.String({ description: 'Sum of debits, decimal string' }),
  credit: Type.String({ description: 'Sum of credits, decimal string' }),
  net: Type.String({ description: 'credit - debit, decimal string (negative when more went out)' }),
  count: Type.Integer(),
}

export const SummarySchema = Type.Object({
  from: Nullable(Type.String({ format: 'date-time' })),
  to: Nullable(Type.String({ format: 'date-time' })),
  tz: Type.String(),
  groupBy: Type.Enum([...GROUP_BYS]),
  groups: Type.Array(
    Type.Object({
      key: Nullable(Type.String({ description: 'Category, merchant key, month (YYYY-MM), day (YYYY-MM-DD) or type; null for expenses without a merchant' })),
      label: Nullable(Type.String({ description: 'Display name: for merchants the most recent spelling, otherwise the key' })),
      ...Totals,
    }),
    { description: 'One entry per group and currency; amounts of different currencies are never added together' },
  ),
  totals: Type.Array(Type.Object(Totals), { description: 'One entry per currency' }),
})

export const CategoryRuleSchema = Type.Object({
  merchantKey: Type.String(),
  category: CategorySchema,
  updatedAt: Type.String({ format: 'date-time' }),
})
