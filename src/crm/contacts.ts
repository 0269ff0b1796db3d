// Contacts over the old-style crm.contact.* methods (bitrix24-api.md §6): rows normalised to
// numbers, booleans, null and ISO dates; multi-fields (PHONE/EMAIL) as {id, value, valueType};
// list filters built so that user text is only ever a value, never a key (no injected operators).
import { ref, type Command, type ResultRef } from '../upstream/batch.js';
import { BitrixError } from '../upstream/errors.js';
import type { FieldDefinition } from './fields.js';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import {
  communications,
  listFilter,
  recordById,
  type Communication,
  type OldEntity,
  OldRecord,
  type RecordFilter,
} from './records.js';
import { EntityTypeId } from './entity-types.js';
import { asRecord, rowsAt, toId, toInt, toIntList, toText } from './values.js';

/** `*` and `UF_*` do not cover multi-fields: PHONE and EMAIL are listed explicitly (§6.4). */
export const CONTACT_SELECT = ['*', 'UF_*', 'PHONE', 'EMAIL'];
export const ORIGINATOR = 'bitrix24-graphql';

export class ContactRecord extends OldRecord {
  readonly name: string | null = toText(this.raw.NAME);
  readonly secondName: string | null = toText(this.raw.SECOND_NAME);
  readonly lastName: string | null = toText(this.raw.LAST_NAME);
  readonly typeId: string | null = toText(this.raw.TYPE_ID);
  readonly companyId: number | null = toId(this.raw.COMPANY_ID);
  readonly phones: Communication[] = communications(this.raw.PHONE);
  readonly emails: Communication[] = communications(this.raw.EMAIL);
}

/** Contacts as one of the old-style entities (src/crm/records.ts does the REST). */
export const CONTACT: OldEntity<ContactRecord> = {
  prefix: 'crm.contact',
  entityTypeId: EntityTypeId.contact,
  select: CONTACT_SELECT,
  normalise: (row) => new ContactRecord(row),
};

// crm.item.fields names some system fields differently from the old-style row keys.
const OLD_NAMES: Record<string, string> = {
  createdTime: 'DATE_CREATE',
  updatedTime: 'DATE_MODIFY',
  createdBy: 'CREATED_BY_ID',
  updatedBy: 'MODIFY_BY_ID',
};

/** The old-style (crm.contact.*) key of a field described by crm.item.fields. */
export function oldName(def: FieldDefinition): string {
  return OLD_NAMES[def.name] ?? def.upperName;
}

/** Reads a field of a contact row by its definition. */
export function readField(contact: ContactRecord, def: FieldDefinition): unknown {
  return contact.raw[oldName(def)];
}

export function contactById(
  portal: BitrixPortal,
  id: number,
  options: SubmitOptions = {},
): Promise<ContactRecord | null> {
  return recordById(portal, CONTACT, id, options);
}

/** A fresh read after a write (never a cached loader value, never joined with an older read). */
export async function reload(portal: BitrixPortal, id: number, options: SubmitOptions = {}): Promise<ContactRecord> {
  const contact = await contactById(portal, id, { ...options, fresh: true });
  if (!contact) throw new Error(`contact ${id} vanished right after it was written`);
  return contact;
}

// ---- list filters ---------------------------------------------------------------------------

export interface ContactFilterSpec {
  search?: string | null;
  phone?: string | null;
  email?: string | null;
  typeId?: string | null;
  assignedById?: number | null;
  /** Only these contacts (e.g. every contact of a company, from companyContactIds). */
  ids?: readonly number[] | null;
  /** A resolved custom (or system) field and the value it must equal. */
  field?: { def: FieldDefinition; value: string } | null;
}

/** The list filter(s) for a contact filter. Old-style lists have no OR (§6.4), so a name
 * search becomes two filters (first name contains / last name contains) whose keyset streams
 * are merged. Every user-supplied text is a value under a fixed key: a search such as `>ID`
 * or `%` is matched literally. */
export function contactFilters(spec: ContactFilterSpec = {}): RecordFilter {
  const base = listFilter(
    {
      PHONE: spec.phone,
      EMAIL: spec.email,
      TYPE_ID: spec.typeId,
      ASSIGNED_BY_ID: spec.assignedById,
      // `@ID` with an id that never exists matches nothing: an empty IN list is not documented.
      '@ID': spec.ids ? (spec.ids.length ? [...spec.ids] : [0]) : null,
    },
    spec.field ? { [oldName(spec.field.def)]: spec.field.value } : {},
  );
  const search = spec.search?.trim();
  if (!search) return base;
  return [
    { ...base, '%NAME': search },
    { ...base, '%LAST_NAME': search },
  ];
}

/** Every contact bound to a company, primary or not, in binding order. crm.contact.list cannot
 * filter on it (COMPANY_ID is the primary company only; COMPANY_IDS "is not present" there,
 * crm-contact-fields.md), so the binding method crm.company.contact.items.get answers it. A
 * company that does not exist has no contacts. */
