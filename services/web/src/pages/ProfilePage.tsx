import { useMemo, useState, type FormEvent } from 'react'
import { api, call, type ProfilePatch } from '../api/client'
import { useProfile } from '../app/profile'
import { Field, Select } from '../components/Field'
import { Loading, Notice } from '../components/Notice'
import { useFormAction } from '../components/useFormAction'

/**
 * ICU lists zones by their canonical, sometimes outdated, names (Asia/Calcutta); people look for the
 * current IANA names, which every browser and the API accept as well.
 */
const RENAMED_ZONES: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Pacific/Enderbury': 'Pacific/Kanton',
}

export function ProfilePage() {
  const { profile, setProfile } = useProfile()
  const [saved, setSaved] = useState<string | null>(null)
  const { busy, error, fieldErrors, run } = useFormAction()
  const zones = useMemo(() => {
    const list = (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC']).map((z) => RENAMED_ZONES[z] ?? z)
    return profile && !list.includes(profile.timezone) ? [profile.timezone, ...list] : list
  }, [profile])

  if (!profile) return <Loading />

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (!profile) return
    const form = new FormData(event.currentTarget)
    const value = (name: string) => String(form.get(name) ?? '').trim()
    const changes: ProfilePatch = {}
    if (value('firstName') !== profile.firstName) changes.firstName = value('firstName')
    if (value('lastName') !== profile.lastName) changes.lastName = value('lastName')
    if ((value('phoneNumber') || null) !== profile.phoneNumber) changes.phoneNumber = value('phoneNumber') || null
    if (value('defaultCurrency').toUpperCase() !== profile.defaultCurrency) changes.defaultCurrency = value('defaultCurrency').toUpperCase()
    if (value('timezone') !== profile.timezone) changes.timezone = value('timezone')
    if (Object.keys(changes).length === 0) {
      setSaved('Nothing changed.')
      return
    }
    setSaved(null)
    await run(async () => {
      setProfile(await call(api.PATCH('/user/v1/me', { body: changes })))
      setSaved('Profile saved.')
    })
  }

  return (
    <>
      <h1>Profile</h1>
      <section className="card" aria-labelledby="profile-title">
        <h2 id="profile-title">
          {profile.username} <span className="muted">({profile.email})</span>
        </h2>
        <form onSubmit={(e) => void save(e)}>
          <div className="row">
            <Field label="First name" name="firstName" required defaultValue={profile.firstName} error={fieldErrors.firstName} />
            <Field label="Last name" name="lastName" required defaultValue={profile.lastName} error={fieldErrors.lastName} />
          </div>
          <Field label="Phone" name="phoneNumber" type="tel" defaultValue={profile.phoneNumber ?? ''} error={fieldErrors.phoneNumber} />
          <div className="row">
            <Field
              label="Default currency"
              name="defaultCurrency"
              maxLength={3}
              required
              defaultValue={profile.defaultCurrency}
              error={fieldErrors.defaultCurrency}
              hint="ISO 4217 code, e.g. INR, USD, EUR."
            />
            <Select label="Time zone" name="timezone" defaultValue={profile.timezone} error={fieldErrors.timezone}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z.replace(/_/g, ' ')}
                </option>
              ))}
            </Select>
          </div>
          <Notice kind="success">{saved}</Notice>
          <Notice kind="error">{error}</Notice>
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save profile'}
          </button>
        </form>
        <p className="muted small">Dates everywhere in the app are shown in your time zone.</p>
      </section>
    </>
  )
}
