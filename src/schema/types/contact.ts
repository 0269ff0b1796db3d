// Contacts (old-style crm.contact.*): the type with every field (its companies, deals and cards
// too), its root queries and its filter. Mutations live in contact-mutations.ts.
import { EntityTypeId } from '../../crm/entity-types.js';
import type { CompanyRecord } from '../../crm/companies.js';
import {
  companyContactIds,
  companyIdsOfContacts,
  CONTACT,
  contactAddresses,
  contactFilters,
  findContactIds,
  readField,
  type AddressRecord,
  type ContactRecord,
} from '../../crm/contacts.js';
import type { Communication, RecordFilter } from '../../crm/records.js';
import { oldConnection } from './crm-lists.js';
import { checkValue } from '../../crm/communications.js';
import { dictionary } from '../../crm/metadata.js';
import { resolveField, type FieldDefinition } from '../../crm/fields.js';
import { fullName } from '../../crm/users.js';
import { toInt, toText } from '../../crm/values.js';
import { upstream, type Context } from '../context.js';
import { badInput } from '../error-codes.js';
import { contactLoader } from '../loaders.js';
import { contactSelect } from '../selects.js';
import { builder } from '../builder.js';
import { addRecordFields } from './record-fields.js';
import { connectionArgs, pageComplexity } from '../connection.js';
import { Company } from './company.js';
import { DealConnection, dealConnection } from './deal.js';
import { Employee } from './employee.js';
import { SpaCardConnection, SpaCardOrder, cardConnection } from './spa-card.js';
import { FieldDefinitionRef, FieldFilter, fieldError, fieldFilterValue, fields } from './field.js';

export interface ContactTypeRecord {
  id: string;
  name: string;
  sort: number;
}

export const Contact = builder.loadableNodeRef('Contact', {
  id: { resolve: (c: ContactRecord) => c.id, parse: (id) => Number(id) },
  ...contactLoader,
});

export const ContactType = builder.objectRef<ContactTypeRecord>('ContactType').implement({
  description: 'A contact type (the CONTACT_TYPE dictionary, crm.status.list), e.g. CLIENT or SUPPLIER.',
  fields: (t) => ({
    code: t.exposeString('id', {
      nullable: false,
      description:
        'The status id stored in the contact, e.g. `CLIENT`. Use it in `ContactFilter.typeId` and `typeId` inputs. (Not `id`: only Node types have one, the global id.)',
    }),
    name: t.exposeString('name', { nullable: false, description: 'The label shown in Bitrix24.' }),
    sort: t.exposeInt('sort', { nullable: false, description: 'Display order (ascending).' }),
  }),
});

export const CommunicationRef = builder.objectRef<Communication>('Communication').implement({
  description: 'One phone number or e-mail address of a contact (a Bitrix24 multi-field entry).',
  fields: (t) => ({
    bitrixId: t.exposeInt('id', {
      nullable: false,
      description: 'The entry id in Bitrix24; use it to change or remove this one value.',
    }),
    value: t.exposeString('value', { nullable: false, description: 'The phone number or e-mail address.' }),
    valueType: t.exposeString('valueType', {
      nullable: false,
      description: 'WORK, MOBILE, HOME, FAX, PAGER, MAILING or OTHER.',
    }),
  }),
});

export const Address = builder.objectRef<AddressRecord>('Address').implement({
  description: 'A postal address of a CRM record (crm.address). A record has at most one address per type.',
  fields: (t) => ({
    typeId: t.exposeInt('typeId', {
      nullable: false,
      description:
        'Address type (crm.enum.addresstype): 1 actual, 4 registered, 6 legal, 8 mailing, 9 beneficiary, 11 delivery.',
    }),
    address1: t.exposeString('address1', { description: 'Street, house.' }),
    address2: t.exposeString('address2', { description: 'Apartment, office, district.' }),
    city: t.exposeString('city', { description: 'City.' }),
    postalCode: t.exposeString('postalCode', { description: 'Postal code.' }),
    region: t.exposeString('region', { description: 'Region (district).' }),
    province: t.exposeString('province', { description: 'State or province.' }),
    country: t.exposeString('country', { description: 'Country.' }),
    countryCode: t.exposeString('countryCode', { description: 'Country code.' }),
  }),
});

/** The CONTACT_TYPE dictionary (cached metadata). */
export async function contactTypes(ctx: Context): Promise<ContactTypeRecord[]> {
  const rows = await dictionary(ctx.portal, 'CONTACT_TYPE', upstream(ctx));
  return rows.map((row) => ({
    id: toText(row.STATUS_ID) ?? '',
    name: toText(row.NAME) ?? '',
    sort: toInt(row.SORT) ?? 0,
  }));
}

