import { useCallback, useState } from 'react'
import { ApiError } from '../api/problems'
import { errorText } from './useAsync'

/**
 * The state every form shares: busy while its action runs, the failure as a sentence, and the API's
 * per-field messages (keyed like "amount" or "messages.3.text") to show next to the fields.
 */
export function useFormAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({})

  const reset = useCallback(() => {
    setError(null)
    setFieldErrors({})
  }, [])

  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true)
      reset()
      try {
        await action()
      } catch (err) {
        setError(errorText(err))
        if (err instanceof ApiError) setFieldErrors(err.fieldErrors)
      } finally {
        setBusy(false)
      }
    },
    [reset],
  )

  return { busy, error, fieldErrors, run, reset }
}
