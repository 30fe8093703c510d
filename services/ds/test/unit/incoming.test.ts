import t from 'tap'
import { checkIncoming, dedupKey, storable } from '../../src/domain/incoming.js'

const now = new Date('2024-03-13T10:00:00Z')

t.test('the dedup key ignores whitespace differences and time zone spelling, not content', async (t) => {
  const at = new Date('2024-03-13T10:00:00Z')
  const key = dedupKey('Rs 500 debited', 'VM-HDFCBK', at)
  t.equal(dedupKey('Rs  500\ndebited', 'VM-HDFCBK', new Date('2024-03-13T15:30:00+05:30')), key)
  t.not(dedupKey('Rs 501 debited', 'VM-HDFCBK', at), key)
  t.not(dedupKey('Rs 500 debited', 'VM-ICICIB', at), key)
  t.not(dedupKey('Rs 500 debited', null, at), key)
  t.not(dedupKey('Rs 500 debited', 'VM-HDFCBK', new Date(at.getTime() + 1)), key)
  t.match(key, /^[0-9a-f]{64}$/)
})

t.test('checkIncoming trims, defaults receivedAt to now, and treats a blank sender as none', async (t) => {
  const r = checkIncoming({ text: '  hi  ', sender: '  ' }, now)
  t.ok(r.ok)
  if (r.ok) t.match(r.value, { text: 'hi', sender: null, receivedAt: now })
})

t.test('checkIncoming rejects blank, over-long, future and pre-1970 input with field paths', async (t) => {
  const cases: [object, string][] = [
    [{ text: ' \u0000 ' }, 'body.text'],
    [{ text: 'x'.repeat(4097) }, 'body.text'],
    [{ text: 'x', receivedAt: '2024-03-15T10:00:01Z' }, 'body.receivedAt'],
    [{ text: 'x', receivedAt: '1969-12-31T23:59:59Z' }, 'body.receivedAt'],
  ]
  for (const [input, path] of cases) {
    const r = checkIncoming(input as { text: string }, now)
    t.notOk(r.ok, JSON.stringify(input).slice(0, 40))
    if (!r.ok) t.equal(r.errors[0]?.path, path)
  }
  t.ok(checkIncoming({ text: 'x', receivedAt: '2024-03-14T09:00:00Z' }, now).ok, 'a phone clock a little ahead is fine')
})

t.test('storable drops NUL and replaces lone surrogates but keeps real emoji', async (t) => {
  t.equal(storable('a\u0000b'), 'ab')
  t.equal(storable('x\ud800y\udc00z'), 'x\ufffdy\ufffdz')
  t.equal(storable('pay 😀'), 'pay 😀')
})
