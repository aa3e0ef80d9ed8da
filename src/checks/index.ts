/** The check catalogue: every check vigie knows, in catalogue order. */
import type { Check } from './types.ts';
import { inventoryDevice } from './inventory/device.ts';
import { telnetEnabled } from './proto/telnet-enabled.ts';
import { cleartextAdmin } from './http/cleartext-admin.ts';

export const CHECKS: readonly Check[] = [inventoryDevice, telnetEnabled, cleartextAdmin];

export function findCheck(id: string): Check | undefined {
  return CHECKS.find((c) => c.meta.id === id);
}
