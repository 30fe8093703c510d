export * from './migrate.js'
export * from './client.js'
