// Bulk writes in GraphQL: the job, each item's result (a success or a typed error), the payload
// every bulk mutation returns, the job query and its progress subscription. The entity modules
// (spa-card-bulk.ts, record-bulk.ts) only prepare and check their items, then call runBulkWrite.
import type { BulkItem } from '../../crm/bulk.js';
import { COMPANY } from '../../crm/companies.js';
import { CONTACT } from '../../crm/contacts.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import { recordsByIds } from '../../crm/records.js';
import { employeesByIds } from '../../crm/users.js';
import {
  jobIdOf,
  type BulkJob,
  type BulkJobSpec,
  type StoredFailure,
  type StoredOutcome,
} from '../../crm/bulk-jobs.js';
import type { InputObjectRef } from '@pothos/core';
import { builder, type SchemaTypes } from '../builder.js';
import { upstream, type Context } from '../context.js';
import { wrapErrorIfMatches } from '@pothos/plugin-errors';
import {
  ErrorInterface,
  ForbiddenError,
  MUTATION_ERRORS,
  NotFoundError,
  typedError,
  UpstreamError,
  ValidationError,
} from './errors.js';

/** Items one bulk call takes at most. */
export const MAX_BULK_ITEMS = 10_000;
/** Time kept free before a request's deadline to answer (with the job, when it is not done). */
const ANSWER_MARGIN_MS = 1_000;

/** An item that failed its checks: nothing of the call is sent. */
export interface Invalid {
  index: number;
  error: Error;
}

interface ItemResult {
  index: number;
  id: number | null;
  created: boolean;
  error: Error | null;
}

interface BulkPayload {
  job: BulkJob | null;
  results: ItemResult[] | null;
  invalid: ItemResult[];
}

/** A typed error as a job stores it (plain JSON, so Redis can keep it). */
export function describeFailure(error: Error, job: BulkJob, secrets: readonly string[]): StoredFailure {
  const entity =
    job.target.kind === 'record'
      ? job.target.entity.charAt(0).toUpperCase() + job.target.entity.slice(1)
      : job.target.entityTypeId === EntityTypeId.deal
        ? 'Deal'
        : 'SpaCard';
  const typed = typedError(error, secrets, entity, null);
  const known = [NotFoundError, ValidationError, ForbiddenError, UpstreamError].some((type) => typed instanceof type);
  // Anything untyped is reported without its internals.
  if (!known)
    return { type: 'UpstreamError', message: 'the write failed', code: 'INTERNAL_SERVER_ERROR', retryable: false };
  return { ...typed, type: typed.name, message: typed.message };
}

/** A stored failure back as its typed error. */
function typedFailure(f: StoredFailure): Error {
  const message = String(f.message ?? '');
  switch (f.type) {
    case 'NotFoundError':
      return new NotFoundError(message, String(f.entity ?? ''), typeof f.bitrixId === 'number' ? f.bitrixId : null);
    case 'ValidationError':
      return new ValidationError(message, typeof f.field === 'string' ? f.field : null);
    case 'ForbiddenError':
      return new ForbiddenError(message);
    default:
      return new UpstreamError(
        message,
        String(f.code ?? 'UPSTREAM_ERROR'),
        typeof f.bitrixCode === 'string' ? f.bitrixCode : null,
        f.retryable === true,
      );
  }
}

function fromStored(o: StoredOutcome): ItemResult {
  return { index: o.index, id: o.id, created: o.created, error: o.failure ? typedFailure(o.failure) : null };
}

const BulkJobStatus = builder.enumType('BulkJobStatus', {
  description: 'Where a bulk job is.',
  values: {
    RUNNING: { description: 'Writing; `done` grows.' },
    DONE: { description: 'Every item has its result.' },
    INTERRUPTED: { description: 'Stopped before the end and not resumable here; submit it again with the same keys.' },
  } as const,
});

export const BulkCreateMode = builder.enumType('BulkCreateMode', {
  description: 'How new records are written.',
  values: {
    CREATE: {
      description: 'Like single creates (crm.item.add, 50 per upstream request): automation rules and workflows run.',
    },
    IMPORT: {
      description:
        'crm.item.batchImport (1,000 per upstream request): keeps createdAt/updatedAt/createdById/updatedById as given and runs no automation. Needs the CRM import permission for the type.',
    },
  } as const,
});