/** Companies of contacts, primary first: their ids in one batch, then the companies in the next. */
async function companiesOfContacts(ctx: Context, contactIds: readonly number[]): Promise<CompanyRecord[][]> {
  const idsOf = await companyIdsOfContacts(ctx.portal, contactIds, upstream(ctx));
  const all = [...new Set([...idsOf.values()].flat())];
  const loaded = await Company.getDataloader(ctx).loadMany(all);
  const byId = new Map<number, CompanyRecord>();
  for (const c of loaded) {
    if (c instanceof Error) throw c;
    if (c) byId.set(c.id, c);
  }
  return contactIds.map((id) =>
    (idsOf.get(id) ?? []).map((cid) => byId.get(cid)).filter((c): c is CompanyRecord => c !== undefined),
  );
}

Contact.implement({
  description:
    'A CRM contact (a person). Phones and e-mails are lists; custom fields (such as a CPF) are read through `customFields` and `field`.',
  fields: (t) => ({
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The contact id in Bitrix24.' }),
    name: t.exposeString('name', { description: 'First name.' }),
    secondName: t.exposeString('secondName', { description: 'Second (middle) name.' }),
    lastName: t.exposeString('lastName', { description: 'Last name.' }),
    fullName: t.string({
      nullable: false,
      description: 'First, second and last name joined with spaces.',
      resolve: (c) => fullName(c),
    }),
    phones: t.field({
      type: [CommunicationRef],
      nullable: { list: false, items: false },
      description: 'Phone numbers (empty when none).',
      resolve: (c) => c.phones,
    }),
    emails: t.field({
      type: [CommunicationRef],
      nullable: { list: false, items: false },
      description: 'E-mail addresses (empty when none).',
      resolve: (c) => c.emails,
    }),
    type: t.field({
      type: ContactType,
      nullable: true,
      description: 'The contact type (CONTACT_TYPE dictionary); null when unset.',
      resolve: async (c, _args, ctx) => {
        if (!c.typeId) return null;
        return (
          (await contactTypes(ctx)).find((type) => type.id === c.typeId) ?? { id: c.typeId, name: c.typeId, sort: 0 }
        );
      },
    }),
    assignedBy: t.field({
      type: Employee,
      nullable: true,
      description: 'The responsible employee; null when unset.',
      resolve: (c) => c.assignedById,
    }),
    addresses: t.field({
      type: [Address],
      nullable: { list: false, items: false },
      description: 'The addresses of this contact (crm.address with ENTITY_TYPE_ID 3), by type.',
      resolve: (c, _args, ctx) => contactAddresses(ctx.portal, c.id, upstream(ctx)),
    }),
    company: t.field({
      type: Company,
      nullable: true,
      description: 'The primary company of the contact (COMPANY_ID).',
      resolve: (c: ContactRecord) => c.companyId,
    }),
    companies: t.loadableList({
      type: Company,
      nullable: false,
      description: 'Every company linked to the contact (crm.item `companyIds`), the primary one first.',
      load: (contactIds: number[], ctx: Context) => companiesOfContacts(ctx, contactIds),
      resolve: (c: ContactRecord) => c.id,
    }),
    deals: t.field({
      type: DealConnection,
      complexity: pageComplexity,
      nullable: false,
      description: 'The deals whose primary contact is this contact (CONTACT_ID), in id order.',
      args: { first: t.arg.int(connectionArgs.first), after: t.arg.string(connectionArgs.after) },
      resolve: (c: ContactRecord, args, ctx, info) => dealConnection(ctx, info, args, { contactId: c.id }),
    }),
    spaCards: t.field({
      type: SpaCardConnection,
      complexity: pageComplexity,
      nullable: false,
      description:
        "Cards of one smart-process type linked to this contact (the seed's getSpaCardByContactId returned only the first, in no order).",
      args: {
        entityTypeId: t.arg.int({ required: true, description: 'The smart-process type, e.g. 128.' }),
        orderBy: t.arg({
          type: [SpaCardOrder],
          description: 'Sort keys, first to last; ties are broken by id ascending (keyset-paged in any order).',
        }),
        first: t.arg.int(connectionArgs.first),
        after: t.arg.string(connectionArgs.after),
      },
      resolve: (contact, args, ctx, info) =>
        cardConnection(
          ctx,
          {
            entityTypeId: args.entityTypeId,
            first: args.first,
            after: args.after,
            orderBy: args.orderBy,
            filter: { contactId: contact.id },
          },
          info,
        ),
    }),
  }),
});

addRecordFields(Contact, {
  noun: 'contact',
  examples: '`ufCrmCpf` or `UF_CRM_CPF`',
  entityTypeId: () => EntityTypeId.contact,
  read: readField,
  createdAt: (c) => c.createdAt,
  updatedAt: (c) => c.updatedAt,
});

export const ContactFilter = builder.inputType('ContactFilter', {
  description: 'Which contacts to list. All conditions must hold.',
  fields: (t) => ({
    search: t.string({
      description: 'Text contained in the first name or the last name. Taken literally (no operators).',
    }),
    phone: t.string({ description: 'A phone number the contact has (exact match, as Bitrix24 filters phones).' }),
    email: t.string({ description: 'An e-mail address the contact has (exact match).' }),
    typeId: t.string({ description: 'The contact type id, e.g. `CLIENT` (see `contactTypes`).' }),
    assignedById: t.int({ description: "The responsible employee's user id." }),
    companyId: t.int({ description: 'Contacts bound to this company, as their primary company or as one of several.' }),
    field: t.field({
      type: FieldFilter,
      description: 'Equality on one field, typically a custom one such as the CPF.',
    }),
  }),
});

