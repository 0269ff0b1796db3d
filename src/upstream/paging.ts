// Keyset paging over Bitrix list methods (bitrix24-api.md §5): order by id ascending, filter
// `>id` after the cursor, `start=-1` (no COUNT). Up to 50 such commands chain in ONE batch with
// `$result[prev][items][49][id]`, so one HTTP request returns up to 2,500 rows.
import { chunks } from '../lib/chunks.js';
import { ref, type Command, type CommandResult } from './batch.js';
import { BitrixError } from './errors.js';
import { MAX_BATCH, type PortalScheduler, type SubmitOptions } from './scheduler.js';

export const PAGE = 50;
export const MAX_CHAIN_ROWS = PAGE * MAX_BATCH;

/** How one list method pages. */
export interface ListMethod {
  method: string;
  /** The id key used in filter/order (`ID` old-style, `id` crm.item). */
  idKey: 'ID' | 'id';
  /** Path from `result` to the rows: [] when result is the array, ['items'] for crm.item.list. */
  rowsPath: readonly string[];
  /** user.get takes `sort`/`order` strings instead of an `order` object, and filter keys in FILTER. */
  style?: 'crm' | 'user';
}

export interface KeysetPage<Row> {
  rows: Row[];
  hasNextPage: boolean;
}

function rowsOf(result: unknown, path: readonly string[]): unknown[] {
  let value = result;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(value) ? value : [];
}

function pageParams(
  list: ListMethod,
  base: Record<string, unknown>,
  filter: Record<string, unknown>,
  after: unknown,
  start: number,
): Record<string, unknown> {
  const keyed = { ...filter, [`>${list.idKey}`]: after };
  if (list.style === 'user') return { ...base, FILTER: keyed, sort: 'ID', order: 'ASC', start };
  return { ...base, filter: keyed, order: { [list.idKey]: 'ASC' }, start };
}

/** Reads `first` rows after `afterId` (0 = from the beginning), exactly, in one HTTP request
 * when `first` ≤ 2,500. `hasNextPage` is exact: the chain asks for one row more than needed,
 * and when the chain is already 50 commands long its last command runs with `start=0`, whose
 * `next` says whether more rows follow (a COUNT over the tail only). */
export async function readKeysetPage<Row>(
  scheduler: PortalScheduler,
  list: ListMethod,
  base: Record<string, unknown>,
  filter: Record<string, unknown>,
  afterId: number,
  first: number,
  options: SubmitOptions = {},
): Promise<KeysetPage<Row>> {
  if (first < 1 || first > MAX_CHAIN_ROWS) throw new RangeError(`first must be between 1 and ${MAX_CHAIN_ROWS}`);
  const wanted = Math.ceil((first + 1) / PAGE);
  const count = Math.min(wanted, MAX_BATCH);
  const lastUsesCount = wanted > MAX_BATCH;
  const idPath = (i: number) => ref(i, ...list.rowsPath, PAGE - 1, list.idKey);
  const commands: Command[] = [];
  for (let i = 0; i < count; i++) {
    const after = i === 0 ? afterId : idPath(i - 1);
    const start = lastUsesCount && i === count - 1 ? 0 : -1;
    commands.push({ method: list.method, params: pageParams(list, base, filter, after, start) });
  }
  const outcomes =
    count === 1
      ? [await settle(scheduler.submit(commands[0], options))]
      : await scheduler.submitChain(commands, options);
  const rows: Row[] = [];
  let more = false;
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i];
    if (outcome instanceof Error) throw outcome;
    const page = rowsOf(outcome.result, list.rowsPath) as Row[];
    rows.push(...page);
    // A short page ends the list: later commands ran on an unresolved reference; ignore them.
    if (page.length < PAGE) break;
    if (i === outcomes.length - 1) more = lastUsesCount ? outcome.next !== undefined : false;
  }
  const hasNextPage = rows.length > first || more;
  return { rows: rows.slice(0, first), hasNextPage };
}

/** Rows by id: ids deduplicated and sorted, one command per 50 (a page: no COUNT needed, since
 * 50 ids match at most 50 rows), all submitted at once so they share the scheduler's next batch.
 * `params` builds one command's parameters for its ids; `rowsPath` finds the rows in a result. */
export async function readByIds(
  scheduler: PortalScheduler,
  method: string,
  ids: readonly number[],
  params: (ids: number[]) => Record<string, unknown>,
  rowsPath: readonly string[],
  options: SubmitOptions = {},
): Promise<Record<string, unknown>[]> {
  const unique = [...new Set(ids.filter((id) => Number.isInteger(id) && id > 0))].sort((a, b) => a - b);
  const commands = chunks(unique, PAGE).map((part) => scheduler.submit({ method, params: params(part) }, options));
  return (await Promise.all(commands)).flatMap((page) => rowsOf(page.result, rowsPath) as Record<string, unknown>[]);
}

/** A command's answer or its Bitrix error as a value (other failures still throw). */
export async function settle(promise: Promise<CommandResult>): Promise<CommandResult | BitrixError> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof BitrixError) return error;
    throw error;
  }
}