const BulkItemResult = builder.objectRef<ItemResult>('BulkItemResult').implement({
  description: 'The result of one item of a bulk write.',
  fields: (t) => ({
    index: t.exposeInt('index', { nullable: false, description: "The item's position in the input list (from 0)." }),
    bitrixId: t.exposeInt('id', {
      description: 'The record written (for a create: the new one, or the one an earlier create with its key made).',
    }),
    created: t.exposeBoolean('created', {
      nullable: false,
      description: 'True when this call created the record; false for updates, deletes and keyed replays.',
    }),
    ok: t.boolean({ nullable: false, description: 'True when the item succeeded.', resolve: (r) => r.error === null }),
    error: t.field({
      type: ErrorInterface,
      description: 'Why the item failed (null on success); the other items are not affected.',
      // Wrapped as the errors plugin wraps a mutation's own error: a bare Error returned by a
      // resolver would be raised as a field error instead.
      resolve: (r) => (r.error ? (wrapErrorIfMatches(r.error, MUTATION_ERRORS) as Error) : null),
    }),
  }),
});

const BulkJobRef = builder.objectRef<BulkJob>('BulkJob').implement({
  description:
    'A bulk write running or done. Read it with `bulkJob(id)`, follow it with the `bulkJobProgress` subscription.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, description: 'The job id.' }),
    status: t.field({ type: BulkJobStatus, nullable: false, description: 'Where it is.', resolve: (j) => j.status }),
    total: t.exposeInt('total', { nullable: false, description: 'Items in the job.' }),
    done: t.exposeInt('done', { nullable: false, description: 'Items with a result (succeeded or failed).' }),
    failed: t.exposeInt('failed', { nullable: false, description: 'Items that failed.' }),
    ratePerSecond: t.float({
      nullable: false,
      description: 'Items settled per second so far.',
      resolve: (j) => rate(j),
    }),
    secondsLeft: t.float({
      description: 'Estimated seconds until done at the rate so far (null before the first result).',
      resolve: (j) => (j.status !== 'RUNNING' ? 0 : rate(j) > 0 ? (j.total - j.done) / rate(j) : null),
    }),
    durable: t.exposeBoolean('durable', {
      nullable: false,
      description:
        'True when the job survives a gateway restart (Redis configured): the next gateway resumes it. Otherwise a job cut by a restart is lost; submitting it again with the same idempotency keys (or importKey) creates nothing twice.',
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: false,
      description: 'When it started.',
      resolve: (j) => new Date(j.createdAt),
    }),
    finishedAt: t.field({
      type: 'DateTime',
      description: 'When it ended.',
      resolve: (j) => (j.finishedAt ? new Date(j.finishedAt) : null),
    }),
    results: t.field({
      type: [BulkItemResult],
      nullable: { list: false, items: true },
      description: 'Results by input position, `first` of them from `offset` (null: not settled yet).',
      args: {
        offset: t.arg.int({ defaultValue: 0, description: 'The first position.' }),
        first: t.arg.int({ defaultValue: 100, description: 'How many (at most 1,000).' }),
      },
      resolve: async (j, args, ctx) => {
        const first = Math.max(0, Math.min(args.first ?? 100, 1_000));
        const offset = Math.max(0, args.offset ?? 0);
        return (await ctx.bulk.store.outcomes(j.id, offset, first)).map((o) => (o ? fromStored(o) : null));
      },
    }),
    failures: t.field({
      type: [BulkItemResult],
      nullable: false,
      description: 'The items that failed, in input order, with their errors (at most `first`).',
      args: { first: t.arg.int({ defaultValue: 100, description: 'How many (at most 1,000).' }) },
      resolve: async (j, args, ctx) => {
        const first = Math.max(0, Math.min(args.first ?? 100, 1_000));
        const out: ItemResult[] = [];
        for (let from = 0; from < j.total && out.length < first; from += 1_000) {
          for (const o of await ctx.bulk.store.outcomes(j.id, from, 1_000))
            if (o?.failure && out.length < first) out.push(fromStored(o));
        }
        return out;
      },
    }),
  }),
});

function rate(j: BulkJob): number {
  const seconds = ((j.finishedAt ?? Date.now()) - j.createdAt) / 1000;
  return seconds > 0 ? j.done / seconds : 0;
}

const BulkWritePayload = builder.objectRef<BulkPayload>('BulkWritePayload').implement({
  description:
    'What a bulk mutation answers. Items are checked first (fields, stages, funnels, references, keys): when any fails, nothing is sent and `invalid` lists them. Otherwise the job runs; `results` holds every outcome when it ended within the request, else it is null and `job` tells how far it got.',
  fields: (t) => ({
    job: t.field({
      type: BulkJobRef,
      description: 'The job (null when the items were refused).',
      resolve: (p) => p.job,
    }),
    results: t.field({
      type: [BulkItemResult],
      description: 'One result per item in input order, when the job ended within the request.',
      resolve: (p) => p.results,
    }),
    invalid: t.field({
      type: [BulkItemResult],
      nullable: false,
      description: 'The items refused by the checks, with their errors (then nothing was sent).',
      resolve: (p) => p.invalid,
    }),
  }),
});

