import { createContext, useContext } from 'react'
import type { Profile } from '../api/client'

/** The signed-in user's profile: its time zone and default currency shape every screen. */
export interface ProfileState {
  profile: Profile | null
  timeZone: string
  currency: string
  setProfile: (profile: Profile) => void
}

export const ProfileContext = createContext<ProfileState>({
  profile: null,
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  currency: 'USD',
  setProfile: () => undefined,
})

export const useProfile = () => useContext(ProfileContext)
