// Links between cards and the clients they belong to: card → contacts/company, and
// contact → cards. Loaded by id through the per-request loaders, so a page of cards costs one
// more batch for all its contacts and companies together.
import type { ContactRecord } from '../../crm/contacts.js';
import { builder } from '../builder.js';
import { connectionArgs } from '../connection.js';
import { Company } from './company.js';
import { Contact } from './contact.js';
import { SpaCard, SpaCardConnection, cardConnection } from './spa-card.js';

builder.objectFields(SpaCard, (t) => ({
  contact: t.field({
    type: Contact,
    nullable: true,
    description: 'The primary contact (the first of `contacts`).',
    resolve: (card) => card.contactIds[0] ?? null,
  }),
  contacts: t.field({
    type: [Contact],
    nullable: { list: false, items: false },
    description: 'Every linked contact, primary first. Contacts deleted meanwhile are left out.',
    resolve: async (card, _args, ctx) => {
      const loaded = await Contact.getDataloader(ctx).loadMany(card.contactIds);
      return loaded.filter((c): c is ContactRecord => c !== null && !(c instanceof Error));
    },
  }),
  company: t.field({
    type: Company,
    nullable: true,
    description: 'The linked company.',
    resolve: (card) => card.companyId,
  }),
}));

builder.objectFields(Contact, (t) => ({
  spaCards: t.field({
    type: SpaCardConnection,
    complexity: (args, ctx) => ({ field: 1, multiplier: Math.min(args.first ?? ctx.limits.defaultPageSize, ctx.limits.maxPageSize) }),
    nullable: false,
    description: 'Cards of one smart-process type linked to this contact (the seed\'s getSpaCardByContactId returned only the first, in no order).',
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type, e.g. 128.' }),
      first: t.arg.int(connectionArgs.first),
      after: t.arg.string(connectionArgs.after),
    },
    resolve: (contact, args, ctx, info) =>
      cardConnection(ctx, { entityTypeId: args.entityTypeId, first: args.first, after: args.after, filter: { contactId: contact.id } }, info),
  }),
}));
