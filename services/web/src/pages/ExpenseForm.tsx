import { useState, type FormEvent } from 'react'
import { api, call, type Expense, type ExpenseCreate, type ExpenseUpdate } from '../api/client'
import { CATEGORIES } from '../api/enums'
import { useProfile } from '../app/profile'
import { Field, Select } from '../components/Field'
import { FormActions } from '../components/FormActions'
import { MoneyFields } from '../components/MoneyFields'
import { useFormAction } from '../components/useFormAction'
import { categoryLabel, toLocalInput, zonedToIso } from '../format'

/** Add an expense by hand, or edit one. A category change can be applied to every expense at that merchant. */
export function ExpenseForm({ expense, onSaved, onCancel }: { expense: Expense | null; onSaved: (text: string) => void; onCancel: () => void }) {
  const { timeZone, currency } = useProfile()
  const [category, setCategory] = useState<string>(expense?.category ?? '')
  const { busy, error, fieldErrors, run } = useFormAction()
  const categoryChanged = expense !== null && category !== expense.category

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const value = (name: string) => String(form.get(name) ?? '').trim()
    const fields = {
      amount: value('amount').replace(/,/g, ''),
      currency: value('currency').toUpperCase(),
      type: value('type') === 'credit' ? ('credit' as const) : ('debit' as const),
      merchant: value('merchant'),
      // A local date-time without an offset is read in `tz` by the API.
      occurredAt: value('occurredAt') ? `${value('occurredAt')}:00` : undefined,
      note: value('note') || null,
      category: (value('category') || undefined) as ExpenseCreate['category'],
    }
    await run(async () => {
      if (expense === null) {
        const body: ExpenseCreate = fields
        const created = await call(
          api.POST('/expense/v1/expenses', { params: { header: { 'idempotency-key': crypto.randomUUID() } }, body: withZone(body, timeZone) }),
        )
        onSaved(`Added ${created.merchant ?? 'the expense'}.`)
      } else {
        const changes: ExpenseUpdate = {}
        if (fields.amount !== expense.amount) changes.amount = fields.amount
        if (fields.currency !== expense.currency) changes.currency = fields.currency
        if (fields.type !== expense.type) changes.type = fields.type
        if (fields.merchant !== (expense.merchant ?? '')) changes.merchant = fields.merchant
        if (fields.note !== expense.note) changes.note = fields.note
        if (fields.category && fields.category !== expense.category) changes.category = fields.category
        if (fields.occurredAt && value('occurredAt') !== toLocalInput(expense.occurredAt, timeZone)) changes.occurredAt = fields.occurredAt
        if (Object.keys(changes).length === 0) {
          onSaved('Nothing changed.')
          return
        }
        const applyToMerchant = categoryChanged && form.get('applyToMerchant') === 'on'
        await call(
          api.PATCH('/expense/v1/expenses/{id}', {
            params: { path: { id: expense.id }, query: { applyToMerchant } },
            body: withZone(changes, timeZone),
          }),
        )
        onSaved(applyToMerchant ? `Saved. Every expense at ${fields.merchant} is now ${categoryLabel(fields.category!)}.` : 'Saved.')
      }
    })
  }

  return (
    <section className="card" aria-labelledby="expense-form-title">
      <h2 id="expense-form-title">{expense ? `Edit ${expense.merchant ?? 'expense'}` : 'Add an expense'}</h2>
      <form onSubmit={(e) => void submit(e)}>
        <MoneyFields type={expense?.type ?? 'debit'} amount={expense?.amount ?? ''} currency={expense?.currency ?? currency} errors={fieldErrors} />
        <div className="row">
          <Field label="Merchant" name="merchant" required defaultValue={expense?.merchant ?? ''} error={fieldErrors.merchant} />
          <Select label="Category" name="category" value={category} onChange={(e) => setCategory(e.target.value)} error={fieldErrors.category}>
            {expense === null && <option value="">Choose for me</option>}
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {categoryLabel(c)}
              </option>
            ))}
          </Select>
          <Field
            label="When"
            name="occurredAt"
            type="datetime-local"
            defaultValue={expense ? toLocalInput(expense.occurredAt, timeZone) : ''}
            error={fieldErrors.occurredAt}
            hint={expense ? undefined : 'Empty means now.'}
          />
        </div>
        {categoryChanged && expense?.merchant && (
          <div className="checkbox">
            <input id="apply-to-merchant" type="checkbox" name="applyToMerchant" />
            <label htmlFor="apply-to-merchant">Also change every other expense at {expense.merchant}</label>
          </div>
        )}
        <Field label="Note (optional)" name="note" maxLength={1000} defaultValue={expense?.note ?? ''} error={fieldErrors.note} />
        <FormActions busy={busy} error={error} submitLabel={expense ? 'Save' : 'Add expense'} onCancel={onCancel} />
      </form>
    </section>
  )
}

/** The API reads a date-time without an offset in the `tz` query parameter; it has none, so send an explicit one. */
function withZone<T extends { occurredAt?: string | undefined }>(body: T, timeZone: string): T {
  if (!body.occurredAt) {
    const { occurredAt: _omit, ...rest } = body
    return rest as T
  }
  return { ...body, occurredAt: zonedToIso(body.occurredAt, timeZone) }
}