export { BulkWritePayload };

/** A checked item, or its refusal. */
export type Checked = { item: BulkItem; refs?: Refs } | Invalid;

export interface Refs {
  contactIds?: readonly number[] | null;
  companyId?: number | null;
  employees?: [field: string, id: number | null | undefined][];
}

/** Runs `check` on every item (in parallel: their reads coalesce), then the reference checks
 * of all of them at once. */
export async function checkAll<T>(
  ctx: Context,
  list: readonly T[],
  entity: string,
  check: (value: T, index: number) => Promise<Checked>,
  keys: (string | null | undefined)[] = [],
): Promise<{ items: BulkItem[]; invalid: Invalid[] }> {
  checkBulkSize(list.length);
  const invalid = duplicateKeys(keys);
  const refused = new Set(invalid.map((i) => i.index));
  const checked: { item: BulkItem; refs?: Refs }[] = [];
  await Promise.all(
    list.map(async (value, index) => {
      if (refused.has(index)) return;
      try {
        const result = await check(value, index);
        if ('error' in result) invalid.push(result);
        else checked.push(result);
      } catch (error) {
        const typed = typedError(error, ctx.portal.secrets(), entity);
        // The item's own fault; anything else (the portal failing, the deadline) fails the call.
        if (!(typed instanceof ValidationError || typed instanceof NotFoundError)) throw error;
        invalid.push({ index, error: typed });
      }
    }),
  );
  invalid.push(...(await missingReferences(ctx, checked)));
  checked.sort((a, b) => a.item.index - b.item.index);
  return { items: checked.map((c) => c.item), invalid };
}

/** Linked contacts, companies and employees that do not exist: one by-ids read per kind for the
 * whole list (50 ids per command). */
async function missingReferences(
  ctx: Context,
  checked: readonly { item: BulkItem; refs?: Refs }[],
): Promise<Invalid[]> {
  const contactIds = new Set(checked.flatMap((c) => c.refs?.contactIds ?? []));
  const companyIds = new Set(checked.flatMap((c) => (c.refs?.companyId ? [c.refs.companyId] : [])));
  const userIds = new Set(checked.flatMap((c) => (c.refs?.employees ?? []).flatMap(([, id]) => (id ? [id] : []))));
  const [contacts, companies, users] = await Promise.all([
    contactIds.size ? recordsByIds(ctx.portal, CONTACT, [...contactIds], upstream(ctx)) : [],
    companyIds.size ? recordsByIds(ctx.portal, COMPANY, [...companyIds], upstream(ctx)) : [],
    userIds.size ? employeesByIds(ctx.portal, [...userIds], upstream(ctx)) : [],
  ]);
  const has = {
    contact: new Set(contacts.map((r) => r.id)),
    company: new Set(companies.map((r) => r.id)),
    user: new Set(users.map((r) => r.id)),
  };
  const out: Invalid[] = [];
  for (const { item, refs } of checked) {
    if (!refs) continue;
    const missingContact = refs.contactIds?.find((id) => !has.contact.has(id));
    const missingUser = (refs.employees ?? []).find(([, id]) => id && !has.user.has(id));
    const error =
      missingContact !== undefined
        ? new ValidationError(`there is no contact with id ${missingContact}`, 'contactIds')
        : refs.companyId && !has.company.has(refs.companyId)
          ? new ValidationError(`there is no company with id ${refs.companyId}`, 'companyId')
          : missingUser
            ? new ValidationError(`there is no user with id ${missingUser[1]}`, missingUser[0])
            : null;
    if (error) out.push({ index: item.index, error });
  }
  return out;
}

/** `{ id, input }` of a bulk update of `type`. */
export function changeInput<T extends object>(
  type: string,
  input: InputObjectRef<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>, T>,
) {
  return builder.inputType(`${type}ChangeInput`, {
    description: `One ${type.toLowerCase()} of a bulk update.`,
    fields: (t) => ({
      id: t.int({ required: true, description: `The ${type.toLowerCase()} id.` }),
      input: t.field({ type: input, required: true, description: 'The changes.' }),
    }),
  });
}

/** The same record twice in one delete would fail the second time: refused up front. */
export function listedTwice(ids: readonly number[], type: string): Invalid[] {
  return duplicateKeys(ids.map(String)).map((d) => ({
    index: d.index,
    error: new ValidationError(`${type} ${ids[d.index]} is listed twice`, 'ids'),
  }));
}