export async function companyContactIds(
  portal: BitrixPortal,
  companyId: number,
  options: SubmitOptions = {},
): Promise<number[]> {
  try {
    const res = await portal.read('crm.company.contact.items.get', { id: companyId }, options);
    return rowsAt(res.result, [])
      .map((row) => toInt(row.CONTACT_ID))
      .filter((id): id is number => id !== null && id > 0);
  } catch (error) {
    if (
      error instanceof BitrixError &&
      error.errorClass !== 'network' &&
      /not found|ownerEntityID/i.test(error.description)
    )
      return [];
    throw error;
  }
}

/** The company ids of each contact, primary first: crm.item (entityTypeId 3) reads `companyIds`,
 * which old-style reads never return (COMPANY_IDS is write-only there, bitrix24-api.md §6.2).
 * One command per 50 contacts, in one batch. */
export async function companyIdsOfContacts(
  portal: BitrixPortal,
  contactIds: readonly number[],
  options: SubmitOptions = {},
): Promise<Map<number, number[]>> {
  const rows = await portal.byIds(
    'crm.item.list',
    contactIds,
    (chunk) => ({
      entityTypeId: EntityTypeId.contact,
      select: ['id', 'companyId', 'companyIds'],
      filter: { '@id': chunk },
      order: { id: 'ASC' },
      start: -1,
    }),
    ['items'],
    options,
  );
  const idsOf = new Map<number, number[]>();
  for (const row of rows) {
    const primary = toInt(row.companyId) ?? 0;
    const rest = toIntList(row.companyIds).filter((id) => id > 0 && id !== primary);
    idsOf.set(toInt(row.id) ?? 0, primary > 0 ? [primary, ...rest] : rest);
  }
  return idsOf;
}

/** The contact ids that match a filter (the upsert lookup), in id order; at most one page. */
export async function contactIdsWhere(
  portal: BitrixPortal,
  filter: Record<string, unknown>,
  options: SubmitOptions = {},
): Promise<number[]> {
  const res = await portal.read(
    'crm.contact.list',
    { filter, select: ['ID'], order: { ID: 'ASC' }, start: -1 },
    options,
  );
  return rowsAt(res.result, [])
    .map((row) => toInt(row.ID) ?? 0)
    .filter((id) => id > 0);
}

// ---- find by communication (§6.7) ----------------------------------------------------------

/** Contact ids having this phone or e-mail (crm.duplicate.findbycomm). `[]` when none. */
export async function findContactIds(
  portal: BitrixPortal,
  type: 'PHONE' | 'EMAIL',
  value: string,
  options: SubmitOptions = {},
): Promise<number[]> {
  const res = await portal.read('crm.duplicate.findbycomm', { type, values: [value], entity_type: 'CONTACT' }, options);
  const ids = asRecord(res.result).CONTACT;
  return Array.isArray(ids) ? ids.map(toInt).filter((n): n is number => n !== null) : [];
}

// ---- addresses (crm.address, §6) -----------------------------------------------------------

export interface AddressRecord {
  typeId: number;
  entityTypeId: number;
  entityId: number;
  address1: string | null;
  address2: string | null;
  city: string | null;
  postalCode: string | null;
  region: string | null;
  province: string | null;
  country: string | null;
  countryCode: string | null;
}

export function toAddress(row: Record<string, unknown>): AddressRecord {
  return {
    typeId: toInt(row.TYPE_ID) ?? 0,
    entityTypeId: toInt(row.ENTITY_TYPE_ID) ?? 0,
    entityId: toInt(row.ENTITY_ID) ?? 0,
    address1: toText(row.ADDRESS_1),
    address2: toText(row.ADDRESS_2),
    city: toText(row.CITY),
    postalCode: toText(row.POSTAL_CODE),
    region: toText(row.REGION),
    province: toText(row.PROVINCE),
    country: toText(row.COUNTRY),
    countryCode: toText(row.COUNTRY_CODE),
  };
}

/** Addresses of the first requisites read in the same request as the requisite list. */
const REQUISITES_WITH_ADDRESSES = 3;
const REQUISITE = 8;

/** A contact's requisites (crm.requisite.list), oldest first: an address hangs on one of them
 * ("Addresses can only be linked to Requisites … or Leads", crm-address-add.md). */
const requisitesOf = (contactId: number): Command => ({
  method: 'crm.requisite.list',
  params: {
    filter: { ENTITY_TYPE_ID: EntityTypeId.contact, ENTITY_ID: contactId },
    select: ['ID', 'ADDRESS_ONLY'],
    order: { SORT: 'ASC', ID: 'ASC' },
  },
});

// No select on crm.address.list: the docs give no `*` mask; an absent select returns every field.
const addressesOf = (entityTypeId: number, entityId: number | ResultRef): Command => ({
  method: 'crm.address.list',
  params: { filter: { ENTITY_TYPE_ID: entityTypeId, ENTITY_ID: entityId }, order: { TYPE_ID: 'ASC' } },
});

export interface ContactRequisite {
  id: number;
  addressOnly: boolean;
}

/** Every address of one contact, with the contact's requisites, in one request: the requisite
 * list, the addresses of its first requisites (references into that list), and the addresses
 * linked to the contact itself (ENTITY_TYPE_ID 3, what older portals kept; filtered on the type
 * *and* the id: the seed forgot the type and could return a company's address). A requisite
 * beyond the first few costs one more command. One address per type and owner, so one page of
 * 50 holds them all. */
