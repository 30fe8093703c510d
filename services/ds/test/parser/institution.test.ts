// The institution look-up by name (one case-insensitive alternation, confirmed by the format's own pattern)
// must agree with scanning the formats one by one - the definition it optimises.
import fc from 'fast-check'
import t from 'tap'
import { identifyByNameScan, identifyInstitution } from '../../src/parser/formats/index.js'
import { normaliseText } from '../../src/parser/normalise.js'
import { CORPUS_DIR, HOLDOUT_DIRS, loadCorpus } from './support/corpus.js'

t.test('the name look-up agrees with the format-by-format scan on every labelled message', async (t) => {
  const texts = [CORPUS_DIR, HOLDOUT_DIRS.holdout, HOLDOUT_DIRS.holdout2].flatMap((d) => loadCorpus(d)).map((r) => normaliseText(r.text))
  const differing = texts.filter((x) => identifyInstitution(null, x)?.id !== identifyByNameScan(x)?.id)
  t.same(differing, [])
  t.ok(texts.filter((x) => identifyInstitution(null, x) !== null).length > 1000, 'most messages name an institution')
})

t.test('the name look-up agrees with the scan on random mixes of bank names in any case', async (t) => {
  // Case-sensitive names (TD, ING, BCA, UBA, OVO, DANA, NAB, Chime…) next to look-alike words in other cases.
  const words = [
    'HDFC Bank',
    'hdfc bank',
    'SBI',
    'sbi',
    'TD',
    'td',
    'Discover',
    'discover',
    'Chase',
    'ING',
    'ing',
    'BDO',
    'Pix',
    'Nubank',
    'M-PESA',
    'FNB',
    'fnb',
    'BCA',
    'bca',
    'UBA',
    'uba',
    'OVO',
    'ovo',
    'DANA',
    'dana',
    'NAB',
    'nab',
    'Chime',
    'chime',
    'Bank of Baroda',
    '-BOB',
    'Royal Bank',
    'x',
    ' ',
    '\n',
  ]
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...words), { maxLength: 10 }), fc.constantFrom(' ', ''), (parts, sep) => {
      const text = parts.join(sep)
      return identifyInstitution(null, text)?.id === identifyByNameScan(text)?.id
    }),
    { seed: 5, numRuns: 5000 },
  )
  t.pass('5000 random texts agree')
})

t.test('a known sender wins over a bank named in the text, and an unknown one falls back to the text', async (t) => {
  t.equal(identifyInstitution('HDFCBK', 'Paid via ICICI Bank card')?.id, 'in.hdfc')
  t.equal(identifyInstitution('NOBODY', 'Paid via ICICI Bank card')?.id, 'in.icici')
  t.equal(identifyInstitution(null, 'no institution named here'), null)
})
