// Writes on contacts: create (idempotent), upsert (match + create/update as one safe step),
// update (explicit phone/e-mail operations), clear fields, delete, add an address.
import {
  checkUpdate,
  multiFieldEntries,
  newEntries,
  normalise,
  type CommKind,
  type CommUpdate,
} from '../../crm/communications.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import {
  CONTACT,
  addAddress,
  addAddressRequisite,
  contactAddressBook,
  contactAddresses,
  personPreset,
  reload,
  oldName,
  type AddressRecord,
  type ContactRecord,
} from '../../crm/contacts.js';
import { convertInput, type FieldSet } from '../../crm/fields.js';
import { createRecordOnce } from '../../crm/idempotency.js';
import { deleteRecord, updateRecord } from '../../crm/records.js';
import { upstream, type Context } from '../context.js';
import { builder } from '../builder.js';
import { checkEmployee, checkLinked, deletedRecordType, exclusiveRecord, existing } from './crm-writes.js';
import { COMPANY } from '../../crm/companies.js';
import { asMutation, MUTATION_ERRORS, ValidationError } from './errors.js';
import { fields } from './field.js';
import {
  AddressInput,
  ContactMatch,
  CreateContactInput,
  UpdateContactInput,
  findMatches,
  matchOf,
  matchTarget,
  type Match,
  type CreateInput,
  type UpdateInput,
} from './contact-inputs.js';
import { Address, Contact, contactTypes } from './contact.js';

const keyOf = (def: { name: string; upperName: string }) => oldName(def as never);

/** `fields` JSON → old-style keys, checked against the portal's metadata. */
function customFields(set: FieldSet, input: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!input) return {};
  const converted = convertInput(set, input, 'upperName');
  const out: Record<string, unknown> = {};
  for (const [upper, value] of Object.entries(converted)) {
    const def = set.byName.get(upper.toLowerCase())!;
    if (def.type === 'crm_multifield' || /^(PHONE|EMAIL|FM)$/i.test(upper)) {
      throw new ValidationError(`use \`phones\`/\`emails\` for ${upper}`, upper);
    }
    if (/^ORIGIN(ATOR)?_ID$|^ORIGIN_VERSION$/.test(upper))
      throw new ValidationError(`${upper} is managed by idempotencyKey`, upper);
    out[keyOf(def)] = value;
  }
  return out;
}

/** Typed input fields → old-style fields (phones/emails excluded). References are checked: a
 * contact type, employee or company that does not exist is a ValidationError naming it. */
async function scalarFields(
  ctx: Context,
  input: UpdateInput | CreateInput,
  creating: boolean,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  if (input.name != null) out.NAME = input.name;
  if (input.secondName != null) out.SECOND_NAME = input.secondName;
  if (input.lastName != null) out.LAST_NAME = input.lastName;
  const checks: Promise<void>[] = [];
  if (input.typeId != null) {
    out.TYPE_ID = input.typeId;
    checks.push(
      contactTypes(ctx).then((types) => {
        if (!types.some((t) => t.id === input.typeId)) {
          throw new ValidationError(
            `contact type "${input.typeId}" does not exist (${types.map((t) => t.id).join(', ')})`,
            'typeId',
          );
        }
      }),
    );
  }
  if (input.assignedById != null) {
    out.ASSIGNED_BY_ID = input.assignedById;
    checks.push(checkEmployee(ctx, input.assignedById, 'assignedById').then(() => undefined));
  }
  if (input.companyId != null) {
    out.COMPANY_ID = input.companyId;
    if (creating) out.COMPANY_IDS = [input.companyId];
    checks.push(checkLinked(ctx, COMPANY, input.companyId, 'companyId', 'company').then(() => undefined));
  }
  await Promise.all(checks);
  return out;
}

function primed(ctx: Context, contact: ContactRecord): ContactRecord {
  const loader = Contact.getDataloader(ctx);
  loader.clear(contact.id).prime(contact.id, contact);
  return contact;
}

/** A new contact as the portal takes it (custom fields, scalars, phones and e-mails), every
 * reference checked. */
export async function newContactFields(
  ctx: Context,
  set: FieldSet,
  input: CreateInput,
): Promise<Record<string, unknown>> {
  const phones = newEntries('PHONE', input.phones ?? [], 'phones');
  const emails = newEntries('EMAIL', input.emails ?? [], 'emails');
  const out = { ...customFields(set, input.fields), ...(await scalarFields(ctx, input, true)) };
  if (phones.length) out.PHONE = phones;
  if (emails.length) out.EMAIL = emails;
  return out;
}

/** Creates a contact; with a key, returns the contact an earlier call with the same key created. */
async function create(
  ctx: Context,
  input: CreateInput,
  key: string | null,
): Promise<{ contact: ContactRecord; created: boolean }> {
  const out = await newContactFields(ctx, await fields(ctx, EntityTypeId.contact), input);
  const { id, created } = await createRecordOnce(ctx.portal, CONTACT, key, input, out, true, upstream(ctx));
  return { contact: primed(ctx, await reload(ctx.portal, id, upstream(ctx))), created };
}

