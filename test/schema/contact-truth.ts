// Ground truth for the contact tests: the generic emulator reads of crm-truth.ts, for contacts.
import type { Stack } from '../helpers/stack.js';
import { all, row } from './crm-truth.js';

export { call, ids } from './crm-truth.js';

/** Every contact row matching `filter`. */
export function allContacts(s: Stack, filter: Record<string, unknown> = {}): any[] {
  return all(s, 'crm.contact', filter);
}

export function contactRow(s: Stack, id: number): any | null {
  return row(s, 'crm.contact', id);
}
