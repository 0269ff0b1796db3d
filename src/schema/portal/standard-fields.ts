// The standard fields a typed filter and orderBy offer, per type: the output field's name (a filter
// field is named like the field it filters), the crm.item key the portal filters and orders by,
// and how it is compared. A key is offered only when the portal's crm.item.fields lists it for
// that type (the docs: "the list of all available fields for filtering can be found using the
// crm.item.fields method"). Object fields (assignedBy, company) filter by the bound record's id.
import type { BaseType } from './model.js';

export type StandardKind = 'int' | 'float' | 'string' | 'datetime' | 'stage' | 'funnel';

export interface StandardField {
  name: string;
  key: string;
  kind: StandardKind;
  orderable: boolean;
  description: string;
}

const f = (name: string, key: string, kind: StandardKind, orderable: boolean, description: string): StandardField => ({
  name,
  key,
  kind,
  orderable,
  description,
});

const COMMON = [
  f('bitrixId', 'id', 'int', true, 'The Bitrix id.'),
  f('createdAt', 'createdTime', 'datetime', true, 'When it was created.'),
  f('updatedAt', 'updatedTime', 'datetime', true, 'When it last changed.'),
  f('assignedBy', 'assignedById', 'int', true, "The responsible employee's user id."),
];

const PERSON = [
  f('name', 'name', 'string', true, 'First name.'),
  f('secondName', 'secondName', 'string', true, 'Second name.'),
  f('lastName', 'lastName', 'string', true, 'Last name.'),
];

const AMOUNT = [
  f('opportunity', 'opportunity', 'float', true, 'The amount.'),
  f('currency', 'currencyId', 'string', false, 'ISO currency of the amount.'),
];

const TITLE = f('title', 'title', 'string', true, 'The title.');
const COMPANY = f('company', 'companyId', 'int', false, "The linked company's id.");
const CONTACT = f('contact', 'contactId', 'int', false, "The primary contact's id.");

export const STANDARD_FIELDS: Record<BaseType, StandardField[]> = {
  Contact: [...COMMON, ...PERSON, COMPANY],
  Company: [...COMMON, TITLE],
  Deal: [
    ...COMMON,
    TITLE,
    ...AMOUNT,
    f('categoryId', 'categoryId', 'int', false, 'The funnel id.'),
    f('stageId', 'stageId', 'string', false, 'The stage code, e.g. `C7:NEW`.'),
    COMPANY,
    CONTACT,
  ],
  Lead: [
    ...COMMON,
    TITLE,
    ...PERSON,
    ...AMOUNT,
    f('statusId', 'stageId', 'string', false, 'The status code, e.g. `NEW`.'),
    COMPANY,
    CONTACT,
  ],
  SpaCard: [
    ...COMMON,
    TITLE,
    ...AMOUNT,
    f('stage', 'stageId', 'stage', false, 'The stage.'),
    f('category', 'categoryId', 'funnel', false, 'The funnel.'),
    COMPANY,
  ],
};
