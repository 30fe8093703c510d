export * from './define.js'
export * from './fields.js'
export * from './user.js'
export * from './bank-message.js'
export * from './currencies.js'

import { bankMessageReceived, bankMessageRejected, expenseParsed } from './bank-message.js'
import { userProfileUpdated, userRegistered } from './user.js'

/** Every contract, for catalogues, docs and drift tests. */
export const allContracts = [userRegistered, userProfileUpdated, bankMessageReceived, expenseParsed, bankMessageRejected] as const
