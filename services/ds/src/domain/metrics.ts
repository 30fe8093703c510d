import { Counter, type Registry } from '@expenses/platform'
import type { ProcessingOptions } from './processing.js'

/** ds_messages_settled_total{outcome,reason}: parse outcomes, counted once per message after its commit. */
export function settledCounter(registry: Registry): NonNullable<ProcessingOptions['onSettled']> {
  const settled = new Counter({
    name: 'ds_messages_settled_total',
    help: 'Bank messages the parser worker settled, by outcome (parsed, rejected) and rejection reason (none when parsed)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  })
  return ({ status, reason }) => settled.inc({ outcome: status, reason: reason ?? 'none' })
}
