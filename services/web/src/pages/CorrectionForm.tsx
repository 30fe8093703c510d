import { useState, type FormEvent } from 'react'
import { api, call, type Correction, type Message } from '../api/client'
import { CHANNELS } from '../api/enums'
import { Field, Select } from '../components/Field'
import { FormActions } from '../components/FormActions'
import { MoneyFields } from '../components/MoneyFields'
import { Notice } from '../components/Notice'
import { useFormAction } from '../components/useFormAction'

/**
 * Corrects what the parser read (or fills in a rejected message). The form starts from what was read;
 * only changed or newly filled fields are sent. ds-service learns the sender's layout when the values
 * can be found in the text, and says so (templateLearned).
 */
export function CorrectionForm({ message, onDone, onCancel }: { message: Message; onDone: () => void; onCancel: () => void }) {
  const r = message.result
  const { busy, error, fieldErrors, run } = useFormAction()
  const [done, setDone] = useState<string | null>(null)

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
    await run(async () => {
      const corrected = await call(api.PATCH('/ds/v1/messages/{id}', { params: { path: { id: message.messageId } }, body }))
      setDone(
        corrected.templateLearned
          ? `Saved. Learned how ${message.sender ? `messages from ${message.sender}` : 'messages like this'} are written: the next one will be read this way.`
          : 'Saved. The expense is updated.',
      )
      onDone()
    })
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
      <MoneyFields type={r?.type ?? 'debit'} amount={r?.amount ?? ''} currency={r?.currency ?? ''} errors={fieldErrors} />
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
      <FormActions busy={busy} error={error} submitLabel="Save correction" onCancel={onCancel} />
    </form>
  )
}
