// crm/fields.ts: descriptors → FieldSet, convertValue/convertInput for writes and filters,
// normalizeValue and displayValue, on field sets parsed from crm.item.fields-style descriptors.
import { describe, expect, it } from 'vitest';
import {
  FieldInputError,
  convertInput,
  convertValue,
  displayValue,
  fieldSet,
  normalizeValue,
  resolveField,
} from '../../src/crm/fields.js';

const set = fieldSet({
  title: { upperName: 'TITLE', type: 'string', title: 'Title', isRequired: true },
  id: { upperName: 'ID', type: 'integer', title: 'ID', isReadOnly: true },
  ufCrm1Color: {
    upperName: 'UF_CRM_1_COLOR',
    type: 'enumeration',
    title: 'UF_CRM_1_COLOR',
    listLabel: 'Colour',
    items: [
      { ID: 10, VALUE: 'Red' },
      { ID: '11', VALUE: 'Green' },
    ],
  },
  ufCrm1Vip: { upperName: 'UF_CRM_1_VIP', type: 'boolean', formLabel: 'VIP' },
  opportunity: { upperName: 'OPPORTUNITY', type: 'double', title: 'Amount' },
  ufCrm1Price: { upperName: 'UF_CRM_1_PRICE', type: 'money', formLabel: 'Price' },
  begindate: { upperName: 'BEGINDATE', type: 'date', title: 'Start' },
  createdTime: { upperName: 'CREATED_TIME', type: 'datetime', title: 'Created' },
  assignedById: { upperName: 'ASSIGNED_BY_ID', type: 'user', title: 'Responsible' },
  companyId: { upperName: 'COMPANY_ID', type: 'crm_company', title: 'Company' },
  ufCrm1Tags: { upperName: 'UF_CRM_1_TAGS', type: 'string', isMultiple: 'Y', formLabel: 'Tags' },
  ufCrm1Nums: { upperName: 'UF_CRM_1_NUMS', type: 'integer', isMultiple: true, formLabel: 'Nums' },
  xmlId: { upperName: 'XML_ID', type: 'string', title: 'External id' },
  ORIGIN_ID: { type: 'string', title: 'Origin' },
  ORIGINATOR_ID: { type: 'string', title: 'Originator' },
  ORIGIN_VERSION: { type: 'string', title: 'Origin version' },
});
const f = (name: string) => resolveField(set, name);
/** What a call throws, as [field, message]. */
function thrown(fn: () => unknown): [string, string] | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (e) {
    if (!(e instanceof FieldInputError)) throw e;
    return [e.field, e.message];
  }
}

