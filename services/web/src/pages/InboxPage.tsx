import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { api, call, type Message, type MessageInput } from '../api/client'
import { ApiError, rejectReasonSentence } from '../api/problems'
import { useProfile } from '../app/profile'
import { Field } from '../components/Field'
import { Empty, Loading, Notice } from '../components/Notice'
import { errorText } from '../components/useAsync'
import { formatDateTime, formatMoney } from '../format'
import { readMessages } from '../upload'
import { CorrectionForm } from './CorrectionForm'

/** Below this the parser was unsure: the message is listed under "Needs review". */
export const LOW_CONFIDENCE = 0.6
const PAGE = 50
const BATCH = 500
const POLL_MS = 1500

export const needsReview = (m: Message) => m.status === 'rejected' || (m.status === 'parsed' && (m.result?.confidence ?? 1) < LOW_CONFIDENCE)

export function InboxPage() {
  const [view, setView] = useState<'all' | 'review'>('all')
  const [messages, setMessages] = useState<Message[] | null>(null)
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [editing, setEditing] = useState<string | null>(null)
  const pages = useRef(1)

  // Re-reads as many pages as are shown, so live status updates keep "Load more" results in place.
  const refresh = useCallback(async () => {
    try {
      const items: Message[] = []
      let cursor: string | undefined
      let next: string | null = null
      for (let page = 0; page < pages.current; page++) {
        const result: { items: Message[]; nextCursor: string | null } = await call(
          api.GET('/ds/v1/messages', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } }),
        )
        items.push(...result.items)
        next = result.nextCursor
        if (!next) break
        cursor = next
      }
      setMessages(items)
      setNextCursor(next)
      setLoadError(null)
    } catch (err) {
      setLoadError(errorText(err))
    }
  }, [])

  useEffect(() => {
    void refresh()
  }, [refresh])

  const pending = messages?.some((m) => m.status === 'pending') ?? false
  useEffect(() => {
    if (!pending) return
    const timer = setInterval(() => void refresh(), POLL_MS)
    return () => clearInterval(timer)
  }, [pending, refresh])

  const shown = (messages ?? []).filter((m) => view === 'all' || needsReview(m))
  const reviewCount = (messages ?? []).filter(needsReview).length

  return (
    <>
      <h1>Messages</h1>
      <Submit onSubmitted={() => void refresh()} />
      <section aria-labelledby="list-title">
        <div className="section-head">
          <h2 id="list-title">Your messages</h2>
          <div className="tabs" role="group" aria-label="Show">
            <button type="button" aria-pressed={view === 'all'} onClick={() => setView('all')}>
              All
            </button>
            <button type="button" aria-pressed={view === 'review'} onClick={() => setView('review')}>
              Needs review{reviewCount > 0 ? ` (${reviewCount})` : ''}
            </button>
          </div>
        </div>
        <Notice kind="error">{loadError}</Notice>
        {messages === null && !loadError && <Loading />}
        {messages !== null && shown.length === 0 && (
          <Empty title={view === 'review' ? 'Nothing needs your review.' : 'No messages yet.'}>
            {view === 'all' && <p>Paste a bank SMS or card alert above to turn it into an expense.</p>}
          </Empty>
        )}
        <ul className="messages" aria-live="polite">
          {shown.map((m) => (
            <li key={m.messageId} className={`message status-${m.status}`} data-testid="message">
              <MessageCard message={m} onCorrect={() => setEditing(editing === m.messageId ? null : m.messageId)} />
              {editing === m.messageId && (
                <CorrectionForm
                  message={m}
                  onDone={() => {
                    void refresh()
                  }}
                  onCancel={() => setEditing(null)}
                />
              )}
            </li>
          ))}
        </ul>
        {nextCursor && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              pages.current++
              void refresh()
            }}
          >
            Load more
          </button>
        )}
      </section>
    </>
  )
}

