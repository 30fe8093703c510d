/**
 * The one way the app talks to the API: openapi-fetch typed by the gateway's merged OpenAPI document
 * (schema.gen.ts), same origin only. Adds the access token, refreshes it once on a 401 and retries,
 * and turns every failure into an ApiError whose message is a sentence for the user.
 */
import createClient from 'openapi-fetch'
import { ApiError, networkError, problemToError } from './problems'
import type { paths } from './schema.gen'
import { Session, type TokenPair } from './session'

export type Expense = paths['/expense/v1/expenses/{id}']['get']['responses'][200]['content']['application/json']
export type ExpensePage = paths['/expense/v1/expenses']['get']['responses'][200]['content']['application/json']
export type ExpenseFilters = NonNullable<paths['/expense/v1/expenses']['get']['parameters']['query']>
export type ExpenseCreate = paths['/expense/v1/expenses']['post']['requestBody']['content']['application/json']
export type ExpenseUpdate = paths['/expense/v1/expenses/{id}']['patch']['requestBody']['content']['application/json']
export type Summary = paths['/expense/v1/summary']['get']['responses'][200]['content']['application/json']
export type SummaryQuery = NonNullable<paths['/expense/v1/summary']['get']['parameters']['query']>
// expenseId is a reserved, always-null field (openapi-fetch drops null-only properties from its data types).
export type Message = Omit<paths['/ds/v1/messages']['get']['responses'][200]['content']['application/json']['items'][number], 'expenseId'>
export type MessageInput = paths['/ds/v1/messages']['post']['requestBody']['content']['application/json']
export type Correction = paths['/ds/v1/messages/{id}']['patch']['requestBody']['content']['application/json']
export type Profile = paths['/user/v1/me']['get']['responses'][200]['content']['application/json']
export type ProfilePatch = paths['/user/v1/me']['patch']['requestBody']['content']['application/json']
export type Signup = paths['/auth/v1/signup']['post']['requestBody']['content']['application/json']
type WirePair = paths['/auth/v1/login']['post']['responses'][200]['content']['application/json']

const toPair = (wire: WirePair): TokenPair => ({
  userId: wire.userId,
  accessToken: wire.accessToken,
  refreshToken: wire.refreshToken,
  expiresAt: Date.now() + wire.expiresIn * 1000,
})

/** Without the token: signup, login, refresh and logout. */
const publicApi = createClient<paths>({ baseUrl: window.location.origin })

export const session = new Session(async (refreshToken) => {
  try {
    const { data, error, response } = await publicApi.POST('/auth/v1/refresh', { body: { refreshToken } })
    if (data) return { ok: true, pair: toPair(data) }
    const problem = problemToError(response.status, error)
    // 401: the token is spent, expired or was reused (which revoked the session everywhere).
    return { ok: false, reason: problem.message, final: response.status === 401 }
  } catch {
    return { ok: false, reason: null, final: false }
  }
})

async function authFetch(request: Request): Promise<Response> {
  const retry = request.clone()
  const send = async (req: Request, token: string | null) => {
    if (token) req.headers.set('authorization', `Bearer ${token}`)
    return fetch(req)
  }
  const token = await session.accessToken()
  // Signed out meanwhile (e.g. the refresh token was refused): do not send the request at all.
  if (!token) return Response.json({ status: 401, code: 'invalid_token', title: 'Unauthorized' }, { status: 401 })
  const first = await send(request, token)
  if (first.status !== 401) return first
  // The token may have expired in flight or been revoked: one refresh, one retry.
  const pair = await session.refresh()
  if (!pair) return first
  return send(retry, pair.accessToken)
}

export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: authFetch })

/**
 * Unwraps an openapi-fetch result: the data, or an ApiError phrased for people. A network failure
 * becomes one too.
 */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response }
  try {
    result = await request
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw networkError()
  }
  if (result.response.ok) return result.data as T
  if (result.response.status === 401 && session.current) session.end('Your session has ended. Please sign in again.')
  throw problemToError(result.response.status, result.error)
}

export async function signup(body: Signup): Promise<void> {
  session.start(toPair(await call(publicApi.POST('/auth/v1/signup', { body }))))
}

export async function login(username: string, password: string): Promise<void> {
  session.start(toPair(await call(publicApi.POST('/auth/v1/login', { body: { username, password } }))))
}

export async function logout(): Promise<void> {
  const pair = session.current
  session.end(null)
  // Ending the session server-side is best effort: the tokens are already gone from this browser.
  if (pair) await publicApi.POST('/auth/v1/logout', { body: { refreshToken: pair.refreshToken } }).catch(() => undefined)
}
