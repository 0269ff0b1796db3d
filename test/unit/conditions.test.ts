// Conditions compiled to crm.item.list filters (src/crm/conditions.ts): documented prefixes only,
// `not` pushed down, AND groups side by side or nested, OR as `logic: 'OR'`, empty lists decided here.
import { describe, expect, it } from 'vitest';
import { ref } from '../../src/upstream/batch.js';
import { and, compile, negate, or, type Condition } from '../../src/crm/conditions.js';

const eq = (key: string, value: string | number): Condition => ({ op: 'eq', key, value });

describe('compile', () => {
  it('writes each operator as its documented key prefix', () => {
    expect(
      compile(
        and(
          eq('a', 1),
          { op: 'ne', key: 'b', value: 2 },
          { op: 'lt', key: 'c', value: 3 },
          { op: 'lte', key: 'd', value: 4 },
          { op: 'gt', key: 'e', value: 5 },
          { op: 'gte', key: 'f', value: 6 },
          { op: 'in', key: 'g', values: [1, 2] },
          { op: 'notIn', key: 'h', values: [3] },
          { op: 'contains', key: 'i', value: '50%' },
          { op: 'startsWith', key: 'j', value: 'Ab' },
          { op: 'isNull', key: 'k', value: true },
          { op: 'isNull', key: 'l', value: false },
        ),
      ),
    ).toEqual({
      '=a': 1,
      '!=b': 2,
      '<c': 3,
      '<=d': 4,
      '>e': 5,
      '>=f': 6,
      '@g': [1, 2],
      '!@h': [3],
      '%i': '50%',
      '=%j': 'Ab%',
      '=k': '',
      '!=l': '',
    });
  });

  it('nests a repeated key or an OR group under numeric keys; OR groups say logic OR', () => {
    expect(compile(and(eq('a', 1), eq('a', 2), or(eq('b', 1), eq('c', 2))))).toEqual({
      '=a': 1,
      0: { '=a': 2 },
      1: { logic: 'OR', 0: { '=b': 1 }, 1: { '=c': 2 } },
    });
  });

  it('pushes not down to the conditions (De Morgan), and not of not is the condition', () => {
    const c = and(eq('a', 1), { op: 'lt', key: 'b', value: 5 }, { op: 'contains', key: 'c', value: 'x' });
    expect(compile(negate(c))).toEqual({
      logic: 'OR',
      0: { '!=a': 1 },
      1: { '>=b': 5 },
      2: { '!%c': 'x' },
    });
    expect(compile({ op: 'not', item: { op: 'not', item: eq('a', 1) } })).toEqual({ '=a': 1 });
    expect(compile(negate({ op: 'startsWith', key: 's', value: 'Ab' }))).toEqual({ '!=%s': 'Ab%' });
    expect(compile(negate({ op: 'isNull', key: 'k', value: true }))).toEqual({ '!=k': '' });
  });

  it('decides empty lists itself: IN () matches nothing (null: send nothing), NOT IN () everything', () => {
    expect(compile({ op: 'in', key: 'a', values: [] })).toBeNull();
    expect(compile(and(eq('b', 1), { op: 'in', key: 'a', values: [] }))).toBeNull();
    expect(compile(or(eq('b', 1), { op: 'in', key: 'a', values: [] }))).toEqual({ '=b': 1 });
    expect(compile({ op: 'notIn', key: 'a', values: [] })).toEqual({});
    expect(compile(and())).toEqual({});
  });

  it('keeps batch references as values', () => {
    const last = ref(0, 'items', 49, 'title');
    expect(
      compile(or({ op: 'gt', key: 'title', value: last }, and(eq('title', 'x'), { op: 'gt', key: 'id', value: 3 }))),
    ).toEqual({
      logic: 'OR',
      0: { '>title': last },
      1: { '=title': 'x', '>id': 3 },
    });
  });
});
