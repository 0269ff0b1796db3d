// A small fake data side for the HTTP-front tests: no dependency on state.ts or the CRM store.
import { ApiError } from './types.js';
import type { MethodHandler, MethodResult, Params, PortalState } from './types.js';

export interface FakeState extends PortalState {
  writes: number;
  /** Params and context of the last test.echo / test.write call. */
  calls: Array<{ method: string; params: Params; userId: number; inBatch: boolean }>;
}

const PAGE = 50;

/** Old-style list semantics (bitrix24-api.md §5): `start`, `start=-1`, `filter[>ID]`. */
function listOver(count: number): MethodHandler {
  const rows = Array.from({ length: count }, (_, i) => ({ ID: String(i + 1), NAME: `Row ${i + 1}` }));
  return (params): MethodResult => {
    const filter = (params.filter ?? {}) as Record<string, unknown>;
    const after = filter['>ID'] === undefined ? 0 : Number(filter['>ID']);
    if (Number.isNaN(after)) throw new ApiError('INVALID_ARG_VALUE', 'bad >ID filter', 400);
    const matching = rows.filter((r) => Number(r.ID) > after);
    const start = Number(params.start ?? 0);
    if (start === -1) return { result: matching.slice(0, PAGE), total: 0 };
    const page = matching.slice(start, start + PAGE);
    const next = start + PAGE < matching.length ? start + PAGE : undefined;
    return { result: page, total: matching.length, next };
  };
}

export function fakeState(): FakeState {
  const s: FakeState = {
    writes: 0,
    calls: [],
    onChange: () => () => {},
    methods: {},
  };
  s.methods = {
    'test.echo': (params, ctx) => {
      s.calls.push({ method: 'test.echo', params, userId: ctx.userId, inBatch: ctx.inBatch });
      return { result: { params, userId: ctx.userId, inBatch: ctx.inBatch } };
    },
    'test.list': listOver(120),
    'test.biglist': listOver(2500),
    'test.fail': () => {
      throw new ApiError('NOT_FOUND', 'Element not found', 400);
    },
    'test.crash': () => {
      throw new Error('boom');
    },
    'test.write': (params, ctx) => {
      s.writes++;
      s.calls.push({ method: 'test.write', params, userId: ctx.userId, inBatch: ctx.inBatch });
      return { result: s.writes };
    },
    'test.url': () => ({ result: { url: 'https://example.com/a/b' } }),
    'test.empty': () => ({ result: [] }),
  };
  return s;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test replies are probed freely, malformed ones too
  json: any;
}

export async function call(url: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function postJson(url: string, body: unknown): Promise<Reply> {
  return call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export function postForm(url: string, body: string | URLSearchParams): Promise<Reply> {
  return call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: String(body),
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
