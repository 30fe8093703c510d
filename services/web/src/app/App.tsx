import { useEffect, useMemo, useState } from 'react'
import { api, call, logout, session, type Profile } from '../api/client'
import type { TokenPair } from '../api/session'
import { Loading } from '../components/Notice'
import { AuthPage } from '../pages/AuthPage'
import { ExpensesPage } from '../pages/ExpensesPage'
import { InboxPage } from '../pages/InboxPage'
import { InsightsPage } from '../pages/InsightsPage'
import { ProfilePage } from '../pages/ProfilePage'
import { ProfileContext, type ProfileState } from './profile'
import { ROUTES, useRoute, type Route } from './route'

const TITLES: Record<Route, string> = { inbox: 'Messages', expenses: 'Expenses', insights: 'Insights', profile: 'Profile' }

export function App() {
  const [pair, setPair] = useState<TokenPair | null>(session.current)
  const [signedOutReason, setSignedOutReason] = useState<string | null>(null)
  useEffect(
    () =>
      session.subscribe((next, signedOut) => {
        setPair(next)
        if (signedOut) setSignedOutReason(signedOut.reason)
      }),
    [],
  )
  if (!pair) return <AuthPage reason={signedOutReason} onSignedIn={() => setSignedOutReason(null)} />
  return <SignedIn key={pair.userId} />
}

function SignedIn() {
  const route = useRoute()
  const [profile, setProfile] = useState<Profile | null>(null)
  const [profileError, setProfileError] = useState(false)

  useEffect(() => {
    let stop = false
    let attempt = 0
    // user-service creates the profile from auth-service's event, a moment after signup.
    const load = async () => {
      try {
        const p = await call(api.GET('/user/v1/me'))
        if (!stop) setProfile(p)
      } catch {
        if (stop) return
        attempt++
        if (attempt > 20) setProfileError(true)
        setTimeout(() => void load(), Math.min(250 * attempt, 2000))
      }
    }
    void load()
    return () => {
      stop = true
    }
  }, [])

  useEffect(() => {
    document.title = `${TITLES[route]} · Expenses Tracker`
    document.getElementById('main')?.focus()
  }, [route])

  const state = useMemo<ProfileState>(
    () => ({
      profile,
      timeZone: profile?.timezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'),
      currency: profile?.defaultCurrency ?? 'USD',
      setProfile,
    }),
    [profile],
  )

  return (
    <ProfileContext.Provider value={state}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Expenses Tracker</span>
        <nav aria-label="Main">
          <ul>
            {ROUTES.map((r) => (
              <li key={r}>
                <a href={`#/${r}`} aria-current={route === r ? 'page' : undefined}>
                  {TITLES[r]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="secondary" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {!profile && !profileError ? (
          <Loading label="Setting up your account…" />
        ) : (
          <>
            {profileError && (
              <p className="notice notice-error" role="alert">
                Your profile could not be loaded; dates are shown in this device&apos;s time zone.
              </p>
            )}
            {route === 'inbox' && <InboxPage />}
            {route === 'expenses' && <ExpensesPage />}
            {route === 'insights' && <InsightsPage />}
            {route === 'profile' && <ProfilePage />}
          </>
        )}
      </main>
    </ProfileContext.Provider>
  )
}
