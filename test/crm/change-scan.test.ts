// The modification-time keyset (src/crm/change-scan.ts) against the emulator over HTTP: every row
// exactly once in (time, id) order, a second holding more than a page, rows changing while paged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allIds,
  changedRows,
  changeSource,
  comparePositions,
  rowPosition,
  type ChangePosition,
  type Row,
} from '../../src/crm/change-scan.js';
import { startStack, type Stack, portalCall } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());

const rest = async (method: string, params: Record<string, unknown>) => portalCall(s, method, params);

/** Reads a whole type through changedRows, `limit` rows per call. */
async function readAll(entityTypeId: number, after: ChangePosition | null, limit: number, horizon?: string) {
  const source = changeSource(entityTypeId);
  const rows: Row[] = [];
  let position = after;
  let calls = 0;
  for (;;) {
    const page = await changedRows(s.portal, source, position, { limit, horizon });
    calls++;
    rows.push(...page.rows);
    position = page.last;
    if (!page.more) return { rows, position, calls };
    if (calls > 500) throw new Error('no progress');
  }
}

describe('changedRows', () => {
  it('reads every contact once, in (modification time, id) order, whatever the page size', async () => {
    const truth: Row[] = (
      await rest('crm.contact.list', { select: ['ID', 'DATE_MODIFY'], order: { DATE_MODIFY: 'ASC', ID: 'ASC' } })
    ).result;
    expect(truth.length).toBeGreaterThan(0);
    const total = (await rest('crm.contact.list', { select: ['ID'] })).total as number;
    for (const limit of [7, 50, 2500]) {
      const { rows } = await readAll(3, null, limit);
      expect(rows.map((r) => Number(r.ID)).sort((a, b) => a - b)).toEqual(
        [...new Set(rows.map((r) => Number(r.ID)))].sort((a, b) => a - b),
      );
      expect(rows).toHaveLength(total);
      const source = changeSource(3);
      for (let i = 1; i < rows.length; i++)
        expect(comparePositions(rowPosition(source, rows[i - 1]), rowPosition(source, rows[i]))).toBeLessThan(0);
      expect(rows.slice(0, truth.length).map((r) => r.ID)).toEqual(truth.map((r) => r.ID));
    }
  });

  it('a second holding more than a page of changes is read whole, by id, for cards too', async () => {
    const { position: end } = await readAll(128, null, 2500);
    const ids = (await rest('crm.item.list', { entityTypeId: 128, select: ['id'], order: { id: 'ASC' } })).result.items
      .slice(0, 50)
      .map((i: Row) => Number(i.id));
    const more = (
      await rest('crm.item.list', { entityTypeId: 128, select: ['id'], order: { id: 'ASC' }, start: 50 })
    ).result.items
      .slice(0, 30)
      .map((i: Row) => Number(i.id));
    const touched = [...ids, ...more];
    // 80 updates in two batches of one second (the portal stores whole seconds).
    const cmd = Object.fromEntries(
      touched.map((id, k) => [`u${k}`, `crm.item.update?entityTypeId=128&id=${id}&fields[title]=Tie%20${k}`]),
    );
    const parts = [
      Object.fromEntries(Object.entries(cmd).slice(0, 50)),
      Object.fromEntries(Object.entries(cmd).slice(50)),
    ];
    for (const part of parts) expect((await rest('batch', { halt: 0, cmd: part })).result.result_error).toEqual([]);
    for (const limit of [20, 2500]) {
      const { rows } = await readAll(128, end, limit);
      expect(rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([...touched].sort((a, b) => a - b));
    }
  });

  it('stops at the horizon and goes on from there', async () => {
    const source = changeSource(4);
    const { rows: all } = await readAll(4, null, 2500);
    const middle = String(all[Math.floor(all.length / 2)].DATE_MODIFY);
    const before = await readAll(4, null, 30, middle);
    expect(before.rows.every((r) => Date.parse(String(r.DATE_MODIFY)) <= Date.parse(middle))).toBe(true);
    const after = await readAll(4, before.position, 30);
    expect([...before.rows, ...after.rows].map((r) => r.ID)).toEqual(all.map((r) => r.ID));
    expect(rowPosition(source, after.rows.at(-1)!)).toEqual(rowPosition(source, all.at(-1)!));
  });

  it('lists every id of a type', async () => {
    const total = (await rest('crm.deal.list', { select: ['ID'] })).total as number;
    const ids = await allIds(s.portal, changeSource(2));
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });
});
