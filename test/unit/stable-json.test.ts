// stableJson (lib/stable-json.ts): sorted keys at every level, undefined dropped, arrays kept in order.
import { describe, expect, it } from 'vitest';
import { stableJson } from '../../src/lib/stable-json.js';

describe('stableJson', () => {
  it('sorts keys at every level, so key order does not change the text', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(stableJson({ a: { c: 3, d: 2 }, b: 1 })).toBe(stableJson({ b: 1, a: { d: 2, c: 3 } }));
  });

  it('drops undefined properties but keeps null', () => {
    expect(stableJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('keeps arrays in order and writes undefined items as null', () => {
    expect(stableJson([3, 1, { y: 1, x: [2, 1] }, undefined])).toBe('[3,1,{"x":[2,1],"y":1},null]');
  });

  it('writes scalars as JSON and a bare undefined as null', () => {
    expect([stableJson('a"b'), stableJson(1.5), stableJson(true), stableJson(null), stableJson(undefined)]).toEqual([
      '"a\\"b"',
      '1.5',
      'true',
      'null',
      'null',
    ]);
  });

  it('escapes keys', () => {
    expect(stableJson({ 'a"b': 1 })).toBe('{"a\\"b":1}');
  });
});
