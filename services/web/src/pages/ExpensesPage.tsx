import { useState, type FormEvent } from 'react'
import { api, call, type Expense, type ExpenseFilters } from '../api/client'
import { CATEGORIES } from '../api/enums'
import { useProfile } from '../app/profile'
import { Field, Select } from '../components/Field'
import { Empty, Loading, Notice } from '../components/Notice'
import { errorText, useAsync } from '../components/useAsync'
import { expensesToCsv } from '../csv'
import { categoryLabel, formatDate, formatMoney } from '../format'
import { ExpenseForm } from './ExpenseForm'

const PAGE = 25
type Filters = Omit<ExpenseFilters, 'cursor' | 'limit'>

export function ExpensesPage() {
  const { timeZone } = useProfile()
  const [filters, setFilters] = useState<Filters>({})
  // Cursors of the pages before the current one; the API's keyset pages only go forward.
  const [cursors, setCursors] = useState<string[]>([])
  const cursor = cursors[cursors.length - 1]
  const [editing, setEditing] = useState<Expense | 'new' | null>(null)
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null)
  const [exporting, setExporting] = useState(false)

  const page = useAsync(
    () => call(api.GET('/expense/v1/expenses', { params: { query: { ...filters, tz: timeZone, limit: PAGE, ...(cursor ? { cursor } : {}) } } })),
    [filters, cursor, timeZone],
  )

  function applyFilters(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const value = (name: string) => String(form.get(name) ?? '').trim()
    const next: Filters = {}
    if (value('from')) next.from = value('from')
    if (value('to')) next.to = value('to')
    if (value('type') === 'debit' || value('type') === 'credit') next.type = value('type') as 'debit' | 'credit'
    if (value('category')) next.category = value('category') as Filters['category']
    if (/^[A-Za-z]{3}$/.test(value('currency'))) next.currency = value('currency').toUpperCase()
    if (value('merchant')) next.merchant = value('merchant')
    setFilters(next)
    setCursors([])
  }

  async function exportCsv() {
    setExporting(true)
    setNotice(null)
    try {
      const all: Expense[] = []
      let next: string | undefined
      do {
        const result: { items: Expense[]; nextCursor: string | null } = await call(
          api.GET('/expense/v1/expenses', { params: { query: { ...filters, tz: timeZone, limit: 200, ...(next ? { cursor: next } : {}) } } }),
        )
        all.push(...result.items)
        next = result.nextCursor ?? undefined
      } while (next)
      const url = URL.createObjectURL(new Blob([expensesToCsv(all)], { type: 'text/csv;charset=utf-8' }))
      const link = document.createElement('a')
      link.href = url
      link.download = 'expenses.csv'
      document.body.append(link)
      link.click()
      link.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      setNotice({ kind: 'success', text: `Exported ${all.length} expense${all.length === 1 ? '' : 's'}.` })
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) })
    } finally {
      setExporting(false)
    }
  }

  async function remove(expense: Expense) {
    try {
      await call(api.DELETE('/expense/v1/expenses/{id}', { params: { path: { id: expense.id } } }))
      setNotice({ kind: 'success', text: `Deleted ${expense.merchant ?? 'the expense'} (${formatMoney(expense.amount, expense.currency)}).` })
      page.reload()
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) })
    }
  }

  const items = page.data?.items ?? []
  return (
    <>
      <div className="section-head">
        <h1>Expenses</h1>
        <div className="actions">
          <button type="button" onClick={() => setEditing('new')}>
            Add expense
          </button>
          <button type="button" className="secondary" disabled={exporting} onClick={() => void exportCsv()}>
            {exporting ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </div>
      {editing && (
        <ExpenseForm
          expense={editing === 'new' ? null : editing}
          onSaved={(text) => {
            setEditing(null)
            setNotice({ kind: 'success', text })
            page.reload()
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <form className="filters card" onSubmit={applyFilters} aria-label="Filter expenses">
        <Field label="Search merchant" name="merchant" type="search" defaultValue={filters.merchant ?? ''} />
        <Field label="From" name="from" type="date" defaultValue={filters.from ?? ''} />
        <Field label="To" name="to" type="date" defaultValue={filters.to ?? ''} />
        <Select label="Category" name="category" defaultValue={filters.category ?? ''}>
          <option value="">All categories</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {categoryLabel(c)}
            </option>
          ))}
        </Select>
        <Select label="Money" name="type" defaultValue={filters.type ?? ''}>
          <option value="">In and out</option>
          <option value="debit">Out (debits)</option>
          <option value="credit">In (credits)</option>
        </Select>
        <Field label="Currency" name="currency" maxLength={3} defaultValue={filters.currency ?? ''} />
        <button type="submit">Apply</button>
      </form>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <Notice kind="error">{page.error}</Notice>
      {page.loading && !page.data && <Loading />}
      {page.data && items.length === 0 && (
        <Empty title={Object.keys(filters).length ? 'No expenses match these filters.' : 'No expenses yet.'}>
          {!Object.keys(filters).length && (
            <p>
              Paste bank messages on the <a href="#/inbox">Messages</a> page, or add an expense by hand.
            </p>
          )}
        </Empty>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="expenses">
            <caption className="visually-hidden">Your expenses, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Merchant</th>
                <th scope="col">Category</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <ExpenseRow key={e.id} expense={e} timeZone={timeZone} onEdit={() => setEditing(e)} onDelete={() => void remove(e)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        <button type="button" className="secondary" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </button>
        <span>Page {cursors.length + 1}</span>
        <button
          type="button"
          className="secondary"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data!.nextCursor!])}
        >
          Next
        </button>
      </nav>
    </>
  )
}

function ExpenseRow({ expense: e, timeZone, onEdit, onDelete }: { expense: Expense; timeZone: string; onEdit: () => void; onDelete: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const name = e.merchant ?? 'Unknown merchant'
  return (
    <tr data-testid="expense-row">
      <td>
        <time dateTime={e.occurredAt}>{formatDate(e.occurredAt, timeZone)}</time>
      </td>
      <td>
        {name}
        {e.note && <div className="muted small">{e.note}</div>}
      </td>
      <td>
        <span className={`chip chip-${e.category}`}>{categoryLabel(e.category)}</span>
      </td>
      <td className={`num amount-${e.type}`}>
        {e.type === 'credit' ? '+' : '−'}
        {formatMoney(e.amount, e.currency)}
      </td>
      <td className="row-actions">
        {confirming ? (
          <>
            <span className="visually-hidden">Delete {name}?</span>
            <button type="button" className="danger small" onClick={onDelete}>
              Delete
            </button>
            <button type="button" className="secondary small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <>
            <button type="button" className="secondary small" onClick={onEdit} aria-label={`Edit ${name}`}>
              Edit
            </button>
            <button type="button" className="secondary small" onClick={() => setConfirming(true)} aria-label={`Delete ${name}`}>
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  )
}
