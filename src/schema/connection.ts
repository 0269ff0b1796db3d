// Relay connections over Bitrix keyset paging. Cursors are opaque: the last id plus a hash of
// the filter they were issued for, so a cursor cannot be replayed against another filter.
import { createHash } from 'node:crypto';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { KeysetPage } from '../upstream/paging.js';
import { stableJson } from '../lib/stable-json.js';
import type { Context } from './context.js';
import { badInput } from './error-codes.js';
import { builder } from './builder.js';

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export interface ConnectionResult<Node> {
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
}

function filterHash(filter: unknown): string {
  return createHash('sha256')
    .update(stableJson(filter ?? null))
    .digest('base64url')
    .slice(0, 10);
}

function cursorWithHash(id: number, hash: string): string {
  return Buffer.from(JSON.stringify({ id, f: hash })).toString('base64url');
}

export function decodeCursor(cursor: string, filter: unknown): number {
  let parsed: { id?: unknown; f?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput('`after` is not a cursor issued by this API', 'after');
  }
  if (typeof parsed?.id !== 'number' || !Number.isInteger(parsed.id) || parsed.id < 0) {
    throw badInput('`after` is not a cursor issued by this API', 'after');
  }
  if (parsed.f !== filterHash(filter)) {
    throw badInput('`after` was issued for a different filter; start again without it', 'after');
  }
  return parsed.id;
}

/** A position in an ordered list (its ordered values and id), bound to the list's scope. */
export interface CursorPosition {
  values: (string | number | null)[];
  id: number;
}

export function encodeOrderedCursor(position: CursorPosition, hash: string): string {
  return Buffer.from(JSON.stringify({ v: position.values, id: position.id, f: hash })).toString('base64url');
}

export function decodeOrderedCursor(cursor: string, scope: unknown): CursorPosition {
  const id = decodeCursor(cursor, scope);
  const { v } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown };
  const scalar = (x: unknown) => x === null || typeof x === 'string' || typeof x === 'number';
  if (!Array.isArray(v) || !v.every(scalar)) throw badInput('`after` is not a cursor issued by this API', 'after');
  return { values: v as CursorPosition['values'], id };
}

/** The hash binding cursors to a list's scope (its filter, order and parent). */
export function scopeHash(scope: unknown): string {
  return filterHash(scope);
}

/** Validates `first` against the request's limits; returns the page size. */
export function pageSize(ctx: Context, first: number | null | undefined): number {
  if (first === null || first === undefined) return ctx.limits.defaultPageSize;
  if (!Number.isInteger(first) || first < 0 || first > ctx.limits.maxPageSize) {
    throw badInput(`\`first\` must be between 0 and ${ctx.limits.maxPageSize}`, 'first');
  }
  return first;
}

/** Resolves a forward connection with keyset paging. `scope` is everything that shapes the
 * list (filter and parent), bound into the cursor. */
export async function keysetConnection<Node>(
  ctx: Context,
  args: ConnectionArgs,
  scope: unknown,
  idOf: (node: Node) => number,
  fetch: (afterId: number, first: number) => Promise<KeysetPage<Node>>,
  count: () => Promise<number>,
  info?: GraphQLResolveInfo,
): Promise<ConnectionResult<Node>> {
  const first = pageSize(ctx, args.first);
  const after = args.after ? decodeCursor(args.after, scope) : 0;
  let counted: Promise<number> | undefined;
  // A selected totalCount starts with the page, so both commands ride in the same batch.
  if (info && selects(info, 'totalCount')) {
    counted = count();
    counted.catch(() => undefined); // a failed count is reported by its own field
  }
  // Only `totalCount` asked for: no page to read.
  const needsPage = !info || selects(info, 'edges') || selects(info, 'pageInfo');
  const page = !needsPage
    ? { rows: [], hasNextPage: false }
    : first === 0
      ? { rows: [], hasNextPage: (await fetch(after, 1)).rows.length > 0 }
      : await fetch(after, first);
  const hash = filterHash(scope); // once per page, not per edge
  const edges = page.rows.map((node) => ({ cursor: cursorWithHash(idOf(node), hash), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    // Only a selected totalCount costs a (COUNT) command.
    totalCount: () => (counted ??= count()),
  };
}

/** Whether the current field's selection (fragments included) asks for `name`. */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((sel) => {
      if (sel.kind === Kind.FIELD) return sel.name.value === name;
      if (sel.kind === Kind.INLINE_FRAGMENT) return visit(sel.selectionSet);
      return visit(info.fragments[sel.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    nullable: false,
    description:
      'How many items match the filter in all pages. Costs one extra upstream command (a COUNT); select it only when needed.',
    resolve: (parent) => (typeof parent.totalCount === 'function' ? parent.totalCount() : parent.totalCount),
  }),
);

/** A list's complexity: its page size (the default when `first` is omitted) times its nodes. */
export function pageComplexity(args: { first?: number | null }, ctx: Context) {
  return { field: 1, multiplier: Math.min(args.first ?? ctx.limits.defaultPageSize, ctx.limits.maxPageSize) };
}

export const connectionArgs = {
  first: {
    description:
      'Page size (default 50, at most the configured cap, 2,500 by default). Up to 2,500 rows cost one upstream HTTP request.',
  },
  after: { description: 'The `endCursor` of the previous page.' },
};
