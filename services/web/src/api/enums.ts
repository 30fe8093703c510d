/**
 * Runtime lists for the select boxes. Their values come from the contract: each list is checked
 * against the union the OpenAPI document declares, both ways, so a channel or category added to or
 * removed from the API fails `npm run typecheck` here instead of silently missing from a form.
 */
import type { Correction, Expense } from './client'

type Channel = NonNullable<Correction['channel']>
type Category = Expense['category']

/** Compiles only when `List` names every member of `Union` (and, by its element type, nothing else). */
type Exhaustive<Union, List extends readonly Union[]> = [Exclude<Union, List[number]>] extends [never] ? List : never

const channels = ['upi', 'card', 'neft', 'imps', 'rtgs', 'atm', 'netbanking', 'wallet', 'ach', 'mobile_money'] as const satisfies readonly Channel[]
export const CHANNELS: Exhaustive<Channel, typeof channels> = channels

const categories = [
  'food',
  'groceries',
  'transport',
  'shopping',
  'bills',
  'entertainment',
  'health',
  'travel',
  'transfers',
  'income',
  'other',
] as const satisfies readonly Category[]
export const CATEGORIES: Exhaustive<Category, typeof categories> = categories
