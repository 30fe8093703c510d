// Reference numbers: "UPI Ref No 412345678901", "Ref:", "Refno", "RRN", "UTR", "Txn ID", "Transaction
// Number", "(UPI 412345678901)", "UPI:412345678901", UPI/IMPS narration paths, and the M-PESA code that
// opens the message ("QCL1ABC2DE Confirmed.").
import { execAll, L } from '../regex.js'

const VALUE = String.raw`([A-Za-z0-9][A-Za-z0-9/-]{3,34})`

const LABELLED = new RegExp(
  String.raw`(?<![${L}])(?:upi\s?ref(?:erence)?(?:\s?no\.?|\s?id|\s?number)?|ref(?:erence)?\.?\s?(?:no\.?|number|num|id|#)?|refno|rrn(?:\s?no\.?)?|utr(?:\s?no\.?)?|txn\s?(?:id|no\.?|#|ref)|trx\s?id|tid|conf(?:irmation)?\s?#|transaction\s?(?:id|no\.?|number|ref(?:erence)?|#)|trans(?:action)?\s?ref|confirmation\s?(?:code|no\.?|number|#)|auth(?:orization)?\s?code|approval\s?code|order\s?id|no\.?\s?ref|nsu|id da transa[cç][aã]o|c[oó]digo|referencia|référence|referenz|kenmerk|no\.?\s?referensi|ref\.?\s?no|id(?=\s?:)|n[uú]mero de operaci[oó]n|operaci[oó]n|opera[cç][aã]o|folio|clave de rastreo|رقم العملية|المرجع)(?![\p{L}])[\s:.#-]{0,4}${VALUE}`,
  'gi',
)
const UPI_COLON = new RegExp(String.raw`(?<![${L}])UPI\s?[:/-]\s?(?:P2[AM]\/|CR\/|DR\/)?(\d{9,20})(?!\d)`, 'gi')
const PAREN_UPI = /\(UPI\s(\d{9,20})\)/gi
const IMPS_PATH = new RegExp(String.raw`(?<![${L}])(?:IMPS|NEFT|RTGS)[-/](?:CR[-/]|DR[-/])?(?:P2[AM][-/])?([A-Z0-9]{9,22})(?![A-Z0-9])`, 'g')
// An NEFT/RTGS UTR standing alone at the end of a narration: 4-letter bank code, N/R, then digits.
const UTR = /(?<![A-Z0-9])([A-Z]{4}[NR]\d{9,20})(?![A-Z0-9])/g
const HAS_UPI = /upi/i
const HAS_PATH = /IMPS|NEFT|RTGS/
const MPESA_CODE = /^([A-Z0-9]{10})\s(?:Confirmed|confirmed)/

function plausible(v: string): boolean {
  // A reference has digits; "No." / "Number" words and dates are not references. Long mixed-case tokens
  // without digits are ids too (Google Pay "CICAgKDk8aLcRg" style).
  if (/^\d{1,2}[-/]\d{1,2}[-/]\d{2,4}$/.test(v)) return false
  if (v.replace(/\D/g, '').length >= 3) return true
  // A short labelled id mixing letters and digits ("Reference number: CAaB7xK2") is a reference too.
  if (v.length >= 6 && /\d/.test(v) && /[A-Za-z]{2}/.test(v)) return true
  return v.length >= 10 && /[a-z]/.test(v) && /[A-Z]/.test(v) && !/^[A-Z]?[a-z]+$/.test(v)
}

export function extractReference(text: string): string | null {
  const mpesa = MPESA_CODE.exec(text)
  if (mpesa?.[1] && /\d/.test(mpesa[1]) && /[A-Z]/.test(mpesa[1])) return mpesa[1]
  let best: { v: string; i: number } | null = null
  const hasUpi = HAS_UPI.test(text)
  const hasPath = HAS_PATH.test(text)
  for (const re of [LABELLED, UPI_COLON, PAREN_UPI, IMPS_PATH]) {
    if ((re === UPI_COLON || re === PAREN_UPI) && !hasUpi) continue
    if (re === IMPS_PATH && !hasPath) continue
    re.lastIndex = 0
    for (const m of execAll(re, text)) {
      const v = (m[1] ?? '').replace(/[/-]+$/, '')
      if (!plausible(v)) continue
      if (best === null || (m.index ?? 0) < best.i) best = { v, i: m.index ?? 0 }
      break
    }
  }
  if (best) return best.v
  if (/\b(?:NEFT|RTGS)\b/.test(text)) return UTR.exec(text)?.[1] ?? null
  // Last resort: a payer's free-text reference in capitals ("Ref: UTILITIES JUNE.", "Ref.RENT OCT.").
  return HAS_REF_WORD.test(text) ? (FREE_TEXT.exec(text)?.[1] ?? null) : null
}

const HAS_REF_WORD = /Ref|REF/
const FREE_TEXT = new RegExp(String.raw`(?<![${L}])(?:Ref|REF|Reference|REFERENCE)\s?[:.]\s?([A-Z][A-Z0-9&]*(?: [A-Z0-9&]+){0,3})(?=\.\s|\.?$|\.?\n)`)
