// Ground truth for the contact tests: read straight from the emulator's method table (no HTTP,
// no gateway code, no counters), so a test never checks the gateway against itself.
import type { Stack } from '../helpers/stack.js';

export function call(s: Stack, method: string, params: Record<string, unknown> = {}): any {
  const handler = s.emulator.state.methods[method];
  if (!handler) throw new Error(`emulator has no ${method}`);
  return JSON.parse(JSON.stringify(handler(params as never, { userId: 1, now: () => new Date(), inBatch: false } as never)));
}

/** Every contact row matching `filter`, by offset pages. */
export function allContacts(s: Stack, filter: Record<string, unknown> = {}): any[] {
  const rows: any[] = [];
  for (let start = 0; ; start += 50) {
    const page = call(s, 'crm.contact.list', { filter, select: ['*', 'UF_*', 'PHONE', 'EMAIL'], order: { ID: 'ASC' }, start });
    rows.push(...page.result);
    if (page.next === undefined) return rows;
  }
}

export function contactRow(s: Stack, id: number): any | null {
  return allContacts(s, { ID: id })[0] ?? null;
}

export const ids = (rows: any[]) => rows.map((r) => Number(r.ID));