/** What an update of `current` sends: custom fields, scalars, and its phones and e-mails merged
 * with the ones it has. */
export async function changedContactFields(
  ctx: Context,
  set: FieldSet,
  current: ContactRecord,
  input: UpdateInput,
): Promise<Record<string, unknown>> {
  if (input.phones) checkUpdate('PHONE', input.phones, 'phones');
  if (input.emails) checkUpdate('EMAIL', input.emails, 'emails');
  const out = { ...customFields(set, input.fields), ...(await scalarFields(ctx, input, false)) };
  const multi: [CommKind, CommUpdate | null | undefined, 'phones' | 'emails'][] = [
    ['PHONE', input.phones, 'phones'],
    ['EMAIL', input.emails, 'emails'],
  ];
  for (const [kind, change, name] of multi) {
    if (!change) continue;
    const entries = multiFieldEntries(kind, kind === 'PHONE' ? current.phones : current.emails, change, name);
    if (entries.length) out[kind] = entries;
  }
  return out;
}

/** Applies an update to an existing contact and returns it re-read. */
async function update(ctx: Context, id: number, input: UpdateInput): Promise<ContactRecord> {
  const [set, current] = await Promise.all([fields(ctx, EntityTypeId.contact), existing(ctx, CONTACT, id, 'Contact')]);
  const out = await changedContactFields(ctx, set, current, input);
  if (Object.keys(out).length === 0) return primed(ctx, current);
  await updateRecord(ctx.portal, CONTACT, id, out, upstream(ctx));
  return primed(ctx, await reload(ctx.portal, id, upstream(ctx)));
}

interface UpsertResult {
  contact: ContactRecord;
  created: boolean;
}

const UpsertContactPayload = builder.objectRef<UpsertResult>('UpsertContactPayload').implement({
  description: 'What upsertContact did.',
  fields: (t) => ({
    contact: t.field({
      type: Contact,
      nullable: false,
      description: 'The created or updated contact.',
      resolve: (r) => r.contact,
    }),
    created: t.exposeBoolean('created', {
      nullable: false,
      description: 'True when no contact matched and one was created; false when the match was updated.',
    }),
  }),
});

const DeletedContact = deletedRecordType('DeletedContact', 'contact');

/** Makes sure a created contact carries the value it was matched on, so a retried upsert finds it. */
function withMatch(input: CreateInput, match: Match): CreateInput {
  if (match.kind === 'field') {
    const given = Object.keys(input.fields ?? {}).some(
      (k) => k.toLowerCase() === match.name.toLowerCase() || k.toLowerCase() === match.upper.toLowerCase(),
    );
    return given ? input : { ...input, fields: { ...(input.fields ?? {}), [match.name]: match.value } };
  }
  const list = match.kind === 'PHONE' ? input.phones : input.emails;
  if ((list ?? []).some((e) => normalise(match.kind, e.value) === match.key)) return input;
  const entry = { value: match.value, valueType: 'WORK' as const };
  return match.kind === 'PHONE'
    ? { ...input, phones: [...(input.phones ?? []), entry] }
    : { ...input, emails: [...(input.emails ?? []), entry] };
}