export async function contactAddressBook(
  portal: BitrixPortal,
  contactId: number,
  options: SubmitOptions = {},
): Promise<{ requisites: ContactRequisite[]; addresses: AddressRecord[] }> {
  const commands = [
    requisitesOf(contactId),
    addressesOf(EntityTypeId.contact, contactId),
    ...Array.from({ length: REQUISITES_WITH_ADDRESSES }, (_, i) => addressesOf(REQUISITE, ref(0, i, 'ID'))),
  ];
  const [list, legacy, ...byRequisite] = await portal.chain(commands, options);
  if (list instanceof BitrixError) throw list;
  if (legacy instanceof BitrixError) throw legacy;
  const requisites = rowsAt(list.result, []).map((row) => ({
    id: toInt(row.ID) ?? 0,
    addressOnly: row.ADDRESS_ONLY === 'Y',
  }));
  const rows = rowsAt(legacy.result, []);
  for (const [i, requisite] of requisites.entries()) {
    // Answers past the requisites that exist referred to nothing: ignored.
    const answer =
      i < REQUISITES_WITH_ADDRESSES
        ? byRequisite[i]
        : await portal.read('crm.address.list', addressesOf(REQUISITE, requisite.id).params, options);
    if (answer instanceof BitrixError) throw answer;
    rows.push(
      ...rowsAt(answer.result, []).filter(
        (row) => toInt(row.ENTITY_TYPE_ID) === REQUISITE && toInt(row.ENTITY_ID) === requisite.id,
      ),
    );
  }
  return { requisites, addresses: rows.map(toAddress).sort((a, b) => a.typeId - b.typeId) };
}

export async function contactAddresses(
  portal: BitrixPortal,
  contactId: number,
  options: SubmitOptions = {},
): Promise<AddressRecord[]> {
  return (await contactAddressBook(portal, contactId, options)).addresses;
}

/** The requisite template for a contact's address-only requisite: an active one for people
 * (XML_ID or name saying individual/person) when the portal has one, else the first active one.
 * Null when the portal has none (then no address can be added). */
export async function personPreset(portal: BitrixPortal, options: SubmitOptions = {}): Promise<number | null> {
  const res = await portal.read(
    'crm.requisite.preset.list',
    { filter: { ACTIVE: 'Y' }, select: ['ID', 'NAME', 'XML_ID'], order: { SORT: 'ASC', ID: 'ASC' } },
    options,
  );
  const presets = rowsAt(res.result, []);
  const person = presets.find(
    (p) =>
      /PERSON|INDIVIDUAL/i.test(`${toText(p.XML_ID) ?? ''} ${toText(p.NAME) ?? ''}`) &&
      !/PROPRIETOR/i.test(toText(p.NAME) ?? ''),
  );
  const chosen = person ?? presets[0];
  return chosen ? toInt(chosen.ID) : null;
}

/** A new address-only requisite of the contact ("the requisites are not displayed in the entity
 * card, but the address is shown", crm-requisite-add.md). Its id. */
export async function addAddressRequisite(
  portal: BitrixPortal,
  contactId: number,
  presetId: number,
  options: SubmitOptions = {},
): Promise<number> {
  const res = await portal.write(
    'crm.requisite.add',
    {
      fields: {
        ENTITY_TYPE_ID: EntityTypeId.contact,
        ENTITY_ID: contactId,
        PRESET_ID: presetId,
        NAME: 'Address',
        ADDRESS_ONLY: 'Y',
      },
    },
    options,
  );
  const id = toInt(res.result);
  if (!id) throw new Error(`crm.requisite.add answered ${JSON.stringify(res.result)} instead of an id`);
  return id;
}

export interface AddressInput {
  typeId?: number | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  postalCode?: string | null;
  region?: string | null;
  province?: string | null;
  country?: string | null;
  countryCode?: string | null;
}

/** Adds an address (one per type) to a requisite. */
export async function addAddress(
  portal: BitrixPortal,
  requisiteId: number,
  input: AddressInput,
  options: SubmitOptions = {},
): Promise<void> {
  await portal.write('crm.address.add', { fields: addressFields(requisiteId, input) }, options);
}

/** crm.address.add fields for an address on a requisite. */
function addressFields(requisiteId: number, input: AddressInput): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    TYPE_ID: input.typeId ?? 1,
    ENTITY_TYPE_ID: REQUISITE,
    ENTITY_ID: requisiteId,
  };
  const map: [keyof AddressInput, string][] = [
    ['address1', 'ADDRESS_1'],
    ['address2', 'ADDRESS_2'],
    ['city', 'CITY'],
    ['postalCode', 'POSTAL_CODE'],
    ['region', 'REGION'],
    ['province', 'PROVINCE'],
    ['country', 'COUNTRY'],
    ['countryCode', 'COUNTRY_CODE'],
  ];
  for (const [key, upper] of map) if (input[key] != null && input[key] !== '') fields[upper] = input[key];
  return fields;
}
