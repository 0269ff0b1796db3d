// Inputs of the contact mutations, and how upsertContact finds its match.
import { checkValue, normalise, type CommKind } from '../../crm/communications.js';
import { contactIdsWhere, findContactIds, oldName } from '../../crm/contacts.js';
import { convertInput, resolveField, type FieldSet } from '../../crm/fields.js';
import { upstream, type Context } from '../context.js';
import { builder } from '../builder.js';
import { ValidationError } from './errors.js';
import { FieldFilter } from './field.js';

export const CommunicationValueType = builder.enumType('CommunicationValueType', {
  description: 'The kind of a phone number or e-mail address. E-mails take WORK, HOME, MAILING or OTHER.',
  values: {
    WORK: { description: 'Work.' },
    MOBILE: { description: 'Mobile (phones only).' },
    FAX: { description: 'Fax (phones only).' },
    HOME: { description: 'Home / personal.' },
    PAGER: { description: 'Pager (phones only).' },
    MAILING: { description: 'For newsletters.' },
    OTHER: { description: 'Other.' },
  } as const,
});

export const CommunicationInput = builder.inputType('CommunicationInput', {
  description:
    'A phone number or e-mail address to store. Malformed values are a ValidationError naming them; nothing is sent then.',
  fields: (t) => ({
    value: t.string({
      required: true,
      description: 'The phone number (digits, spaces, + ( ) - . /, optional "ext 12") or e-mail address.',
    }),
    valueType: t.field({ type: CommunicationValueType, description: 'Its kind; WORK when omitted.' }),
  }),
});

const CommunicationChange = builder.inputType('CommunicationChange', {
  description: 'A change of one existing phone / e-mail entry, by its id.',
  fields: (t) => ({
    bitrixId: t.int({
      required: true,
      description: 'The entry id (`Communication.bitrixId`). It must belong to this record.',
    }),
    value: t.string({ description: 'The new value; unchanged when omitted.' }),
    valueType: t.field({ type: CommunicationValueType, description: 'The new kind; unchanged when omitted.' }),
  }),
});

export const CommunicationsUpdate = builder.inputType('CommunicationsUpdate', {
  description:
    "How to change a contact's phones or e-mails. Either `set` (replace the whole list: values already present keep their entry, the others are deleted) or any of `add`, `update`, `remove`, `removeValues` (touch single entries, leave the rest alone).",
  fields: (t) => ({
    set: t.field({
      type: [CommunicationInput],
      description: 'The complete new list ([] removes all). Excludes the other operations.',
    }),
    add: t.field({
      type: [CommunicationInput],
      description: 'Values to add; a value the contact already has is not duplicated.',
    }),
    update: t.field({ type: [CommunicationChange], description: 'Entries to change, by id.' }),
    remove: t.intList({
      description: 'Entries to delete, by id (`Communication.bitrixId`); an id of another record is a ValidationError.',
    }),
    removeValues: t.stringList({
      description:
        'Values to delete (phones compared by digits, e-mails case-insensitively); an absent value is ignored.',
    }),
  }),
});

const contactFieldsDoc =
  'Custom (or other) fields by name, `ufCrmCpf` or `UF_CRM_CPF`: e.g. {"ufCrmCpf": "12345678901", "ufCrm_1720697698689": "Retail"}. List values by label or id. Unknown names, read-only fields and bad values are a ValidationError naming the field; nothing is sent then.';

export const CreateContactInput = builder.inputType('CreateContactInput', {
  description: 'A new contact.',
  fields: (t) => ({
    name: t.string({ description: 'First name.' }),
    secondName: t.string({ description: 'Second (middle) name.' }),
    lastName: t.string({ description: 'Last name.' }),
    phones: t.field({ type: [CommunicationInput], description: 'Phone numbers (duplicates are stored once).' }),
    emails: t.field({ type: [CommunicationInput], description: 'E-mail addresses (duplicates are stored once).' }),
    typeId: t.string({ description: 'The contact type id, e.g. `CLIENT` (see `contactTypes`); must exist.' }),
    assignedById: t.int({ description: "The responsible employee's user id; must exist." }),
    companyId: t.int({ description: 'The company the contact works for; must exist.' }),
    fields: t.field({ type: 'JSONObject', description: contactFieldsDoc }),
    idempotencyKey: t.string({
      description:
        'Repeat a create safely: a second call with the same key returns the contact the first one created instead of creating another (stored in ORIGIN_ID with ORIGINATOR_ID "bitrix24-graphql"). The same key with a different input is a ValidationError. The Idempotency-Key header works too.',
    }),
  }),
});

