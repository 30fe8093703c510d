/** The fixed list of expense categories. Clients may rely on it; adding one is an API change. */
export const CATEGORIES = ['food', 'groceries', 'transport', 'shopping', 'bills', 'entertainment', 'health', 'travel', 'transfers', 'income', 'other'] as const

export type Category = (typeof CATEGORIES)[number]

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value)
}
