// Keyset connections over the old-style CRM lists (companies, deals, leads). When the client
// selects totalCount, its COUNT command is submitted together with the page, so both ride in the
// same batch: a filtered list with its total is one upstream HTTP request.
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { countRecords, oldKey, recordPage, type OldEntity } from '../../crm/records.js';
import { upstream, type Context } from '../context.js';
import { fieldFilterValue, fields, type FieldFilterInput } from './field.js';
import { decodeCursor, keysetConnection, pageSize, type ConnectionArgs } from '../connection.js';

/** Whether the field being resolved selects `name` directly (through fragments too). */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const walk = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((sel) => {
      if (sel.kind === 'Field') return sel.name.value === name;
      if (sel.kind === 'InlineFragment') return walk(sel.selectionSet);
      return walk(info.fragments[sel.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => walk(node.selectionSet));
}

interface Primable<R> {
  getDataloader(ctx: Context): { prime(key: number, value: R): unknown };
}

export function oldConnection<R extends { id: number }>(
  ctx: Context,
  info: GraphQLResolveInfo,
  args: ConnectionArgs,
  entity: OldEntity<R>,
  filter: Record<string, unknown>,
  ref: Primable<NoInfer<R>>,
) {
  const scope = { [entity.prefix]: filter };
  // Bad paging arguments are refused before anything is sent.
  pageSize(ctx, args.first);
  if (args.after) decodeCursor(args.after, scope);
  const count = () => countRecords(ctx.portal, entity, filter, upstream(ctx));
  const early = selects(info, 'totalCount') ? count() : undefined;
  // A failed early count must not become an unhandled rejection when the page fails first.
  early?.catch(() => undefined);
  return keysetConnection(
    ctx,
    args,
    scope,
    (r: R) => r.id,
    async (after, first) => {
      const page = await recordPage(ctx.portal, entity, filter, after, first, upstream(ctx));
      const loader = ref.getDataloader(ctx);
      for (const row of page.rows) loader.prime(row.id, row);
      return page;
    },
    () => early ?? count(),
  );
}

/** A `field: {name, value}` filter → `{OLD_KEY: value}` (name checked against the metadata,
 * list labels converted); {} when none. */
export async function oldFieldFilter(ctx: Context, entityTypeId: number, filter: FieldFilterInput | null | undefined): Promise<Record<string, unknown>> {
  if (!filter) return {};
  const set = await fields(ctx, entityTypeId);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fieldFilterValue(set, filter, 'name'))) out[oldKey(entityTypeId, set.byName.get(name.toLowerCase())!)] = value;
  return out;
}
