/**
 * Turns what the API answers on failure (RFC 9457 problem documents with a stable `code`) into one
 * sentence for a person. Nobody using the app should see JSON, a status code or a stack trace.
 */
export interface Problem {
  status?: number
  code?: string
  title?: string
  detail?: string
  errors?: { path?: string; message?: string }[]
}

/** An API call that failed, already phrased for the user. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

const SENTENCES: Record<string, string> = {
  invalid_credentials: 'That username and password do not match. Check them and try again.',
  too_many_login_attempts: 'Too many sign-in attempts. Wait a minute and try again.',
  too_many_requests: 'You are going a little fast. Wait a moment and try again.',
  username_taken: 'That username is taken. Choose another one.',
  email_taken: 'An account with that email already exists. Sign in instead.',
  refresh_token_reused: 'For your safety you were signed out everywhere: your session was used from two places at once. Please sign in again.',
  invalid_refresh_token: 'Your session has ended. Please sign in again.',
  invalid_token: 'Your session has ended. Please sign in again.',
  not_found: 'That item no longer exists. It may have been deleted.',
  payload_too_large: 'That is too much at once. Send fewer messages or a smaller file.',
  bad_gateway: 'The service is not answering right now. Try again in a moment.',
  gateway_timeout: 'The service took too long to answer. Try again in a moment.',
  service_unavailable: 'The service is starting or busy. Try again in a moment.',
  auth_unavailable: 'Sign-in is not available right now. Try again in a moment.',
}

/** "body.messages.3.text" -> "messages.3.text"; "body.amount" -> "amount"; "/password" -> "password". */
export function fieldOf(path: string | undefined): string {
  return (path ?? '')
    .replace(/^\//, '')
    .replace(/\//g, '.')
    .replace(/^(body|querystring|query|params|headers)\.?/, '')
}

/** Makes a validation message read as a sentence: "must match format \"email\"" -> "Email must be a valid email address." */
function fieldSentence(field: string, message: string): string {
  const name = field.split('.').pop() || 'This field'
  const label = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase())
  const text = message
    .replace(/must match format "email"/, 'must be a valid email address')
    .replace(/must match format "date(-time)?"/, 'must be a valid date')
    .replace(/must match pattern .*/, 'is not in the expected form')
    .replace(/must NOT have fewer than (\d+) characters/, 'must have at least $1 characters')
    .replace(/must NOT have more than (\d+) characters/, 'must have at most $1 characters')
  return `${label} ${text.replace(/\.$/, '')}.`
}

export function problemToError(status: number, body: unknown): ApiError {
  const problem: Problem = body && typeof body === 'object' ? (body as Problem) : {}
  const code = problem.code ?? (status >= 500 ? 'server_error' : 'error')
  const fieldErrors: Record<string, string> = {}
  for (const e of problem.errors ?? []) {
    const field = fieldOf(e.path)
    if (field && e.message && !fieldErrors[field]) fieldErrors[field] = fieldSentence(field, e.message)
  }
  let message = SENTENCES[code]
  if (!message && code === 'validation_failed') {
    const first = Object.values(fieldErrors)[0]
    message = first ? (Object.keys(fieldErrors).length > 1 ? `${first} Please check the highlighted fields.` : first) : sentence(problem.detail)
  }
  if (!message && status >= 500) message = 'Something went wrong on our side. Try again in a moment.'
  message ??= sentence(problem.detail) ?? sentence(problem.title) ?? 'That did not work. Try again.'
  return new ApiError(message, status, code, fieldErrors)
}

/** A detail written by a service is user-safe by contract; make it read as a sentence. */
function sentence(text: string | undefined): string | undefined {
  if (!text) return undefined
  const trimmed = text.trim()
  if (!trimmed) return undefined
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}

/** A network failure (gateway down, offline) as a sentence. */
export function networkError(): ApiError {
  return new ApiError('Cannot reach the server. Check your connection and try again.', 0, 'network_error')
}

const REJECT_REASONS: Record<string, string> = {
  otp: 'This is a one-time password, not a transaction.',
  promotion: 'This is an advertisement or offer, not a transaction.',
  loan_offer: 'This is a loan offer, not a transaction.',
  payment_due_reminder: 'This is a payment reminder; nothing was paid yet.',
  declined: 'The bank declined this transaction, so no money moved.',
  mandate_setup: 'This sets up a mandate or auto-pay; no money moved yet.',
  balance_enquiry: 'This only reports a balance; no money moved.',
  delivery: 'This is a delivery or service notice, not a transaction.',
  not_a_transaction: 'The parser could not find a transaction in this message.',
}

/** Why a message was rejected, in words. */
export function rejectReasonSentence(reason: string | null | undefined): string {
  if (!reason) return 'The parser could not read this message.'
  return REJECT_REASONS[reason] ?? sentence(reason.replace(/_/g, ' '))!
}
