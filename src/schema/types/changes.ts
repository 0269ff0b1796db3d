// `changes`: the sync cursor for backends that mirror the CRM (src/crm/sync.ts). The guarantees
// are the field's description, word for word what README's "Change feed" section says.
import { CompanyRecord } from '../../crm/companies.js';
import { ContactRecord } from '../../crm/contacts.js';
import { DealRecord } from '../../crm/deals.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import { LeadRecord } from '../../crm/leads.js';
import { spaTypes } from '../../crm/metadata.js';
import {
  CursorError,
  decodeCursor,
  firstCursor,
  readChanges,
  syncTypes,
  type SyncCursor,
  type SyncEntry,
  type SyncPage,
} from '../../crm/sync.js';
import { builder } from '../builder.js';
import { upstream } from '../context.js';
import { badInput, ErrorCode, gatewayError } from '../error-codes.js';
import { Company } from './company.js';
import { Contact } from './contact.js';
import { Deal } from './deal.js';
import { Lead } from './lead.js';
import { SpaCard } from './spa-card.js';
import { ChangeAction } from './subscriptions.js';

const ChangeEntity = builder.enumType('ChangeEntity', {
  description: 'A kind of CRM record `changes` follows.',
  values: {
    CONTACT: { value: EntityTypeId.contact },
    COMPANY: { value: EntityTypeId.company },
    DEAL: { value: EntityTypeId.deal },
    LEAD: { value: EntityTypeId.lead },
    SPA_CARD: { value: 0, description: 'Cards of every smart process (or of `smartProcesses`).' },
  } as const,
});

const CrmRecord = builder.unionType('CrmRecord', {
  description: 'A contact, company, deal, lead or smart-process card.',
  types: [Contact, Company, Deal, Lead, SpaCard],
  resolveType: (record) =>
    record instanceof ContactRecord
      ? 'Contact'
      : record instanceof CompanyRecord
        ? 'Company'
        : record instanceof DealRecord
          ? 'Deal'
          : record instanceof LeadRecord
            ? 'Lead'
            : 'SpaCard',
});

const ChangeEntry = builder.objectRef<SyncEntry>('ChangeEntry').implement({
  description: 'A record created, changed or deleted.',
  fields: (t) => ({
    action: t.field({
      type: ChangeAction,
      nullable: false,
      description:
        'ADD: the record is new to this cursor (every record of the first pass; afterwards, created after the previous page). UPDATE: changed. DELETE: deleted.',
      resolve: (e) => e.action,
    }),
    entityTypeId: t.exposeInt('entityTypeId', {
      nullable: false,
      description: 'The record type (3 contact, 4 company, 2 deal, 1 lead, 128+ a smart process).',
    }),
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The record id in Bitrix24.' }),
    at: t.field({
      type: 'DateTime',
      nullable: false,
      description: 'When it was modified (for DELETE: when the gateway learnt of the deletion).',
      resolve: (e) => new Date(e.at),
    }),
    record: t.field({
      type: CrmRecord,
      nullable: true,
      description: 'The record as it is now; null for DELETE.',
      resolve: (e) => e.record as never,
    }),
  }),
});

const ChangesPage = builder.objectRef<SyncPage>('ChangesPage').implement({
  description: 'A page of changes and the cursor after it.',
  fields: (t) => ({
    entries: t.field({
      type: [ChangeEntry],
      nullable: { list: false, items: false },
      description: 'In order: by modification time (a deletion by when it was learnt of), then by id.',
      resolve: (p) => p.entries,
    }),
    cursor: t.exposeString('cursor', {
      nullable: false,
      description: 'Pass it as `since` for what comes next. Keep it with the data you applied.',
    }),
    hasMore: t.exposeBoolean('hasMore', {
      nullable: false,
      description: 'More is ready now: ask again at once. False: up to date; ask again later.',
    }),
  }),
});

builder.queryFields((t) => ({
  changes: t.field({
    type: ChangesPage,
    nullable: true,
    description: [
      'Everything that was created, changed or deleted since `since`: a sync cursor for backends that mirror the CRM.',
      'Without `since`: every record first (action ADD, paged), then every change.',
      'Guarantees within one cursor chain: no change is missed and none is given twice;',
      'entries come in order of modification time, then id; a record changed several times between two calls comes once, as it is now.',
      'Changes appear about 3 seconds after they happen (a second must be over before the cursor passes it).',
      'A deletion comes when the gateway learns of it (an event at once; otherwise the deletion scan, every CHANGE_FEED_DELETION_SCAN_MS) and may name a record you never received: ignore it.',
      'A cursor older than the deletions the gateway keeps fails with CURSOR_EXPIRED: start again without `since`.',
    ].join(' '),
    args: {
      since: t.arg.string({ description: 'The `cursor` of the previous page; none to start from the beginning.' }),
      entities: t.arg({
        type: [ChangeEntity],
        required: false,
        description: 'What to follow (default: all). Only with no `since`: a cursor keeps what it follows.',
      }),
      smartProcesses: t.arg.intList({
        required: false,
        description: 'With SPA_CARD: only these smart processes (default: every one).',
      }),
      first: t.arg.int({ description: 'At most this many entries (default 500, at most 2,500).' }),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.min(args.first ?? 500, 2_500) }),
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? 500;
      if (!Number.isInteger(first) || first < 1 || first > 2_500)
        throw badInput('`first` must be between 1 and 2500', 'first');
      try {
        let cursor: SyncCursor;
        if (args.since) {
          if (args.entities || args.smartProcesses)
            throw badInput(
              '`entities` and `smartProcesses` go with the first call only: the cursor keeps them',
              'entities',
            );
          cursor = decodeCursor(args.since);
        } else {
          const entities = args.entities ?? [
            EntityTypeId.contact,
            EntityTypeId.company,
            EntityTypeId.deal,
            EntityTypeId.lead,
            0,
          ];
          const smart = entities.includes(0)
            ? (args.smartProcesses ?? (await spaTypes(ctx.portal, upstream(ctx))).map((s) => s.entityTypeId))
            : [];
          cursor = await firstCursor(
            ctx.portal,
            ctx.feed,
            syncTypes(
              entities.filter((e) => e !== 0),
              smart,
            ),
          );
        }
        return await readChanges(ctx.portal, ctx.feed, cursor, first, upstream(ctx));
      } catch (error) {
        if (error instanceof CursorError)
          throw error.expired
            ? gatewayError(ErrorCode.CURSOR_EXPIRED, error.message)
            : badInput(error.message, 'since');
        throw error;
      }
    },
  }),
}));
