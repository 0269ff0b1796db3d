// Issue 11.4/11.5: one failing root field never erases the others. Every Query field is
// nullable; for each one, a document that asks for it beside a field that works gets that field
// answered and the failed one null with a coded error (the portal failing, or a bad argument).
import {
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
/** Every root field of the schema served: the static ones and the portal's own. */
let fields: GraphQLField<unknown, unknown>[];
beforeAll(async () => {
  s = await startStack({ maxAttempts: 1 });
  fields = Object.values(s.gateway.schema!.current.getQueryType()!.getFields());
});
afterAll(() => s.close());

/** A value for a required argument: enough to reach the resolver. */
function sample(arg: GraphQLArgument): string {
  const named = getNamedType(arg.type).name;
  if (arg.name === 'entityTypeId') return '128';
  if (isListType(getNullableType(arg.type)))
    return named === 'ID' ? `["${Buffer.from('Contact:1').toString('base64')}"]` : '[1]';
  if (named === 'ID') return `"${Buffer.from('Contact:1').toString('base64')}"`;
  if (named === 'Int') return '1';
  if (named === 'String') return '"name"';
  throw new Error(`no sample for ${arg.name}: ${named}`);
}

describe('root fields', () => {
  it('are all nullable', () => {
    expect(fields.filter((f) => isNonNullType(f.type)).map((f) => f.name)).toEqual([]);
  });

  it('a smart process that does not exist fails only its own field', async () => {
    const r = await s.gql('{ a: spaCards(entityTypeId: 999) { totalCount } b: contactTypes { name } }');
    expect(r.body.data.a).toBeNull();
    expect(r.body.data.b.length).toBeGreaterThan(0);
    expect(r.body.errors[0].path[0]).toBe('a');
    expect(r.body.errors[0].extensions.code).toMatch(/^[A-Z_]+$/);
  });

  it('each one that fails is null with its error; the rest of the document still answers', async () => {
    s.emulator.setFaults({ rate: 1, kinds: ['http500'] });
    const failed: string[] = [];
    try {
      for (const field of fields) {
        const args = field.args.filter((a) => isNonNullType(a.type)).map((a) => `${a.name}: ${sample(a)}`);
        const named = getNamedType(field.type);
        // A connection asked only for __typename reads nothing: ask for its count.
        const selection =
          isObjectType(named) && named.getFields().totalCount
            ? ' { totalCount }'
            : !('serialize' in named)
              ? ' { __typename }'
              : '';
        const query = `{ ok: __typename failing: ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
        s.portal.metadata.invalidate(); // the schema's build read it: every field starts cold
        const r = await s.gql(query);
        expect(r.status, query).toBe(200);
        expect(r.body.data?.ok, `${query}: ${r.text}`).toBe('Query');
        if (r.body.errors) {
          failed.push(field.name);
          // The field is null; `nodes` answers a null per id that failed.
          const failing = r.body.data.failing;
          expect(failing === null || (Array.isArray(failing) && failing.every((n: unknown) => n === null)), query).toBe(
            true,
          );
          for (const e of r.body.errors) expect(e.extensions?.code, query).toMatch(/^[A-Z_]+$/);
        }
      }
    } finally {
      s.emulator.setFaults(null);
    }
    // Every field that reads the portal failed here (the cached-free ones all do).
    expect(failed.length, failed.join(', ')).toBeGreaterThanOrEqual(fields.length - 2);
  });

  it('an operating budget spent on one method nulls only the fields that need it', async () => {
    const busy = await startStack({ portal: { operating: { limitSeconds: 1 } } });
    try {
      busy.portal.scheduler.budget.onBlocked('crm.item.list');
      const r = await busy.gql(
        '{ a: spaCards(entityTypeId: 128, first: 5) { totalCount } b: employees(first: 2) { edges { node { fullName } } } }',
      );
      expect(r.body.data.a).toBeNull();
      expect(r.body.errors[0].extensions.code).toBe('UPSTREAM_BUSY');
      expect(r.body.data.b.edges).toHaveLength(2);
    } finally {
      await busy.close();
    }
  });
});