/** An item naming a record that does not exist (`name` as messages spell it, e.g. `SpaCard 128:5`). */
export function missingRecord(type: string, id: number, index: number, name = `${type} ${id}`): Invalid {
  return { index, error: new NotFoundError(`${name} does not exist`, type, id) };
}

/** Runs checked items as a job; answers with the results when it ends within the request. */
export async function runBulkWrite(
  ctx: Context,
  target: BulkJobSpec['target'],
  importKey: string | null | undefined,
  size: number,
  prepare: () => Promise<{ items: BulkItem[]; invalid: Invalid[] }>,
): Promise<BulkPayload> {
  // An import sent again is the job it started: answered at once while it runs or when all of
  // it succeeded; when some items failed, the list is checked again and they run once more.
  const earlier = importKey ? await ctx.bulk.store.get(jobIdOf(importKey, target)) : null;
  if (earlier && size !== earlier.total)
    throw new ValidationError(
      `import key "${importKey}" names an import of ${earlier.total} items; this list has ${size}`,
      'importKey',
    );
  if (earlier && !(earlier.status === 'DONE' && earlier.failed > 0)) return answer(ctx, earlier);
  const { items, invalid } = await prepare();
  if (invalid.length)
    return {
      job: null,
      results: null,
      invalid: invalid
        .sort((a, b) => a.index - b.index)
        .map(({ index, error }) => ({ index, id: null, created: false, error })),
    };
  const started = earlier
    ? await ctx.bulk.retryFailed(earlier, { target, items })
    : await ctx.bulk.start({ target, items }, importKey);
  return answer(ctx, (await ctx.bulk.wait(started.id, ctx.deadline - ANSWER_MARGIN_MS)) ?? started);
}

/** The payload for a job: its results when it is done. */
async function answer(ctx: Context, job: BulkJob): Promise<BulkPayload> {
  const results =
    job.status === 'DONE'
      ? (await ctx.bulk.store.outcomes(job.id, 0, job.total)).map((o, index) =>
          o ? fromStored(o) : { index, id: null, created: false, error: null },
        )
      : null;
  return { job, results, invalid: [] };
}

/** The list a bulk mutation takes: 1 to MAX_BULK_ITEMS items. */
export function checkBulkSize(n: number): void {
  if (n < 1 || n > MAX_BULK_ITEMS)
    throw new ValidationError(`a bulk write takes 1 to ${MAX_BULK_ITEMS} items (got ${n})`, null);
}

/** Two items with one idempotency key would be one record: refused. */
export function duplicateKeys(keys: readonly (string | null | undefined)[]): Invalid[] {
  const seen = new Map<string, number>();
  const out: Invalid[] = [];
  keys.forEach((key, index) => {
    if (!key) return;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else
      out.push({
        index,
        error: new ValidationError(`idempotency key "${key}" is also used by item ${first}`, 'idempotencyKey'),
      });
  });
  return out;
}

builder.queryFields((t) => ({
  bulkJob: t.field({
    type: BulkJobRef,
    nullable: true,
    description: 'A bulk job by id (null when unknown or expired).',
    args: { id: t.arg.id({ required: true, description: 'The job id.' }) },
    resolve: (_root, args, ctx) => ctx.bulk.store.get(String(args.id)),
  }),
}));

/** How often a progress subscription looks at a job that runs on another replica. */
const POLL_MS = 1_000;

builder.subscriptionFields((t) => ({
  bulkJobProgress: t.field({
    type: BulkJobRef,
    nullable: false,
    description:
      "A bulk job's progress: its state now, then as items settle (at most 4 times a second), ending with the finished job.",
    args: { id: t.arg.id({ required: true, description: 'The job id.' }) },
    subscribe: (_root, args, ctx) => progress(ctx, String(args.id)),
    resolve: (job) => job,
  }),
}));

async function* progress(ctx: Context, id: string): AsyncGenerator<BulkJob> {
  let wake: (() => void) | null = null;
  const stop = ctx.bulk.onProgress((job) => {
    if (job.id === id) wake?.();
  });
  try {
    let last = -1;
    for (;;) {
      const job = await ctx.bulk.store.get(id);
      if (!job) return;
      if (job.done !== last || job.status !== 'RUNNING') {
        last = job.done;
        yield job;
      }
      if (job.status !== 'RUNNING') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          setTimeout(resolve, 250); // at most 4 updates a second
        };
      });
      wake = null;
    }
  } finally {
    stop();
  }
}
