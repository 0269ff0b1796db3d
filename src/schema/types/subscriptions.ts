// Live updates over SSE: a contact changed, a card changed, a card moved. Each event carries the
// fresh record, fetched once by the receiver whatever the number of subscribers.
import type { CrmChange } from '../../crm/changes.js';
import { builder } from '../builder.js';
import { Contact } from './contact.js';
import { SpaCard } from './spa-card.js';
import { smartProcessQueryArg } from './spa-type.js';

export const ChangeAction = builder.enumType('ChangeAction', {
  description: 'What happened to a record.',
  values: {
    ADD: { value: 'add', description: 'Created.' },
    UPDATE: { value: 'update', description: 'Changed.' },
    DELETE: { value: 'delete', description: 'Deleted.' },
  } as const,
});

type ContactChangeRecord = Extract<CrmChange, { kind: 'contact' }>;
type CardChangeRecord = Extract<CrmChange, { kind: 'card' }>;

/** What every change event says: what happened, and when. */
const CrmChangeEvent = builder.interfaceRef<CrmChange>('CrmChangeEvent').implement({
  description: 'A change of a CRM record, as an event told it.',
  resolveType: (c) => (c.kind === 'contact' ? 'ContactChange' : 'SpaCardChange'),
  fields: (t) => ({
    action: t.field({ type: ChangeAction, nullable: false, description: 'What happened.', resolve: (c) => c.action }),
    at: t.field({
      type: 'DateTime',
      nullable: false,
      description: 'When the gateway received the event.',
      resolve: (c) => new Date(c.at),
    }),
  }),
});

const ContactChange = builder.objectRef<ContactChangeRecord>('ContactChange').implement({
  description: 'A contact was created, changed or deleted in the portal.',
  interfaces: [CrmChangeEvent],
  fields: (t) => ({
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The contact id.' }),
    contact: t.field({
      type: Contact,
      nullable: true,
      description: 'The contact as it is now; null when deleted.',
      resolve: (c) => c.record,
    }),
  }),
});

const SpaCardChange = builder.objectRef<CardChangeRecord>('SpaCardChange').implement({
  description: 'A smart-process card was created, changed, moved or deleted in the portal.',
  interfaces: [CrmChangeEvent],
  fields: (t) => ({
    entityTypeId: t.exposeInt('entityTypeId', { nullable: false, description: 'The smart-process type.' }),
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The card id.' }),
    moved: t.exposeBoolean('moved', {
      nullable: false,
      description: 'True when this update moved the card to another stage.',
    }),
    card: t.field({
      type: SpaCard,
      nullable: true,
      description: 'The card as it is now (with its new stage); null when deleted.',
      resolve: (c) => c.record,
    }),
  }),
});

builder.subscriptionType({ description: 'Live CRM changes (Server-Sent Events: send `Accept: text/event-stream`).' });

builder.subscriptionFields((t) => ({
  contactChanged: t.field({
    type: ContactChange,
    nullable: false,
    description: 'Contacts created, changed or deleted; one contact when `id` is given.',
    args: { id: t.arg.int({ description: 'Only this contact.' }) },
    subscribe: (_root, args, ctx) =>
      ctx.events.subscribe(
        (c): c is ContactChangeRecord => c.kind === 'contact' && (args.id == null || c.id === args.id),
      ),
    resolve: (change) => change,
  }),
  spaCardChanged: t.field({
    type: SpaCardChange,
    nullable: false,
    description:
      "Cards of a type created, changed, moved or deleted; narrowed to a funnel or a stage (by the card's state after the change; deletions reach only unnarrowed subscriptions).",
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      categoryId: t.arg.int({ description: 'Only cards in this funnel.' }),
      stageId: t.arg.string({ description: 'Only cards now in this stage.' }),
    },
    subscribe: (_root, args, ctx) => {
      const entityTypeId = smartProcessQueryArg(args.entityTypeId);
      return ctx.events.subscribe((c): c is CardChangeRecord => {
        if (c.kind !== 'card' || c.entityTypeId !== entityTypeId) return false;
        if (args.categoryId != null && c.record?.categoryId !== args.categoryId) return false;
        if (args.stageId != null && c.record?.stageId !== args.stageId) return false;
        return true;
      });
    },
    resolve: (change) => change,
  }),
  spaCardMoved: t.field({
    type: SpaCardChange,
    nullable: false,
    description: 'Cards of a type moved to another stage (live boards); narrowed to a funnel.',
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      categoryId: t.arg.int({ description: 'Only cards in this funnel.' }),
    },
    subscribe: (_root, args, ctx) => {
      const entityTypeId = smartProcessQueryArg(args.entityTypeId);
      return ctx.events.subscribe(
        (c): c is CardChangeRecord =>
          c.kind === 'card' &&
          c.entityTypeId === entityTypeId &&
          c.moved &&
          (args.categoryId == null || c.record?.categoryId === args.categoryId),
      );
    },
    resolve: (change) => change,
  }),
}));