export const UpdateContactInput = builder.inputType('UpdateContactInput', {
  description: 'Changes to a contact. Omitted fields stay as they are; use clearContactFields to empty fields.',
  fields: (t) => ({
    name: t.string({ description: 'First name.' }),
    secondName: t.string({ description: 'Second (middle) name.' }),
    lastName: t.string({ description: 'Last name.' }),
    phones: t.field({ type: CommunicationsUpdate, description: 'Replace, add, change or remove phone numbers.' }),
    emails: t.field({ type: CommunicationsUpdate, description: 'Replace, add, change or remove e-mail addresses.' }),
    typeId: t.string({ description: 'The contact type id, e.g. `CLIENT`; must exist.' }),
    assignedById: t.int({ description: "The responsible employee's user id; must exist." }),
    companyId: t.int({ description: "Makes this company the contact's (primary) company; must exist." }),
    fields: t.field({ type: 'JSONObject', description: contactFieldsDoc }),
  }),
});

export const ContactMatch = builder.inputType('ContactMatch', {
  description: 'How upsertContact finds the existing contact. Give exactly one.',
  fields: (t) => ({
    field: t.field({
      type: FieldFilter,
      description: 'Equality on a field, typically the CPF: {name: "ufCrmCpf", value: "12345678901"}.',
    }),
    phone: t.string({ description: 'A phone number (compared by digits, crm.duplicate.findbycomm).' }),
    email: t.string({ description: 'An e-mail address (crm.duplicate.findbycomm).' }),
  }),
});

export const AddressInput = builder.inputType('AddressInput', {
  description: 'A postal address. No field is filled in for you (the seed always wrote "Brasil").',
  fields: (t) => ({
    typeId: t.int({
      description:
        'Address type (crm.enum.addresstype): 1 actual (default), 4 registered, 6 legal, 8 mailing, 9 beneficiary, 11 delivery.',
    }),
    address1: t.string({ description: 'Street, house.' }),
    address2: t.string({ description: 'Apartment, office, district.' }),
    city: t.string({ description: 'City.' }),
    postalCode: t.string({ description: 'Postal code.' }),
    region: t.string({ description: 'Region (district).' }),
    province: t.string({ description: 'State or province.' }),
    country: t.string({ description: 'Country.' }),
    countryCode: t.string({ description: 'Country code.' }),
  }),
});

export type CreateInput = Omit<typeof CreateContactInput.$inferInput, 'idempotencyKey'>;
export type UpdateInput = typeof UpdateContactInput.$inferInput;
type MatchInput = typeof ContactMatch.$inferInput;

/** How an upsert finds its contact: by a field (custom or plain), or by a phone or e-mail. */
export type Match =
  | {
      kind: 'field';
      /** The field name as given. */
      name: string;
      /** The old-style key of the field. */
      upper: string;
      /** The value as given. */
      value: string;
      /** The value in the form compared. */
      key: string;
    }
  | { kind: CommKind; value: string; key: string };

/** One name per match target, for the per-target lock that serialises concurrent upserts. */
export function matchTarget(match: Match): string {
  return match.kind === 'field' ? `${match.upper}:${match.key}` : `${match.kind}:${match.key}`;
}

/** Checks that exactly one way of matching was given, and its name and value. */
export function matchOf(set: FieldSet, matchBy: MatchInput): Match {
  const given = [
    matchBy.field ? 'field' : null,
    matchBy.phone != null ? 'phone' : null,
    matchBy.email != null ? 'email' : null,
  ].filter(Boolean);
  if (given.length !== 1)
    throw new ValidationError('give exactly one of matchBy.field, matchBy.phone, matchBy.email', 'matchBy');
  if (matchBy.field) {
    const def = resolveField(set, matchBy.field.name);
    const converted = convertInput(
      { all: [def], byName: new Map([[def.name.toLowerCase(), { ...def, readOnly: false }]]) },
      { [def.name]: matchBy.field.value },
      'upperName',
    );
    const value = converted[def.upperName];
    const key = String(Array.isArray(value) ? value[0] : value);
    if (key === '' || key === 'null')
      throw new ValidationError('matchBy.field.value must not be empty', 'matchBy.field.value');
    return { kind: 'field', name: matchBy.field.name, upper: oldName(def), value: matchBy.field.value, key };
  }
  const kind: CommKind = matchBy.phone != null ? 'PHONE' : 'EMAIL';
  const raw = (matchBy.phone ?? matchBy.email)!;
  const value = checkValue(kind, raw, kind === 'PHONE' ? 'matchBy.phone' : 'matchBy.email');
  return { kind, value, key: normalise(kind, value) };
}

/** Ids of the contacts matching (at most 50 are read: more than one is an error anyway). */
export async function findMatches(ctx: Context, match: Match): Promise<number[]> {
  if (match.kind !== 'field') return findContactIds(ctx.portal, match.kind, match.value, upstream(ctx));
  return contactIdsWhere(ctx.portal, { [`=${match.upper}`]: match.key }, upstream(ctx));
}
