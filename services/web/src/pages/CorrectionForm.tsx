import { useState, type FormEvent } from 'react'
import { api, call, type Correction, type Message } from '../api/client'
import { CHANNELS } from '../api/enums'
import { ApiError } from '../api/problems'
import { Field, Select } from '../components/Field'
import { Notice } from '../components/Notice'
import { errorText } from '../components/useAsync'

/**
 * Corrects what the parser read (or fills in a rejected message). The form starts from what was read;
 * only changed or newly filled fields are sent. ds-service learns the sender's layout when the values
 * can be found in the text, and says so (templateLearned).
 */
export function CorrectionForm({ message, onDone, onCancel }: { message: Message; onDone: () => void; onCancel: () => void }) {
  const r = message.result
  const [error, setError] = useState<string | null>(null)
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({})
  const [done, setDone] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const value = (name: string) => String(form.get(name) ?? '').trim()
    const amount = value('amount').replace(/,/g, '')
    const body: Correction = {
      type: value('type') === 'credit' ? 'credit' : 'debit',
      amount,
      currency: value('currency').toUpperCase(),
      merchant: value('merchant') || null,
      occurredAt: value('occurredAt') || null,
      accountLast4: value('accountLast4') || null,
      channel: (CHANNELS as readonly string[]).includes(value('channel')) ? (value('channel') as Correction['channel']) : null,
      reference: value('reference') || null,
    }
    setBusy(true)
    setError(null)
    setFieldErrors({})
    try {
      const corrected = await call(api.PATCH('/ds/v1/messages/{id}', { params: { path: { id: message.messageId } }, body }))
      setDone(
        corrected.templateLearned
          ? `Saved. Learned how ${message.sender ? `messages from ${message.sender}` : 'messages like this'} are written: the next one will be read this way.`
          : 'Saved. The expense is updated.',
      )
      onDone()
    } catch (err) {
      setError(errorText(err))
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors)
    } finally {
      setBusy(false)
    }
  }

  if (done) {
    return (
      <div className="correction">
        <Notice kind="success">{done}</Notice>
        <button type="button" className="secondary small" onClick={onCancel}>
          Close
        </button>
      </div>
    )
  }

  return (
    <form className="correction" onSubmit={(e) => void submit(e)} aria-label="Correct this message">
      <div className="row">
        <Select label="Money" name="type" defaultValue={r?.type ?? 'debit'}>
          <option value="debit">went out (debit)</option>
          <option value="credit">came in (credit)</option>
        </Select>
        <Field label="Amount" name="amount" inputMode="decimal" required defaultValue={r?.amount ?? ''} error={fieldErrors.amount} />
        <Field label="Currency" name="currency" required maxLength={3} defaultValue={r?.currency ?? ''} error={fieldErrors.currency} />
      </div>
      <div className="row">
        <Field label="Merchant or person" name="merchant" defaultValue={r?.merchant ?? ''} error={fieldErrors.merchant} />
        <Field label="Date" name="occurredAt" type="date" defaultValue={r?.occurredAt ?? ''} error={fieldErrors.occurredAt} />
      </div>
      <div className="row">
        <Field label="Account (last digits)" name="accountLast4" inputMode="numeric" defaultValue={r?.accountLast4 ?? ''} error={fieldErrors.accountLast4} />
        <Select label="Channel" name="channel" defaultValue={r?.channel ?? ''}>
          <option value="">unknown</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {c.replace('_', ' ')}
            </option>
          ))}
        </Select>
        <Field label="Reference" name="reference" defaultValue={r?.reference ?? ''} error={fieldErrors.reference} />
      </div>
      <Notice kind="error">{error}</Notice>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save correction'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
