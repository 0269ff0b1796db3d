// Keyset connections over the old-style CRM lists (contacts, companies, deals, leads), through
// keysetConnection: a selected totalCount rides in the page's batch, and a connection asked only
// for its totalCount reads no page.
import type { GraphQLResolveInfo } from 'graphql';
import { countRecords, oldKey, recordPage, type OldEntity, type RecordFilter } from '../../crm/records.js';
import { upstream, type Context } from '../context.js';
import { fieldFilterValue, fields, type FieldFilterInput } from './field.js';
import { keysetConnection, type ConnectionArgs } from '../connection.js';

interface Primable<R> {
  getDataloader(ctx: Context): { prime(key: number, value: R): unknown };
}

export function oldConnection<R extends { id: number }>(
  ctx: Context,
  info: GraphQLResolveInfo,
  args: ConnectionArgs,
  entity: OldEntity<R>,
  filter: RecordFilter,
  ref: Primable<NoInfer<R>>,
  scope: unknown = { [entity.prefix]: filter },
  select: (ctx: Context) => string[] | undefined = () => undefined,
) {
  return keysetConnection(
    ctx,
    args,
    scope,
    (r: R) => r.id,
    async (after, first) => {
      const page = await recordPage(ctx.portal, entity, filter, after, first, {
        ...upstream(ctx),
        select: select(ctx),
      });
      const loader = ref.getDataloader(ctx);
      for (const row of page.rows) loader.prime(row.id, row);
      return page;
    },
    () => countRecords(ctx.portal, entity, filter, upstream(ctx)),
    info,
  );
}

/** A `field: {name, value}` filter → `{OLD_KEY: value}` (name checked against the metadata,
 * list labels converted); {} when none. */
export async function oldFieldFilter(
  ctx: Context,
  entityTypeId: number,
  filter: FieldFilterInput | null | undefined,
): Promise<Record<string, unknown>> {
  if (!filter) return {};
  const set = await fields(ctx, entityTypeId);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fieldFilterValue(set, filter, 'name')))
    out[oldKey(entityTypeId, set.byName.get(name.toLowerCase())!)] = value;
  return out;
}
