import type { CountryCode } from './types.js'

export interface CountryProfile {
  /** currency assumed when an amount has no currency written next to it */
  currency: string
  /** what a bare "$" means there */
  dollar: string
  /** how an all-numeric date such as 03/04/24 is read */
  dateOrder: 'DMY' | 'MDY'
}

export const COUNTRIES: Record<CountryCode, CountryProfile> = {
  IN: { currency: 'INR', dollar: 'USD', dateOrder: 'DMY' },
  US: { currency: 'USD', dollar: 'USD', dateOrder: 'MDY' },
  GB: { currency: 'GBP', dollar: 'USD', dateOrder: 'DMY' },
  EU: { currency: 'EUR', dollar: 'USD', dateOrder: 'DMY' },
  DE: { currency: 'EUR', dollar: 'USD', dateOrder: 'DMY' },
  FR: { currency: 'EUR', dollar: 'USD', dateOrder: 'DMY' },
  NL: { currency: 'EUR', dollar: 'USD', dateOrder: 'DMY' },
  ES: { currency: 'EUR', dollar: 'USD', dateOrder: 'DMY' },
  IE: { currency: 'EUR', dollar: 'USD', dateOrder: 'DMY' },
  AE: { currency: 'AED', dollar: 'USD', dateOrder: 'DMY' },
  SA: { currency: 'SAR', dollar: 'USD', dateOrder: 'DMY' },
  KE: { currency: 'KES', dollar: 'USD', dateOrder: 'DMY' },
  NG: { currency: 'NGN', dollar: 'USD', dateOrder: 'DMY' },
  ZA: { currency: 'ZAR', dollar: 'USD', dateOrder: 'DMY' },
  PH: { currency: 'PHP', dollar: 'USD', dateOrder: 'MDY' },
  SG: { currency: 'SGD', dollar: 'SGD', dateOrder: 'DMY' },
  MY: { currency: 'MYR', dollar: 'USD', dateOrder: 'DMY' },
  ID: { currency: 'IDR', dollar: 'USD', dateOrder: 'DMY' },
  AU: { currency: 'AUD', dollar: 'AUD', dateOrder: 'DMY' },
  // Canadian banks mostly write dates with month names; numeric ones follow the US order.
  CA: { currency: 'CAD', dollar: 'CAD', dateOrder: 'MDY' },
  BR: { currency: 'BRL', dollar: 'USD', dateOrder: 'DMY' },
  // Japanese and Korean card alerts write a short date month first ("10/21 14:22"); full dates are ISO-like.
  JP: { currency: 'JPY', dollar: 'USD', dateOrder: 'MDY' },
  KR: { currency: 'KRW', dollar: 'USD', dateOrder: 'MDY' },
}

/** Country implied by an explicit, unambiguous currency (used when the institution is unknown). */
const CURRENCY_COUNTRY: Record<string, CountryCode> = {
  INR: 'IN',
  GBP: 'GB',
  EUR: 'EU',
  AED: 'AE',
  SAR: 'SA',
  KES: 'KE',
  NGN: 'NG',
  ZAR: 'ZA',
  PHP: 'PH',
  SGD: 'SG',
  MYR: 'MY',
  IDR: 'ID',
  AUD: 'AU',
  CAD: 'CA',
  BRL: 'BR',
  USD: 'US',
  JPY: 'JP',
  KRW: 'KR',
}

export function countryOfCurrency(currency: string | null): CountryCode | null {
  return currency === null ? null : (CURRENCY_COUNTRY[currency] ?? null)
}

/** Country from an international phone-number sender ("+254...", "+91..."). */
export function countryOfPhoneSender(sender: string | null): CountryCode | null {
  if (sender === null) return null
  const m = /^\+?(\d{1,3})\d{6,12}$/.exec(sender.replace(/[\s-]/g, ''))
  if (!m) return null
  const prefixes: Array<[string, CountryCode]> = [
    ['254', 'KE'],
    ['234', 'NG'],
    ['971', 'AE'],
    ['966', 'SA'],
    ['27', 'ZA'],
    ['63', 'PH'],
    ['65', 'SG'],
    ['60', 'MY'],
    ['62', 'ID'],
    ['61', 'AU'],
    ['55', 'BR'],
    ['91', 'IN'],
    ['44', 'GB'],
  ]
  const digits = sender.replace(/\D/g, '')
  if (!sender.trim().startsWith('+') && digits.length < 11) return null
  for (const [prefix, country] of prefixes) if (digits.startsWith(prefix)) return country
  return null
}
