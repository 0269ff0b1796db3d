// A Relay connection over crm.item.list with a typed filter and any order: keyset pages (cursor =
// the last row's ordered values and id, bound to the filter and order), one chained batch per
// 2,500 rows, totalCount by one COUNT command riding with the page. Rows become nodes through the
// type's own loader, so smart-process cards come from the list itself and records of other types
// (contacts, companies, deals, leads: their types read old-style rows) by id.
import type { GraphQLResolveInfo } from 'graphql';
import { compile, type Condition } from '../crm/conditions.js';
import { countItems } from '../crm/items.js';
import { positionOf, readOrderedPage, type OrderKey } from '../crm/ordered-pages.js';
import { cacheOf, submitOnly } from '../crm/record-cache.js';
import { upstream, type Context } from './context.js';
import {
  decodeOrderedCursor,
  encodeOrderedCursor,
  pageSize,
  scopeHash,
  selects,
  type ConnectionArgs,
  type ConnectionResult,
} from './connection.js';

type Row = Record<string, unknown>;

export interface OrderedList<Node> {
  entityTypeId: number;
  where: Condition;
  order: OrderKey[];
  /** crm.item keys the nodes need from the list (ids only when nodes are loaded by id). */
  select: readonly string[];
  /** Nodes of the rows, in the rows' order (a row whose record vanished meanwhile is left out). */
  nodes(rows: Row[]): Promise<(Node | null)[]>;
}

export async function orderedConnection<Node>(
  ctx: Context,
  args: ConnectionArgs,
  list: OrderedList<Node>,
  info?: GraphQLResolveInfo,
): Promise<ConnectionResult<Node>> {
  const first = pageSize(ctx, args.first);
  const filter = compile(list.where);
  const scope = { e: list.entityTypeId, filter, order: list.order };
  const position = args.after ? decodeOrderedCursor(args.after, scope) : null;
  const options = upstream(ctx);
  const cache = cacheOf(options);
  const cached = <T extends object | number>(shape: unknown, load: () => Promise<T>) =>
    cache ? cache.list(list.entityTypeId, shape, load) : load();

  const count = async () => (filter ? countItems(ctx.portal, list.entityTypeId, filter, options) : 0);
  let counted: Promise<number> | undefined;
  if (info && selects(info, 'totalCount')) {
    counted = count();
    counted.catch(() => undefined); // a failed count is reported by its own field
  }
  const needsPage = !info || selects(info, 'edges') || selects(info, 'pageInfo');
  const query = { entityTypeId: list.entityTypeId, where: list.where, order: list.order, select: list.select };
  const read = (size: number) =>
    cached({ ordered: [filter, list.order, position, size, list.select] }, () =>
      readOrderedPage(ctx.portal, query, position, size, submitOnly(options)),
    );
  const page = !needsPage
    ? { rows: [], hasNextPage: false }
    : first === 0
      ? { rows: [], hasNextPage: (await read(1)).rows.length > 0 }
      : await read(first);
  const nodes = await list.nodes(page.rows);
  const hash = scopeHash(scope);
  const edges: { cursor: string; node: Node }[] = [];
  page.rows.forEach((row, i) => {
    const node = nodes[i];
    if (node) edges.push({ cursor: encodeOrderedCursor(positionOf(list.order, row), hash), node });
  });
  // The last row's position ends the page even when its record vanished before it was loaded.
  const last = page.rows.at(-1);
  const endCursor = last ? encodeOrderedCursor(positionOf(list.order, last), hash) : null;
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: position !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor,
    },
    totalCount: () => (counted ??= count()),
  };
}

/** `orderBy` as crm.item order keys; the list ends at `bitrixId` (ids are unique: nothing after
 * it can matter, and the id tiebreak then follows its direction). */
export function orderKeys(
  orderBy: readonly { field: string; direction?: 'ASC' | 'DESC' | null }[] | null | undefined,
): OrderKey[] {
  const keys: OrderKey[] = [];
  for (const o of orderBy ?? []) {
    if (keys.some((k) => k.key === o.field)) continue;
    keys.push({ key: o.field, direction: o.direction ?? 'ASC' });
    if (o.field === 'id') break;
  }
  return keys;
}
