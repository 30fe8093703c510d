import t from 'tap'
import { findDates } from '../../src/parser/dates.js'

const at = (s: string) => new Date(s)
const first = (text: string, order: 'DMY' | 'MDY' = 'DMY', received = '2024-03-13T10:00:00Z') =>
  findDates(text, { order, receivedAt: at(received) })[0]?.iso ?? null

t.test('numeric dates honour the country order unless a part is > 12', async (t) => {
  t.equal(first('on 03/04/24'), '2024-04-03')
  t.equal(first('on 03/04/24', 'MDY'), '2024-03-04')
  t.equal(first('on 25/12/2023', 'MDY'), '2023-12-25')
  t.equal(first('on 12/25/2023', 'DMY'), '2023-12-25')
  t.equal(first('2024-03-12:10:11:12'), '2024-03-12')
  t.equal(first('(2024:03:12 10:11:12)'), '2024-03-12')
  t.equal(first('DT:26/09/2023 02:33'), '2023-09-26')
})

t.test('month names in several languages and layouts', async (t) => {
  t.equal(first('12Mar24 trf'), '2024-03-12')
  t.equal(first('on 12-MAR-2024'), '2024-03-12')
  t.equal(first('Mar 12, 2024 at 10:11'), '2024-03-12')
  t.equal(first('12 de março de 2024'), '2024-03-12')
  t.equal(first('le 5 févr. 2024'), '2024-02-05')
  t.equal(first('am 3. Mai 2023'), '2023-05-03')
  t.equal(first('pada 7 Agustus 2023'), '2023-08-07')
})

t.test('two-digit years and years inferred from receivedAt', async (t) => {
  t.equal(first('on 01-01-99'), '1999-01-01')
  t.equal(first('on 01-01-05'), '2005-01-01')
  t.equal(first('on 11 MAR 10:11'), '2024-03-11')
  // A December date received in January belongs to the previous year.
  t.equal(first('on 30 Dec', 'DMY', '2024-01-02T08:00:00Z'), '2023-12-30')
  t.equal(first('on 12/03', 'DMY'), '2024-03-12')
  // Without receivedAt a year-less date cannot be completed.
  t.same(findDates('on 12 Mar', { order: 'DMY', receivedAt: null }), [])
})

t.test('impossible dates and times are not dates', async (t) => {
  t.equal(first('on 31/02/2024'), null)
  t.equal(first('at 10:11:12'), null)
  t.equal(first('ref 123456789'), null)
})

t.test('a French, Portuguese or German preposition before a numeric date means day first, even in a month-first country', async (t) => {
  t.equal(first('Dépôt de 1 250,00 $ le 05/06/2024', 'MDY', '2024-06-10T00:00:00Z'), '2024-06-05')
  t.equal(first('Gutschrift am 05/06/2024', 'MDY', '2024-06-10T00:00:00Z'), '2024-06-05')
  t.equal(first('paiement du 05/06', 'MDY', '2024-06-10T00:00:00Z'), '2024-06-05')
  // English and Spanish keep the country order.
  t.equal(first('posted on 05/06/2024', 'MDY', '2024-06-10T00:00:00Z'), '2024-05-06')
  t.equal(first('compra el 05/06/2024', 'MDY', '2024-06-10T00:00:00Z'), '2024-05-06')
})
