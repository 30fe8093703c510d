import { Notice } from './Notice'

/** The foot of an edit form: its error, the submit button (busy while saving) and Cancel. */
export function FormActions({ busy, error, submitLabel, onCancel }: { busy: boolean; error: string | null; submitLabel: string; onCancel: () => void }) {
  return (
    <>
      <Notice kind="error">{error}</Notice>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  )
}