describe('fieldSet', () => {
  it('parses names, labels, flags and options, found by either spelling in any case', () => {
    expect(f('uf_crm_1_color')).toEqual({
      name: 'ufCrm1Color',
      upperName: 'UF_CRM_1_COLOR',
      title: 'Colour',
      type: 'enumeration',
      required: false,
      readOnly: false,
      multiple: false,
      custom: true,
      statusType: null,
      options: [
        { id: '10', label: 'Red' },
        { id: '11', label: 'Green' },
      ],
      settings: {},
    });
    expect([f('TITLE').required, f('id').readOnly, f('ufcrm1tags').multiple, f('title').custom]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(thrown(() => f('nope'))).toEqual([
      'nope',
      'unknown field "nope": it is not a field of this entity on the portal',
    ]);
  });
});

describe('convertValue', () => {
  it('maps enumeration labels (any case) and ids to the id', () => {
    expect([
      convertValue(f('ufCrm1Color'), 'green'),
      convertValue(f('ufCrm1Color'), 10),
      convertValue(f('ufCrm1Color'), '11'),
    ]).toEqual(['11', '10', '11']);
    expect(thrown(() => convertValue(f('ufCrm1Color'), 'Blue'))).toEqual([
      'ufCrm1Color',
      '"Blue" is not a value of "Colour" (Red, Green)',
    ]);
  });

  it.each([
    [true, 'Y', 1],
    [false, 'N', 0],
    ['1', 'Y', 1],
    ['0', 'N', 0],
    ['Y', 'Y', 1],
    ['N', 'N', 0],
    ['yes', 'Y', 1],
    ['no', 'N', 0],
    [' TRUE ', 'Y', 1],
  ])('boolean %j → %s for writes, %i for filters', (input, write, filter) => {
    expect(convertValue(f('ufCrm1Vip'), input)).toBe(write);
    expect(convertValue(f('ufCrm1Vip'), input, 'vip', 'filter')).toBe(filter);
  });

  it('refuses a boolean it cannot read, naming the field as the caller spelled it', () => {
    expect(thrown(() => convertValue(f('ufCrm1Vip'), 'maybe', 'UF_CRM_1_VIP'))).toEqual([
      'UF_CRM_1_VIP',
      '"VIP" takes true or false',
    ]);
  });

  it('passes null through for every type (clears the field)', () => {
    expect(
      ['ufCrm1Vip', 'ufCrm1Color', 'ufCrm1Price', 'begindate', 'assignedById'].map((n) =>
        convertValue(f(n), null, n, 'filter'),
      ),
    ).toEqual([null, null, null, null, null]);
  });

  it('writes money from {amount, currency} or "amount|CUR" text', () => {
    expect(convertValue(f('ufCrm1Price'), { amount: 300.5, currency: 'eur' })).toBe('300.5|EUR');
    expect(convertValue(f('ufCrm1Price'), '300|EUR')).toBe('300|EUR');
  });

  it('reads money the same way in both forms: a finite amount (negative too) and a three-letter code', () => {
    const bad = ['ufCrm1Price', '"Price" takes "300|EUR" or {amount, currency}'];
    expect([
      convertValue(f('ufCrm1Price'), '-5|eur'),
      convertValue(f('ufCrm1Price'), { amount: -5, currency: 'EUR' }),
      convertValue(f('ufCrm1Price'), { amount: '3', currency: 'usd' }),
    ]).toEqual(['-5|EUR', '-5|EUR', '3|USD']);
    for (const value of [
      '300',
      '300|EURO',
      'x|EUR',
      '|EUR',
      { amount: -5, currency: 'x' },
      { amount: Number.NaN, currency: 'EUR' },
      { amount: true, currency: 'EUR' },
      { currency: 'EUR' },
    ]) {
      expect(thrown(() => convertValue(f('ufCrm1Price'), value))).toEqual(bad);
    }
  });

  it('cuts dates to YYYY-MM-DD and keeps datetimes as given', () => {
    expect(convertValue(f('begindate'), '2024-03-05T10:00:00Z')).toBe('2024-03-05');
    expect(thrown(() => convertValue(f('begindate'), '05.03.2024'))).toEqual([
      'begindate',
      '"Start" takes a date YYYY-MM-DD',
    ]);
    expect(thrown(() => convertValue(f('begindate'), '2024-13-45'))).toEqual([
      'begindate',
      '"Start" takes a date YYYY-MM-DD',
    ]);
    expect(convertValue(f('createdTime'), '2024-03-05T10:00:00+03:00')).toBe('2024-03-05T10:00:00+03:00');
    const datetime = ['createdTime', '"Created" takes an ISO 8601 datetime (2024-05-01T09:30:00+02:00)'];
    for (const value of ['nope', '12', '2024-03-05', '2024-02-30T10:00:00Z', 1_700_000_000])
      expect(thrown(() => convertValue(f('createdTime'), value))).toEqual(datetime);
  });

  it('refuses a date that is not on the calendar', () => {
    for (const value of ['2024-02-30', '2023-02-29', '2024-04-31', '2024-03-05 junk', 20240305]) {
      expect(thrown(() => convertValue(f('begindate'), value))).toEqual([
        'begindate',
        '"Start" takes a date YYYY-MM-DD',
      ]);
    }
    expect(convertValue(f('begindate'), '2024-02-29')).toBe('2024-02-29');
  });

  it('makes integers of id and integer types and numbers of doubles', () => {
    expect([
      convertValue(f('assignedById'), '7'),
      convertValue(f('companyId'), 3),
      convertValue(f('opportunity'), '2.5'),
    ]).toEqual([7, 3, 2.5]);
    expect(thrown(() => convertValue(f('assignedById'), 7.5))).toEqual([
      'assignedById',
      '"Responsible" takes an integer',
    ]);
    expect(thrown(() => convertValue(f('opportunity'), 'x'))).toEqual(['opportunity', '"Amount" takes a number']);
  });

  it('never reads an empty string, a boolean or text with trailing junk as a number', () => {
    for (const value of ['', ' ', true, false, '12abc', '0x10', {}]) {
      expect(thrown(() => convertValue(f('opportunity'), value))).toEqual(['opportunity', '"Amount" takes a number']);
      expect(thrown(() => convertValue(f('assignedById'), value))).toEqual([
        'assignedById',
        '"Responsible" takes an integer',
      ]);
    }
  });

  it('refuses objects for plain types and passes scalars through', () => {
    expect(convertValue(f('title'), 'Deal')).toBe('Deal');
    expect(thrown(() => convertValue(f('title'), { a: 1 }))).toEqual(['title', '"Title" takes a string value']);
  });

  it('makes a list for multiple fields (null → []) and refuses a list for a single one', () => {
    expect([
      convertValue(f('ufCrm1Tags'), 'a'),
      convertValue(f('ufCrm1Tags'), ['a', 'b']),
      convertValue(f('ufCrm1Tags'), null),
      convertValue(f('ufCrm1Nums'), ['1', '2']),
    ]).toEqual([['a'], ['a', 'b'], [], [1, 2]]);
    expect(thrown(() => convertValue(f('title'), ['a'], 'TITLE'))).toEqual([
      'TITLE',
      'field "TITLE" takes a single value',
    ]);
  });
});

describe('convertInput', () => {
  it('keys converted values by the requested spelling', () => {
    const input = { TITLE: 'x', uf_crm_1_color: 'Red', ufCrm1Vip: true };
    expect(convertInput(set, input, 'upperName')).toEqual({ TITLE: 'x', UF_CRM_1_COLOR: '10', UF_CRM_1_VIP: 'Y' });
    expect(convertInput(set, input, 'name')).toEqual({ title: 'x', ufCrm1Color: '10', ufCrm1Vip: 'Y' });
  });

  it('refuses read-only and unknown fields', () => {
    expect(thrown(() => convertInput(set, { id: 5 }, 'name'))).toEqual(['id', 'field "id" is read-only']);
    expect(thrown(() => convertInput(set, { nope: 1 }, 'name'))).toEqual([
      'nope',
      'unknown field "nope": it is not a field of this entity on the portal',
    ]);
  });

  it.each(['xmlId', 'XML_ID', 'ORIGIN_ID', 'originator_id', 'ORIGIN_VERSION'])(
    'refuses the reserved field %s',
    (name) => {
      expect(thrown(() => convertInput(set, { [name]: 'k' }, 'upperName'))).toEqual([
        name,
        `field "${name}" holds idempotency records and is written only through idempotencyKey`,
      ]);
    },
  );

  it('derives UPPER_CASE the way Bitrix does when a descriptor lacks it, so a reserved field is still refused', () => {
    const bare = fieldSet({
      xmlId: { type: 'string' },
      originatorId: { type: 'string' },
      assignedById: { type: 'user' },
    });
    expect(bare.all.map((d) => d.upperName)).toEqual(['XML_ID', 'ORIGINATOR_ID', 'ASSIGNED_BY_ID']);
    expect(thrown(() => convertInput(bare, { xmlId: 'k' }, 'name'))).toEqual([
      'xmlId',
      'field "xmlId" holds idempotency records and is written only through idempotencyKey',
    ]);
    // Names match case-insensitively, so XMLID is xmlId, and refused as such.
    expect(thrown(() => convertInput(bare, { XMLID: 'k' }, 'name'))).toEqual([
      'XMLID',
      'field "XMLID" holds idempotency records and is written only through idempotencyKey',
    ]);
  });
});

describe('normalizeValue', () => {
  it('reads unset values, "" and an empty money "|" as null', () => {
    expect([undefined, null, ''].map((v) => normalizeValue(f('title'), v))).toEqual([null, null, null]);
    expect([normalizeValue(f('ufCrm1Price'), '|'), normalizeValue(f('ufCrm1Price'), '300|EUR')]).toEqual([
      null,
      '300|EUR',
    ]);
  });

  it('reads booleans from 1/0 and Y/N', () => {
    expect(['1', '0', 'Y', 'N', true, 0].map((v) => normalizeValue(f('ufCrm1Vip'), v))).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it('makes numbers of number and id types (unparsable text kept) and strings of enumeration ids', () => {
    expect([
      normalizeValue(f('assignedById'), '7'),
      normalizeValue(f('opportunity'), '2.50'),
      normalizeValue(f('assignedById'), 'abc'),
      normalizeValue(f('ufCrm1Color'), 10),
    ]).toEqual([7, 2.5, 'abc', '10']);
  });

  it('makes lists without nulls for multiple fields', () => {
    expect([
      normalizeValue(f('ufCrm1Tags'), ['a', null, '', 'b']),
      normalizeValue(f('ufCrm1Tags'), ''),
      normalizeValue(f('ufCrm1Tags'), false),
      normalizeValue(f('ufCrm1Tags'), 'x'),
      normalizeValue(f('ufCrm1Nums'), ['1', '2']),
    ]).toEqual([['a', 'b'], [], [], ['x'], [1, 2]]);
  });
});

describe('displayValue', () => {
  it('shows labels, Yes/No, money with 2 decimals, dates and employee names', () => {
    expect([
      displayValue(f('ufCrm1Color'), '10'),
      displayValue(f('ufCrm1Color'), '99'),
      displayValue(f('ufCrm1Color'), ['10', '11']),
      displayValue(f('ufCrm1Vip'), 'Y'),
      displayValue(f('ufCrm1Vip'), '0'),
      displayValue(f('ufCrm1Price'), '300|EUR'),
      displayValue(f('begindate'), '2024-03-05T00:00:00+03:00'),
      displayValue(f('assignedById'), '7', (id) => (id === 7 ? 'Ann' : null)),
      displayValue(f('assignedById'), '8'),
      displayValue(f('title'), { a: 1 }),
      displayValue(f('title'), 0),
    ]).toEqual(['Red', '99', 'Red, Green', 'Yes', 'No', '300.00 EUR', '2024-03-05', 'Ann', '8', '{"a":1}', '0']);
  });

  it('is null when unset, except a single boolean, which is No', () => {
    expect([
      displayValue(f('title'), null),
      displayValue(f('ufCrm1Price'), '|'),
      displayValue(f('ufCrm1Tags'), []),
      displayValue(f('ufCrm1Vip'), null),
      displayValue(f('ufCrm1Vip'), ''),
    ]).toEqual([null, null, null, 'No', 'No']);
  });
});
