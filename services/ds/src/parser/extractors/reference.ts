// Reference numbers: "UPI Ref No 412345678901", "Ref:", "Refno", "RRN", "UTR", "Txn ID", "Transaction
// Number", "(UPI 412345678901)", "UPI:412345678901", UPI/IMPS narration paths, and the M-PESA code that
// opens the message ("QCL1ABC2DE Confirmed.").

const VALUE = String.raw`([A-Za-z0-9][A-Za-z0-9/-]{3,34})`

const LABELLED = new RegExp(
  String.raw`(?<![\p{L}])(?:upi\s?ref(?:erence)?(?:\s?no\.?|\s?id|\s?number)?|ref(?:erence)?\.?\s?(?:no\.?|number|num|id|#)?|refno|rrn(?:\s?no\.?)?|utr(?:\s?no\.?)?|txn\s?(?:id|no\.?|#|ref)|trx\s?id|transaction\s?(?:id|no\.?|number|ref(?:erence)?|#)|trans(?:action)?\s?ref|confirmation\s?(?:code|no\.?|number|#)|auth(?:orization)?\s?code|approval\s?code|order\s?id|no\.?\s?ref|nsu|id da transa[cç][aã]o|c[oó]digo|referencia|référence|referenz|kenmerk|no\.?\s?referensi|ref\.?\s?no|id(?=\s?:)|رقم العملية|المرجع)(?![\p{L}])[\s:.#-]{0,4}${VALUE}`,
  'giu',
)
const UPI_COLON = /(?<![\p{L}])UPI\s?[:/-]\s?(?:P2[AM]\/|CR\/|DR\/)?(\d{9,20})(?!\d)/giu
const PAREN_UPI = /\(UPI\s(\d{9,20})\)/gi
const IMPS_PATH = /(?<![\p{L}])(?:IMPS|NEFT|RTGS)[-/](?:CR[-/]|DR[-/])?([A-Z0-9]{9,22})(?![A-Z0-9])/gu
const MPESA_CODE = /^([A-Z0-9]{10})\s(?:Confirmed|confirmed)/

function plausible(v: string): boolean {
  // A reference has digits; "No." / "Number" words and dates are not references.
  return /\d/.test(v) && !/^\d{1,2}[-/]\d{1,2}[-/]\d{2,4}$/.test(v) && v.replace(/\D/g, '').length >= 3
}

export function extractReference(text: string): string | null {
  const mpesa = MPESA_CODE.exec(text)
  if (mpesa?.[1] && /\d/.test(mpesa[1]) && /[A-Z]/.test(mpesa[1])) return mpesa[1]
  let best: { v: string; i: number } | null = null
  for (const re of [LABELLED, UPI_COLON, PAREN_UPI, IMPS_PATH]) {
    for (const m of text.matchAll(re)) {
      const v = (m[1] ?? '').replace(/[/-]+$/, '')
      if (!plausible(v)) continue
      if (best === null || (m.index ?? 0) < best.i) best = { v, i: m.index ?? 0 }
      break
    }
  }
  return best?.v ?? null
}