function MessageCard({ message, onCorrect }: { message: Message; onCorrect: () => void }) {
  const { timeZone } = useProfile()
  const r = message.result
  return (
    <article aria-label={`Message ${message.sender ? `from ${message.sender}` : ''} received ${formatDateTime(message.receivedAt, timeZone)}`}>
      <div className="message-head">
        <span className={`badge badge-${message.status}`}>{statusLabel(message)}</span>
        {message.sender && <span className="sender">{message.sender}</span>}
        <time dateTime={message.receivedAt}>{formatDateTime(message.receivedAt, timeZone)}</time>
      </div>
      <p className="message-text">{message.text}</p>
      {message.status === 'pending' && <p className="muted">Reading this message…</p>}
      {message.status === 'rejected' && <p className="reason">{rejectReasonSentence(message.reason ?? r?.rejectReason)}</p>}
      {message.status === 'parsed' && r && (
        <dl className="fields">
          {parsedFields(r).map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {message.status !== 'pending' && (
        <button type="button" className="secondary small" onClick={onCorrect}>
          {message.status === 'rejected' ? 'This is a transaction: fix it' : 'Correct'}
        </button>
      )}
    </article>
  )
}

/** What the parser found, as label and display value, in reading order; fields it did not find are left out. */
function parsedFields(r: NonNullable<Message['result']>): [string, string][] {
  const money = (amount: string | null) => (amount && r.currency ? formatMoney(amount, r.currency) : null)
  const fields: [string, string | null][] = [
    [r.type === 'credit' ? 'Received' : 'Spent', money(r.amount)],
    ['Merchant', r.merchant],
    ['Date', r.occurredAt],
    ['Channel', r.channel],
    ['Account', r.accountLast4 && `••${r.accountLast4}`],
    ['Balance', money(r.balance)],
  ]
  return fields.filter((f): f is [string, string] => Boolean(f[1]))
}

function statusLabel(m: Message): string {
  if (m.status === 'pending') return 'Pending'
  if (m.status === 'rejected') return 'Not an expense'
  if (m.result?.format === 'user_correction') return 'Corrected'
  if ((m.result?.confidence ?? 1) < LOW_CONFIDENCE) return 'Parsed · check it'
  return 'Parsed'
}

/** Paste one message or many (one per line), or upload a text, CSV or JSON Lines export. */
function Submit({ onSubmitted }: { onSubmitted: () => void }) {
  const [text, setText] = useState('')
  const [sender, setSender] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ kind: 'success' | 'error' | 'info'; text: string } | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)

  /** Sends in batches of 500; the sender field fills in for messages that name none themselves. */
  async function send(read: MessageInput[], skipped: number) {
    const from = sender.trim()
    const messages = read.map((m) => (from && !m.sender ? { ...m, sender: from } : m))
    if (messages.length === 0) {
      setResult({ kind: 'error', text: skipped > 0 ? `None of the ${skipped} lines held a message.` : 'Paste a message first.' })
      return
    }
    setBusy(true)
    setResult(null)
    let accepted = 0
    let duplicates = 0
    try {
      for (let i = 0; i < messages.length; i += BATCH) {
        const chunk = messages.slice(i, i + BATCH)
        const answer = await call(api.POST('/ds/v1/messages:batch', { body: { messages: chunk } }))
        accepted += answer.accepted
        duplicates += answer.duplicates
      }
      const parts = [`Sent ${accepted} message${accepted === 1 ? '' : 's'}.`]
      if (duplicates > 0) parts.push(`${duplicates} ${duplicates === 1 ? 'was' : 'were'} already here.`)
      if (skipped > 0) parts.push(`${skipped} line${skipped === 1 ? '' : 's'} skipped.`)
      setResult({ kind: 'success', text: parts.join(' ') })
      setText('')
      onSubmitted()
    } catch (err) {
      const sent = accepted > 0 ? ` The first ${accepted} were sent.` : ''
      if (err instanceof ApiError && err.code === 'validation_failed') {
        const lines = Object.keys(err.fieldErrors)
          .map((f) => Number(/^messages\.(\d+)/.exec(f)?.[1]))
          .filter((n) => Number.isInteger(n))
          .map((n) => n + 1)
        setResult({ kind: 'error', text: `${lines.length ? `Line ${[...new Set(lines)].join(', ')} could not be sent: ` : ''}${err.message}${sent}` })
      } else setResult({ kind: 'error', text: `${errorText(err)}${sent}` })
    } finally {
      setBusy(false)
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    const { messages, skipped } = readMessages(text)
    await send(messages, skipped.length)
  }

  async function upload(file: File) {
    if (file.size > 4 * 1024 * 1024) {
      setResult({ kind: 'error', text: 'That file is larger than 4 MB. Split it into smaller files.' })
      return
    }
    const { messages, skipped } = readMessages(await file.text(), file.name.toLowerCase())
    await send(messages, skipped.length)
    if (fileInput.current) fileInput.current.value = ''
  }

  return (
    <section className="card" aria-labelledby="submit-title">
      <h2 id="submit-title">Add bank messages</h2>
      <form onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="messages-text">Messages, one per line</label>
          <textarea
            id="messages-text"
            rows={5}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Rs.450.00 spent on HDFC Bank Card XX1234 at SWIGGY on 05-12-26. Avl bal Rs.12,000.00"
          />
        </div>
        <div className="row">
          <Field
            label="Sender (optional)"
            name="sender"
            value={sender}
            onChange={(e) => setSender(e.target.value)}
            hint="As your phone shows it, e.g. VM-HDFCBK. Helps the parser learn each bank's layout."
            maxLength={64}
          />
          <div className="field">
            <label htmlFor="messages-file">Or upload a file</label>
            <input
              id="messages-file"
              ref={fileInput}
              type="file"
              accept=".txt,.csv,.jsonl,.ndjson,text/plain,text/csv,application/x-ndjson"
              onChange={(e) => {
                const file = e.target.files?.[0]
                if (file) void upload(file)
              }}
            />
            <small className="hint">Text (one per line), CSV with a text column, or JSON Lines.</small>
          </div>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Send messages'}
        </button>
      </form>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
    </section>
  )
}
