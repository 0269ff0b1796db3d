// batch.ts: command encoding (PHP query form, refs, templates), batch answer decoding, batch-syntax
// detection and resolving refs from earlier outcomes.
import { describe, expect, it } from 'vitest';
import {
  needsDirectCall,
  decodeBatch,
  encodeCommand,
  hasRefs,
  ref,
  resolveRefs,
  template,
} from '../../src/upstream/batch.js';
import { BitrixError } from '../../src/upstream/errors.js';

describe('encodeCommand', () => {
  it('writes nested params in http_build_query form with indexed arrays', () => {
    expect(encodeCommand({ method: 'crm.deal.add', params: { fields: { TITLE: 'a b&c', IDS: [1, 2] } } })).toBe(
      'crm.deal.add?fields%5BTITLE%5D=a%20b%26c&fields%5BIDS%5D%5B0%5D=1&fields%5BIDS%5D%5B1%5D=2',
    );
  });

  it('sends booleans as Y/N, null as an empty value, and drops undefined', () => {
    expect(encodeCommand({ method: 'm', params: { a: true, b: false, c: null, d: undefined, e: 0 } })).toBe(
      'm?a=Y&b=N&c=&e=0',
    );
  });

  it('encodes keys so operator prefixes survive', () => {
    expect(encodeCommand({ method: 'crm.deal.list', params: { filter: { '=%TITLE': 'x', '>ID': 5 } } })).toBe(
      'crm.deal.list?filter%5B%3D%25TITLE%5D=x&filter%5B%3EID%5D=5',
    );
  });

  it('is the bare method when there are no params', () => {
    expect(encodeCommand({ method: 'profile', params: {} })).toBe('profile');
  });

  it('writes refs as $result[cN][path...] and uses the given key spelling', () => {
    expect(encodeCommand({ method: 'm', params: { id: ref(0, 'items', 0, 'id') } })).toBe(
      'm?id=%24result%5Bc0%5D%5Bitems%5D%5B0%5D%5Bid%5D',
    );
    expect(encodeCommand({ method: 'm', params: { id: ref(2) } }, (i) => `c${i + 10}`)).toBe('m?id=%24result%5Bc12%5D');
  });

  it('writes a template as its text with each ref substituted', () => {
    expect(encodeCommand({ method: 'm', params: { s: template('DT_', ref(1, 'id'), '_NEW') } })).toBe(
      'm?s=DT_%24result%5Bc1%5D%5Bid%5D_NEW',
    );
  });
});

describe('decodeBatch', () => {
  const answer = {
    result: { c0: { x: 1 }, c2: [] },
    result_error: { c1: { error: 'NOT_FOUND', error_description: 'Not found' } },
    result_total: { c0: '120' },
    result_next: { c0: 50 },
    result_time: { c0: { processing: 0.5 } },
  };

  it('splits results, totals, next offsets and times per key', () => {
    const [first, , third] = decodeBatch(['c0', 'c1', 'c2'], ['a', 'b', 'c'], answer);
    expect(first).toEqual({ result: { x: 1 }, total: 120, next: 50, time: { processing: 0.5 } });
    expect(third).toEqual({ result: [], total: undefined, next: undefined, time: undefined });
  });

  it('turns result_error entries into BitrixErrors of their method', () => {
    const error = decodeBatch(['c0', 'c1'], ['a', 'b'], answer)[1] as BitrixError;
    expect(error).toBeInstanceOf(BitrixError);
    expect([error.code, error.description, error.method, error.errorClass]).toEqual([
      'NOT_FOUND',
      'Not found',
      'b',
      'not-found',
    ]);
  });

  it('reads PHP [] as an empty section and a missing key as BATCH_RESULT_MISSING', () => {
    const [error] = decodeBatch(['c0'], ['a'], {
      result: [],
      result_error: [],
      result_total: [],
      result_next: [],
      result_time: [],
    }) as BitrixError[];
    expect([error.code, error.method, error.errorClass, error.transient]).toEqual([
      'BATCH_RESULT_MISSING',
      'a',
      'upstream-failure',
      true,
    ]);
    expect((decodeBatch(['c0'], ['a'], undefined)[0] as BitrixError).code).toBe('BATCH_RESULT_MISSING');
  });

  it('keeps a null result as a result', () => {
    expect(decodeBatch(['c0'], ['a'], { result: { c0: null }, result_error: [] })).toEqual([
      { result: null, total: undefined, next: undefined, time: undefined },
    ]);
  });
});

describe('hasRefs', () => {
  it('finds refs and templates at any depth, nothing in plain values', () => {
    expect(hasRefs({ a: { b: [1, ref(0)] } })).toBe(true);
    expect(hasRefs({ a: [template('x')] })).toBe(true);
    expect(hasRefs({ a: { b: [1, '$result[c0]'] }, c: null })).toBe(false);
  });
});

describe('needsDirectCall', () => {
  it.each(['$result', '$next', '$total', '$time', '$error', '$RESULT[c0]', 'pay $Total now'])(
    'finds %s in a value',
    (text) => {
      expect(needsDirectCall({ fields: { TITLE: text } })).toBe(true);
    },
  );

  it('finds it in keys, in arrays and in template strings', () => {
    expect(needsDirectCall({ filter: { $error: 1 } })).toBe(true);
    expect(needsDirectCall({ select: ['ID', 'x$time'] })).toBe(true);
    expect(needsDirectCall({ s: template('$next_', ref(0)) })).toBe(true);
  });

  it('does not count our own refs, and ignores lookalikes', () => {
    expect(needsDirectCall({ id: ref(0, 'id'), s: template('DT_', ref(1, 'id')) })).toBe(false);
    expect(needsDirectCall({ a: 'result $ results', b: '$resul', c: 5, d: null, e: true, f: {} })).toBe(false);
  });

  it('sends an empty list directly: a batch query would drop it (a cleared multiple field, an empty @ID filter)', () => {
    expect(encodeCommand({ method: 'crm.item.update', params: { id: 5, fields: { ufCrm1Tags: [] } } })).toBe(
      'crm.item.update?id=5',
    );
    expect(needsDirectCall({ id: 5, fields: { ufCrm1Tags: [] } })).toBe(true);
    expect(needsDirectCall({ filter: { '@ID': [] } })).toBe(true);
    expect(needsDirectCall({ filter: { '@ID': [1] }, select: ['ID'] })).toBe(false);
  });
});

describe('resolveRefs', () => {
  const outcomes = [
    { result: { items: [{ id: 7 }], zero: 0 } },
    new BitrixError({ code: 'X', description: '', method: 'm' }),
    { result: 'S' },
  ];

  it('replaces refs and templates with the values earlier commands returned', () => {
    expect(
      resolveRefs(
        {
          id: ref(0, 'items', 0, 'id'),
          n: { z: ref(0, 'zero') },
          s: template('DT_', ref(2), '_', ref(0, 'items', 0, 'id')),
          k: [1],
        },
        outcomes,
      ),
    ).toEqual({
      id: 7,
      n: { z: 0 },
      s: 'DT_S_7',
      k: [1],
    });
  });

  it('is undefined when a path is missing, points at an error, or at no command', () => {
    expect(resolveRefs({ id: ref(0, 'items', 1, 'id') }, outcomes)).toBe(undefined);
    expect(resolveRefs({ id: ref(1) }, outcomes)).toBe(undefined);
    expect(resolveRefs({ s: template('x', ref(1, 'id')) }, outcomes)).toBe(undefined);
    expect(resolveRefs({ id: ref(9) }, outcomes)).toBe(undefined);
  });
});
