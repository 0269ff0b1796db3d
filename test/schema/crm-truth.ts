// Ground truth for the company / deal / lead tests: read straight from the emulator's method
// table (no HTTP, no gateway code, no counters), so a test never checks the gateway against itself.
// (Contacts: contact-truth.ts wraps these.)
import type { Stack } from '../helpers/stack.js';

export function call(s: Stack, method: string, params: Record<string, unknown> = {}): any {
  const handler = s.emulator.state.methods[method];
  if (!handler) throw new Error(`emulator has no ${method}`);
  return JSON.parse(
    JSON.stringify(handler(params as never, { userId: 1, now: () => new Date(), inBatch: false } as never)),
  );
}

/** Every row of an old-style list (`crm.contact`, `crm.company`, `crm.deal`, `crm.lead`) matching `filter`. */
export function all(
  s: Stack,
  prefix: string,
  filter: Record<string, unknown> = {},
  select: string[] = ['*', 'UF_*', 'PHONE', 'EMAIL'],
): any[] {
  const rows: any[] = [];
  for (let start = 0; ; start += 50) {
    const page = call(s, `${prefix}.list`, { filter, select, order: { ID: 'ASC' }, start });
    rows.push(...page.result);
    if (page.next === undefined) return rows;
  }
}

export function row(s: Stack, prefix: string, id: number): any | null {
  return all(s, prefix, { ID: id })[0] ?? null;
}

export const ids = (rows: any[]) => rows.map((r) => Number(r.ID));

/** Commands of one method the portal received since the last reset (batched or not). */
export function commands(s: Stack, method: string): number {
  return s.emulator.counters.commandsByMethod[method] ?? 0;
}
