import { Field, Select } from './Field'

/** Direction, amount and currency: the first row of every form that records money. */
export function MoneyFields({
  type,
  amount,
  currency,
  errors,
}: {
  type: 'debit' | 'credit'
  amount: string
  currency: string
  errors: Record<string, string>
}) {
  return (
    <div className="row">
      <Select label="Money" name="type" defaultValue={type}>
        <option value="debit">went out (debit)</option>
        <option value="credit">came in (credit)</option>
      </Select>
      <Field label="Amount" name="amount" inputMode="decimal" required defaultValue={amount} error={errors.amount} />
      <Field label="Currency" name="currency" required maxLength={3} defaultValue={currency} error={errors.currency} />
    </div>
  )
}