builder.mutationFields((t) => ({
  createContact: t.field({
    type: Contact,
    description:
      "Creates a contact (the seed's createContact and createContact_new). Phones and e-mails are validated and custom fields checked before anything is sent. Safe to retry with an idempotency key.",
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: CreateContactInput, required: true, description: 'The new contact.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Contact', null, async () => {
        const { idempotencyKey, ...input } = args.input;
        return (await create(ctx, input, idempotencyKey ?? ctx.idempotencyKey ?? null)).contact;
      }),
  }),
  upsertContact: t.field({
    type: UpsertContactPayload,
    description:
      "Finds the contact matching `matchBy` and updates it, or creates one when none matches (the seed's checkContactExists + createContact as one safe step). Several matches are a ValidationError: nothing is changed. Phones and e-mails of the input are added to a matched contact (never duplicated, never removed).",
    errors: { types: MUTATION_ERRORS },
    args: {
      input: t.arg({ type: CreateContactInput, required: true, description: "The contact's data." }),
      matchBy: t.arg({
        type: ContactMatch,
        required: true,
        description: 'How to find the existing contact: exactly one of field, phone, email.',
      }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Contact', null, async () => {
        const { idempotencyKey, ...input } = args.input;
        const set = await fields(ctx, EntityTypeId.contact);
        const match = matchOf(set, args.matchBy);
        return await ctx.portal.serialize(`upsert:${matchTarget(match)}`, async () => {
          const ids = await findMatches(ctx, match);
          if (ids.length > 1)
            throw new ValidationError(
              `${ids.length} contacts match (${ids.join(', ')}); nothing was changed`,
              'matchBy',
            );
          if (ids.length === 0)
            return create(ctx, withMatch(input, match), idempotencyKey ?? ctx.idempotencyKey ?? null);
          const add = (list: typeof input.phones) => (list?.length ? { add: list } : null);
          const contact = await update(ctx, ids[0], { ...input, phones: add(input.phones), emails: add(input.emails) });
          return { contact, created: false };
        });
      }),
  }),
  updateContact: t.field({
    type: Contact,
    description:
      "Changes a contact (the seed's updateContactFields). Omitted fields stay as they are; phones and e-mails are replaced, added, changed or removed explicitly (the seed appended when it meant to replace).",
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The contact id.' }),
      input: t.arg({ type: UpdateContactInput, required: true, description: 'What to change.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Contact', args.id, async () => {
        return await exclusiveRecord(ctx, 'crm.contact', args.id, () => update(ctx, args.id, args.input));
      }),
  }),
  clearContactFields: t.field({
    type: Contact,
    description:
      'Empties the named fields of a contact (either spelling; `phones`/`emails` remove every phone / e-mail). Unknown or read-only names are a ValidationError; nothing is sent then.',
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The contact id.' }),
      fields: t.arg.stringList({
        required: true,
        description: 'Field names, e.g. ["ufCrmCpf", "SECOND_NAME", "phones"].',
      }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Contact', args.id, async () => {
        if (args.fields.length === 0) throw new ValidationError('name at least one field to clear', 'fields');
        const multi = new Map<string, CommKind>([
          ['phones', 'PHONE'],
          ['phone', 'PHONE'],
          ['emails', 'EMAIL'],
          ['email', 'EMAIL'],
        ]);
        const plain = args.fields.filter((name) => !multi.has(name.toLowerCase()));
        const set = await fields(ctx, EntityTypeId.contact);
        const out = customFields(set, Object.fromEntries(plain.map((name) => [name, null])));
        return await exclusiveRecord(ctx, 'crm.contact', args.id, async () => {
          const current = await existing(ctx, CONTACT, args.id, 'Contact');
          for (const name of args.fields) {
            const kind = multi.get(name.toLowerCase());
            if (!kind) continue;
            const list = kind === 'PHONE' ? current.phones : current.emails;
            if (list.length) out[kind] = list.map((c) => ({ ID: c.id, DELETE: 'Y' }));
          }
          if (Object.keys(out).length === 0) return primed(ctx, current);
          await updateRecord(ctx.portal, CONTACT, args.id, out, upstream(ctx));
          return primed(ctx, await reload(ctx.portal, args.id, upstream(ctx)));
        });
      }),
  }),
  deleteContact: t.field({
    type: DeletedContact,
    description: 'Deletes a contact. A missing contact is a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.int({ required: true, description: 'The contact id.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Contact', args.id, async () => {
        await deleteRecord(ctx.portal, CONTACT, args.id, upstream(ctx));
        Contact.getDataloader(ctx).clear(args.id);
        return { bitrixId: args.id };
      }),
  }),
  addContactAddress: t.field({
    type: Address,
    description:
      "Adds an address to a contact (the seed's createContactAddress, without its hard-coded country). One address per type: an existing one of the same type is a ValidationError.",
    errors: { types: MUTATION_ERRORS },
    args: {
      contactId: t.arg.int({ required: true, description: 'The contact id.' }),
      input: t.arg({ type: AddressInput, required: true, description: 'The address.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Contact', args.contactId, async () => {
        const typeId = args.input.typeId ?? 1;
        const filled = Object.entries(args.input).some(
          ([k, v]) => k !== 'typeId' && typeof v === 'string' && v.trim() !== '',
        );
        if (!filled)
          throw new ValidationError(
            'an address needs at least one of address1, city, postalCode, region, province, country',
            'input',
          );
        const options = { ...upstream(ctx), fresh: true };
        // One at a time per contact: two concurrent adds must not both create a requisite.
        return await exclusiveRecord(ctx, 'crm.contact', args.contactId, async () => {
          const [, book] = await Promise.all([
            existing(ctx, CONTACT, args.contactId, 'Contact'),
            contactAddressBook(ctx.portal, args.contactId, options),
          ]);
          if (book.addresses.some((a) => a.typeId === typeId))
            throw new ValidationError(`contact ${args.contactId} already has an address of type ${typeId}`, 'typeId');
          // The address goes on the contact's address-only requisite (or its first one); a contact
          // without requisites gets an address-only one, as the portal's own form does.
          let requisite = (book.requisites.find((r) => r.addressOnly) ?? book.requisites[0])?.id;
          if (!requisite) {
            const preset = await personPreset(ctx.portal, options);
            if (preset === null)
              throw new ValidationError(
                'the portal has no active requisite template, so an address has nowhere to go (Bitrix24 CRM settings → requisites)',
                'contactId',
              );
            requisite = await addAddressRequisite(ctx.portal, args.contactId, preset, upstream(ctx));
          }
          await addAddress(ctx.portal, requisite, { ...args.input, typeId }, upstream(ctx));
          const added = (await contactAddresses(ctx.portal, args.contactId, options)).find(
            (a: AddressRecord) => a.typeId === typeId,
          );
          if (!added)
            throw new Error(`crm.address.add succeeded but contact ${args.contactId} has no address of type ${typeId}`);
          return added;
        });
      }),
  }),
}));
