import { useState, type FormEvent } from 'react'
import { login, signup } from '../api/client'
import { Field } from '../components/Field'
import { Notice } from '../components/Notice'
import { useFormAction } from '../components/useFormAction'

/** Sign in or create an account. `reason` explains why the user was signed out, if they were. */
export function AuthPage({ reason, onSignedIn }: { reason: string | null; onSignedIn: () => void }) {
  const [mode, setMode] = useState<'login' | 'signup'>('login')
  const { busy, error, fieldErrors, run, reset } = useFormAction()

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const value = (name: string) => String(form.get(name) ?? '').trim()
    await run(async () => {
      if (mode === 'login') await login(value('username'), String(form.get('password') ?? ''))
      else {
        const phone = value('phoneNumber')
        await signup({
          username: value('username'),
          password: String(form.get('password') ?? ''),
          email: value('email'),
          firstName: value('firstName'),
          lastName: value('lastName'),
          ...(phone ? { phoneNumber: phone } : {}),
        })
      }
      onSignedIn()
    })
  }

  const signingUp = mode === 'signup'
  return (
    <main id="main" className="auth">
      <h1>Expenses Tracker</h1>
      <p className="lead">Forward your bank messages. Get clean, categorised expenses.</p>
      {reason && <Notice kind="info">{reason}</Notice>}
      <section className="card" aria-labelledby="auth-title">
        <h2 id="auth-title">{signingUp ? 'Create your account' : 'Sign in'}</h2>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field label="Username" name="username" autoComplete="username" required error={fieldErrors.username} />
          {signingUp && (
            <>
              <Field label="Email" name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
              <div className="row">
                <Field label="First name" name="firstName" autoComplete="given-name" required error={fieldErrors.firstName} />
                <Field label="Last name" name="lastName" autoComplete="family-name" required error={fieldErrors.lastName} />
              </div>
              <Field label="Phone (optional)" name="phoneNumber" type="tel" autoComplete="tel" error={fieldErrors.phoneNumber} />
            </>
          )}
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete={signingUp ? 'new-password' : 'current-password'}
            required
            error={fieldErrors.password}
            hint={signingUp ? 'At least 10 characters, with letters and digits.' : undefined}
          />
          <Notice kind="error">{error}</Notice>
          <button type="submit" disabled={busy}>
            {busy ? 'Please wait…' : signingUp ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p>
          {signingUp ? 'Already have an account? ' : 'New here? '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setMode(signingUp ? 'login' : 'signup')
              reset()
            }}
          >
            {signingUp ? 'Sign in' : 'Create an account'}
          </button>
        </p>
      </section>
    </main>
  )
}
