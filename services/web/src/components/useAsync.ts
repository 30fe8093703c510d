import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError } from '../api/problems'

export interface AsyncState<T> {
  data: T | undefined
  error: string | null
  loading: boolean
  reload: () => void
}

/** Loads `load()` whenever `deps` change; the last answer wins, earlier ones are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({ data: undefined, error: null, loading: true })
  const generation = useRef(0)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const mine = ++generation.current
    setState((s) => ({ ...s, loading: true }))
    load().then(
      (data) => mine === generation.current && setState({ data, error: null, loading: false }),
      (err: unknown) => mine === generation.current && setState((s) => ({ data: s.data, error: errorText(err), loading: false })),
    )
  }, [...deps, tick])
  const reload = useCallback(() => setTick((n) => n + 1), [])
  return { ...state, reload }
}

/** Any failure as a sentence (ApiError already is one). */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message
  return 'Something went wrong. Try again.'
}
