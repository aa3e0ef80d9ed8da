/** Shared by the hostile suite: short time-outs, and a walk over every string of a result. */
import type { ScanOptions } from '../../src/engine/engine.ts';

/**
 * Time-outs short enough for the suite, long enough for loopback under load.
 * The drip devices send one byte per second: reads of 1.5 s see two bytes at
 * most, whatever the load, so their outcome does not depend on timing.
 */
export const SHORT: Partial<ScanOptions> = {
  connectTimeoutMs: 1500,
  readTimeoutMs: 1500,
  bannerWaitMs: 600,
  scannerTimeoutMs: 9000,
  params: { tlsBudgetMs: 4000, snmp: { rate: 50, timeoutMs: 500, budgetMs: 6000 }, wsdiscovery: { windowMs: 800 } },
};

/** Control characters a device may send and a terminal would obey (newline and tab are text). */
export const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** Every string in a JSON-like value, with its path. */
export function* strings(value: unknown, path = '$'): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}
