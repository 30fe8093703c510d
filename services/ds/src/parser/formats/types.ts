import type { Channel, CountryCode, TxnType } from '../types.js'

/**
 * A message layout specific to one institution, written as a regular expression with named groups:
 * amount, currency, merchant, account, balance, date, ref. Groups found override what the generic
 * extractors read; everything else is still filled generically. Patterns must be bounded (no nested
 * unbounded quantifiers) - they run on every message from that institution.
 */
export interface FormatPattern {
  id: string
  re: RegExp
  type?: TxnType
  channel?: Channel
}

/** Everything the parser knows about one institution, as data. */
export interface InstitutionFormat {
  /** "<country>.<institution>", e.g. "in.hdfc"; pattern ids are "<id>.<pattern>" */
  id: string
  name: string
  country: CountryCode
  /** tested against the normalised sender ("HDFCBK", "MPESA", "CHASE") */
  senders?: RegExp
  /** tested against the message text when the sender does not identify the institution */
  names?: RegExp
  /** channel implied by the institution itself (M-PESA -> mobile_money, GCash -> wallet) */
  channel?: Channel
  patterns?: readonly FormatPattern[]
}
