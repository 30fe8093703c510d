// Public types of the bank-message parser. Kept in one module so every other parser module (and the
// service code that imports the parser) agrees on the shape; index.ts re-exports them unchanged.

// The channel list belongs to the bank-message contract; the parser produces exactly those values.
import type { ChannelName } from '@expenses/events/contracts'

export type Channel = ChannelName

export type RejectReason =
  'otp' | 'promotion' | 'loan_offer' | 'payment_due_reminder' | 'declined' | 'mandate_setup' | 'balance_enquiry' | 'delivery' | 'not_a_transaction'

export type TxnType = 'debit' | 'credit'

export interface ParseInput {
  text: string
  sender?: string | null
  receivedAt?: string | Date | null
}

export interface ParseResult {
  isTransaction: boolean
  /** refunds, reversals and cashback are credits */
  type: TxnType | null
  /** decimal string padded to the currency's minor units ("1234.50", "1500" for JPY, "12.345" for KWD) */
  amount: string | null
  /** ISO 4217 */
  currency: string | null
  /** merchant or counterparty as written; UPI VPAs kept whole */
  merchant: string | null
  /** trailing digits of the account/card as written (usually 4) */
  accountLast4: string | null
  /** balance after the transaction, decimal string */
  balance: string | null
  /** transaction date, ISO YYYY-MM-DD */
  occurredAt: string | null
  channel: Channel | null
  /** UPI ref / RRN / txn id / reference number */
  reference: string | null
  /** 0..1 - known format >= 0.9, generic extraction 0.5-0.85, nothing found 0 */
  confidence: number
  rejectReason: RejectReason | null
  /** id of the format/template that matched, 'generic', or null when rejected */
  format: string | null
}

/** The fields a user may correct and a template may fill. */
export type TemplateField = 'type' | 'amount' | 'currency' | 'merchant' | 'accountLast4' | 'balance' | 'occurredAt' | 'channel' | 'reference'

export type CorrectedFields = Partial<Pick<ParseResult, TemplateField>>

/**
 * How a template fills one field: `slot` - read from the text at the template's `{field}` placeholder;
 * `value` - a constant (only for type, currency and channel, which are properties of a format, not of
 * one message).
 */
export type TemplateFieldSpec = { slot: true } | { value: string }

export interface UserTemplate {
  id?: string
  /** sender the template was learned from (normalised); null = only messages without a sender */
  sender: string | null
  /**
   * Serialised pattern: the message text with digits masked to '9', whitespace collapsed, and the learned
   * fields replaced by `{field}` placeholders (literal braces are written `{{` and `}}`). It is never
   * compiled into a RegExp - matching is literal, so a hostile pattern cannot cause backtracking.
   */
  pattern: string
  fields: Partial<Record<TemplateField, TemplateFieldSpec>>
  createdAt?: string
}

export interface ParseOptions {
  templates?: readonly UserTemplate[]
  /**
   * "Now", used only to infer the year of a date written without one when the message has no receivedAt.
   * Omitted -> no inference (the parser stays deterministic); the CLI passes the real clock.
   */
  now?: string | Date | null
}

export type CountryCode =
  'IN' | 'US' | 'GB' | 'EU' | 'DE' | 'FR' | 'NL' | 'ES' | 'IE' | 'AE' | 'SA' | 'KE' | 'NG' | 'ZA' | 'PH' | 'SG' | 'MY' | 'ID' | 'AU' | 'CA' | 'BR' | 'JP' | 'KR'
