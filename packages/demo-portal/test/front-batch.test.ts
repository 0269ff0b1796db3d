// `batch` (bitrix24-api.md §4): sections, `[]` for empty ones, $result references, halt,
// the 50-command cap, nesting.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startPortal } from '../src/portal.js';
import type { EmulatorPortal } from '../src/portal.js';
import { fakeState, postForm, postJson } from '../src/fake-state.js';
import type { FakeState } from '../src/fake-state.js';

let portal: EmulatorPortal;
let state: FakeState;
let url: string;

beforeAll(async () => {
  state = fakeState();
  portal = await startPortal({ state });
  url = `${portal.webhookUrl}batch`;
});
afterAll(() => portal.close());
beforeEach(() => {
  state.writes = 0;
  state.calls.length = 0;
  portal.resetCounters();
});

const INNER_TIME_KEYS = ['date_finish', 'date_start', 'duration', 'finish', 'processing', 'start'];

describe('batch response', () => {
  it('returns result/result_error/result_total/result_next/result_time keyed by command, HTTP 200', async () => {
    const r = await postJson(url, {
      halt: 0,
      cmd: { a: 'test.echo?x=1', b: 'test.list', c: 'test.fail', d: 'test.list?start=100' },
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['result', 'time']);
    const res = r.json.result;
    expect(Object.keys(res)).toEqual(['result', 'result_error', 'result_total', 'result_next', 'result_time']);
    expect(res.result.a).toEqual({ params: { x: '1' }, userId: 1, inBatch: true });
    // A list command's `result` is the rows only; its total/next go to their own sections.
    expect(res.result.b).toHaveLength(50);
    expect(res.result.d).toHaveLength(20);
    expect(res.result_error).toEqual({ c: { error: 'NOT_FOUND', error_description: 'Element not found' } });
    expect(res.result_total).toEqual({ b: 120, d: 120 });
    expect(res.result_next).toEqual({ b: 50 });
    expect(Object.keys(res.result_time).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(Object.keys(res.result_time.a).sort()).toEqual(INNER_TIME_KEYS);
  });

  it('serializes empty sections as [] (PHP empty array)', async () => {
    const r = await postJson(url, { cmd: { a: 'test.echo' } });
    expect(r.json.result.result_error).toEqual([]);
    expect(r.json.result.result_total).toEqual([]);
    expect(r.json.result.result_next).toEqual([]);
    expect(r.text).toContain('"result_error":[]');
    const none = await postJson(url, { cmd: {} });
    expect(none.json.result).toEqual({
      result: [],
      result_error: [],
      result_total: [],
      result_next: [],
      result_time: [],
    });
  });

  it('returns lists when cmd is a list', async () => {
    const r = await postJson(url, { cmd: ['test.echo?n=0', 'test.echo?n=1'] });
    expect(r.json.result.result.map((x: { params: { n: string } }) => x.params.n)).toEqual(['0', '1']);
  });

  it('accepts form-encoded cmd (single and double encoded inner queries) and case-insensitive names', async () => {
    const body = new URLSearchParams();
    body.append('halt', '0');
    body.append('cmd[raw]', 'TEST.ECHO?filter[>ID]=5&select[]=ID');
    body.append('cmd[enc]', 'test.echo?filter%5B%3EID%5D=5&select%5B%5D=ID&q=a%26b');
    const r = await postForm(`${portal.webhookUrl}BATCH.json`, body);
    expect(r.json.result.result.raw.params).toEqual({ filter: { '>ID': '5' }, select: ['ID'] });
    expect(r.json.result.result.enc.params).toEqual({ filter: { '>ID': '5' }, select: ['ID'], q: 'a&b' });
  });

  it('reports unknown and nested-batch commands in result_error', async () => {
    const r = await postJson(url, { cmd: { u: 'no.such.method', n: 'batch?cmd[x]=test.echo', ok: 'test.echo' } });
    expect(r.json.result.result_error).toEqual({
      u: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' },
      n: { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' },
    });
    expect(Object.keys(r.json.result.result)).toEqual(['ok']);
  });
});

describe('halt', () => {
  it('halt=true stops at the first error; halt=false runs the rest', async () => {
    for (const halt of [true, 1, '1', 'Y', 'true']) {
      state.writes = 0;
      const r = await postJson(url, { halt, cmd: { f: 'test.fail', w: 'test.write' } });
      expect(state.writes, String(halt)).toBe(0);
      expect(r.json.result.result).toEqual([]);
      expect(Object.keys(r.json.result.result_error)).toEqual(['f']);
    }
    for (const halt of [false, 0, '0', 'N', 'false', undefined]) {
      state.writes = 0;
      const r = await postJson(url, { halt, cmd: { f: 'test.fail', w: 'test.write' } });
      expect(state.writes, String(halt)).toBe(1);
      expect(r.json.result.result).toEqual({ w: 1 });
    }
  });
});

describe('$result references', () => {
  it('substitutes the raw value when a parameter is exactly one reference', async () => {
    const r = await postJson(url, {
      cmd: { a: 'test.list?start=-1', b: 'test.echo?row=$result[a][0]&id=$result[a][49][ID]' },
    });
    expect(r.json.result.result.b.params).toEqual({ row: { ID: '1', NAME: 'Row 1' }, id: '50' });
  });

  it('string-replaces references inside a longer value', async () => {
    const r = await postJson(url, {
      cmd: {
        a: 'test.list?start=-1',
        b: 'test.echo?t=id-$result[a][1][ID]&s=name%20$result[a][0][NAME]%20end&tot=$total[a]',
      },
    });
    const p = r.json.result.result.b.params;
    expect(p.t).toBe('id-2');
    expect(p.s).toBe('name Row 1 end');
    expect(p.tot).toBe(0); // $total[…] addresses the result_total section
  });

  it('stops at the deepest existing key on a missing path, like processBatchElement', async () => {
    const r = await postJson(url, {
      cmd: {
        a: 'test.list?start=-1',
        f: 'test.fail',
        b: 'test.echo?missing=$result[a][0][NOPE]&failed=$result[f][0]&lit=$result',
      },
    });
    const p = r.json.result.result.b.params;
    expect(p.missing).toEqual({ ID: '1', NAME: 'Row 1' });
    // A failed command has no entry: the walk stops at the whole `result` map of earlier commands.
    expect(Object.keys(p.failed)).toEqual(['a']);
    expect(p.lit).toBe('$result');
  });

  it('chains 50 keyset-paged list commands over 2,500 rows in ONE HTTP call', async () => {
    const cmd: Record<string, string> = { c0: 'test.biglist?start=-1&order[ID]=ASC&filter[>ID]=0' };
    for (let i = 1; i < 50; i++)
      cmd[`c${i}`] = `test.biglist?start=-1&order[ID]=ASC&filter[>ID]=$result[c${i - 1}][49][ID]`;
    const r = await postJson(url, { halt: 1, cmd });
    expect(r.status).toBe(200);
    expect(r.json.result.result_error).toEqual([]);
    const ids = Object.values(r.json.result.result as Record<string, Array<{ ID: string }>>).flatMap((rows) =>
      rows.map((x) => Number(x.ID)),
    );
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
    expect(ids[0]).toBe(1);
    expect(ids[2499]).toBe(2500);
    expect(portal.counters.httpRequests).toBe(1);
    expect(portal.counters.batchCommands).toBe(50);
    expect(portal.counters.commandsByMethod).toEqual({ 'test.biglist': 50 });
  });
});

describe('batch length', () => {
  const cmds = (n: number): Record<string, string> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`w${i}`, 'test.write']));

  it('accepts 50 commands', async () => {
    const r = await postJson(url, { cmd: cmds(50) });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json.result.result)).toHaveLength(50);
    expect(state.writes).toBe(50);
  });

  it('refuses 51 commands as a whole with 400 ERROR_BATCH_LENGTH_EXCEEDED, running none', async () => {
    const r = await postJson(url, { cmd: cmds(51) });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' });
    expect(state.writes).toBe(0);
  });
});