export const ContactConnection = builder.connectionObject({
  type: Contact,
  name: 'ContactConnection',
  description: 'A page of contacts in id order.',
  edgesField: { description: 'The contacts of this page with their cursors.' },
});

export type ContactFilterArg = typeof ContactFilter.$inferInput;

/** Bitrix list filters for a ContactFilter (custom field names are checked on the portal). */
export async function buildContactFilters(
  ctx: Context,
  filter: ContactFilterArg | null | undefined,
): Promise<RecordFilter> {
  let field: { def: FieldDefinition; value: string } | null = null;
  if (filter?.field) {
    const set = await fields(ctx, EntityTypeId.contact);
    // Checks the name (BAD_USER_INPUT naming it) and converts list labels to ids.
    const [[upper, value]] = Object.entries(fieldFilterValue(set, filter.field, 'upperName'));
    field = { def: set.byName.get(upper.toLowerCase())!, value: String(value) };
  }
  return contactFilters({
    search: filter?.search,
    phone: filter?.phone,
    email: filter?.email,
    typeId: filter?.typeId,
    assignedById: filter?.assignedById,
    ids: filter?.companyId != null ? await companyContactIds(ctx.portal, filter.companyId, upstream(ctx)) : null,
    field,
  });
}

builder.queryFields((t) => ({
  contact: t.field({
    type: Contact,
    nullable: true,
    description: 'One contact by Bitrix id; null when there is no such contact.',
    args: { id: t.arg.int({ required: true, description: 'The contact id in Bitrix24.' }) },
    resolve: (_root, args) => args.id,
  }),
  contacts: t.field({
    type: ContactConnection,
    complexity: pageComplexity,
    nullable: true,
    description:
      'Contacts in id order, with keyset paging (up to 2,500 per page in one upstream request; no 50-row limit).',
    args: {
      first: t.arg.int(connectionArgs.first),
      after: t.arg.string(connectionArgs.after),
      filter: t.arg({ type: ContactFilter, description: 'Conditions on the contacts; all contacts when omitted.' }),
    },
    resolve: async (_root, args, ctx, info) =>
      // The cursor is bound to what the client asked, not to the bindings a companyId resolves to.
      oldConnection(
        ctx,
        info,
        args,
        CONTACT,
        await buildContactFilters(ctx, args.filter),
        Contact,
        { contacts: args.filter ?? null },
        contactSelect,
      ),
  }),
  findContacts: t.field({
    type: [Contact],
    nullable: { list: true, items: false },
    description:
      'Contacts having this phone number or e-mail address (crm.duplicate.findbycomm); with both, contacts having either. In id order.',
    args: {
      phone: t.arg.string({ description: 'A phone number; formatting and extensions are ignored in matching.' }),
      email: t.arg.string({ description: 'An e-mail address.' }),
    },
    resolve: async (_root, args, ctx) => {
      const phone = args.phone?.trim();
      const email = args.email?.trim();
      if (!phone && !email) throw badInput('give `phone` or `email`', 'phone');
      try {
        if (phone) checkValue('PHONE', phone, 'phone');
        if (email) checkValue('EMAIL', email, 'email');
      } catch (error) {
        throw fieldError(error);
      }
      const lists = await Promise.all([
        phone ? findContactIds(ctx.portal, 'PHONE', phone, upstream(ctx)) : [],
        email ? findContactIds(ctx.portal, 'EMAIL', email, upstream(ctx)) : [],
      ]);
      const ids = [...new Set(lists.flat())].sort((a, b) => a - b);
      const loaded = await Contact.getDataloader(ctx).loadMany(ids);
      // A contact deleted between the two calls is simply not returned.
      return loaded.filter((c): c is ContactRecord => c !== null && !(c instanceof Error));
    },
  }),
  contactTypes: t.field({
    type: [ContactType],
    nullable: { list: true, items: false },
    description: "The contact types of the portal (the seed's getTypeId), in display order.",
    resolve: (_root, _args, ctx) => contactTypes(ctx),
  }),
  contactFields: t.field({
    type: [FieldDefinitionRef],
    nullable: { list: true, items: false },
    description:
      "Every field of contacts, system and custom, with list values (the seed's getSpecificContactField, for all fields).",
    resolve: async (_root, _args, ctx) => (await fields(ctx, EntityTypeId.contact)).all,
  }),
  contactField: t.field({
    type: FieldDefinitionRef,
    nullable: true,
    description: 'One field of contacts by name (`ufCrmCpf` or `UF_CRM_CPF`); an unknown name is an error naming it.',
    args: { name: t.arg.string({ required: true, description: 'The field name, camelCase or UPPER_CASE.' }) },
    resolve: async (_root, args, ctx) => {
      try {
        return resolveField(await fields(ctx, EntityTypeId.contact), args.name);
      } catch (error) {
        throw fieldError(error);
      }
    },
  }),
}));
