// Metadata changing at run time, over HTTP: custom fields added by crm.<entity>.userfield.add and
// userfieldconfig.add, smart processes by crm.type.add; each is usable at once and announced by
// its documented event to the outgoing webhook.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPortal, type EmulatorPortal } from '../src/portal.js';

const TOKEN = 'meta-events-token';
let portal: EmulatorPortal;
let receiver: Server;
let received: URLSearchParams[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push(new URLSearchParams(body));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  portal = await startPortal({
    size: 'small',
    outgoingWebhook: { handlerUrl: `http://127.0.0.1:${port}/events`, applicationToken: TOKEN },
  });
});
afterAll(async () => {
  await portal.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
beforeEach(async () => {
  await portal.events.drain();
  received = [];
});

async function post(method: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(portal.webhookUrl + method, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** The events delivered so far: [event, data[FIELDS]] pairs, the token checked. */
async function events(): Promise<[string, Record<string, string>][]> {
  await portal.events.drain();
  return received
    .filter((b) => !/^ONCRM(CONTACT|COMPANY|DEAL|LEAD|DYNAMICITEM)(ADD|UPDATE|DELETE)$/.test(b.get('event') ?? ''))
    .map((b) => {
      expect(b.get('auth[application_token]')).toBe(TOKEN);
      const fields: Record<string, string> = {};
      for (const [k, v] of b) {
        const m = /^data\[FIELDS\]\[(\w+)\]$/.exec(k);
        if (m) fields[m[1]] = v;
      }
      return [b.get('event')!, fields];
    });
}

describe('userfieldconfig.add on a smart process', () => {
  it('a list field: {field} back, in crm.item.fields at once, writable and filterable; ADD + SETENUMVALUES', async () => {
    const r = await post('userfieldconfig.add', {
      moduleId: 'crm',
      field: {
        entityId: 'CRM_1',
        fieldName: 'UF_CRM_1_NEW_REST_LIST_2026',
        userTypeId: 'enumeration',
        multiple: 'Y',
        editFormLabel: { en: 'List of characteristics', br: 'Lista de características' },
        enum: [
          { value: 'Characteristic 1', def: 'N', sort: 100 },
          { value: 'Characteristic 2', def: 'Y', sort: 200 },
        ],
      },
    });
    expect(r.status).toBe(200);
    const field = r.json.result.field;
    expect(field).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      entityId: 'CRM_1',
      fieldName: 'UF_CRM_1_NEW_REST_LIST_2026',
      userTypeId: 'enumeration',
      multiple: 'Y',
      mandatory: 'N',
      settings: { DISPLAY: 'LIST', LIST_HEIGHT: 1, CAPTION_NO_VALUE: '', SHOW_NO_VALUE: 'Y' },
      editFormLabel: { en: 'List of characteristics', br: 'Lista de características' },
    });
    expect(
      field.enum.map((i: { value: string; def: string; userFieldId: string }) => [i.value, i.def, i.userFieldId]),
    ).toEqual([
      ['Characteristic 1', 'N', field.id],
      ['Characteristic 2', 'Y', field.id],
    ]);
    expect(await events()).toEqual([
      ['ONCRMTYPEUSERFIELDADD', { ID: field.id, ENTITY_ID: 'CRM_1', FIELD_NAME: 'UF_CRM_1_NEW_REST_LIST_2026' }],
      [
        'ONCRMTYPEUSERFIELDSETENUMVALUES',
        { ID: field.id, ENTITY_ID: 'CRM_1', FIELD_NAME: 'UF_CRM_1_NEW_REST_LIST_2026' },
      ],
    ]);

    const fields = (await post('crm.item.fields', { entityTypeId: 128 })).json.result.fields;
    expect(fields.ufCrm1NewRestList2026).toMatchObject({
      type: 'enumeration',
      isMultiple: true,
      isDynamic: true,
      title: 'List of characteristics',
      upperName: 'UF_CRM_1_NEW_REST_LIST_2026',
    });
    const [one, two] = field.enum.map((i: { id: string }) => Number(i.id));
    const item = (await post('crm.item.update', { entityTypeId: 128, id: 7, fields: { ufCrm1NewRestList2026: [two] } }))
      .json.result.item;
    expect(item.ufCrm1NewRestList2026).toEqual([two]);
    const found = await post('crm.item.list', {
      entityTypeId: 128,
      filter: { ufCrm1NewRestList2026: two },
      select: ['id'],
    });
    expect(found.json.result.items).toEqual([{ id: 7 }]);
    const none = await post('crm.item.list', {
      entityTypeId: 128,
      filter: { ufCrm1NewRestList2026: one },
      select: ['id'],
    });
    expect(none.json.total).toBe(0);
    expect((await post('userfieldconfig.get', { moduleId: 'crm', id: field.id })).json.result.field).toEqual(field);
  });

  it('refuses what the page refuses: a name outside UF_{entityId}_, missing name or type, a taken name', async () => {
    const add = (field: Record<string, unknown>) => post('userfieldconfig.add', { moduleId: 'crm', field });
    let r = await add({ entityId: 'CRM_1', fieldName: 'UF_CRM_2_X', userTypeId: 'string' });
    expect([r.status, r.json]).toEqual([400, { error: '', error_description: 'You cannot create custom fields' }]);
    r = await add({ entityId: 'CRM_1', userTypeId: 'string' });
    expect(r.json.error_description).toBe("The 'FIELD_NAME' field is not found");
    r = await add({ entityId: 'CRM_1', fieldName: 'UF_CRM_1_X' });
    expect(r.json.error_description).toBe("The 'USER_TYPE_ID' field is not found");
    r = await add({ entityId: 'CRM_1', fieldName: 'UF_CRM_1_DUE_DATE', userTypeId: 'date' });
    expect(r.json).toEqual({ error: '', error_description: 'Field UF_CRM_1_DUE_DATE already exists' });
    r = await post('userfieldconfig.add', { field: { entityId: 'CRM_1' } });
    expect(r.json.error).toBe('INVALID_ARG_VALUE');
    expect(await events()).toEqual([]);
  });

  it('a field of a contact through userfieldconfig.add is announced by the contact event', async () => {
    const r = await post('userfieldconfig.add', {
      moduleId: 'crm',
      field: {
        entityId: 'CRM_CONTACT',
        fieldName: 'UF_CRM_CONTACT_SHOE_SIZE',
        userTypeId: 'integer',
        editFormLabel: 'Shoe size',
      },
    });
    const id = r.json.result.field.id;
    expect(await events()).toEqual([
      ['ONCRMCONTACTUSERFIELDADD', { ID: id, ENTITY_ID: 'CRM_CONTACT', FIELD_NAME: 'UF_CRM_CONTACT_SHOE_SIZE' }],
    ]);
    const fields = (await post('crm.contact.fields', {})).json.result;
    expect(fields.UF_CRM_CONTACT_SHOE_SIZE).toMatchObject({
      type: 'integer',
      title: 'UF_CRM_CONTACT_SHOE_SIZE',
      listLabel: 'Shoe size',
    });
  });
});

describe('crm.<entity>.userfield.add', () => {
  it('crm.contact.userfield.add: UF_CRM_ prefix added, the id back, in every view of contacts; the contact event', async () => {
    const r = await post('crm.contact.userfield.add', {
      fields: {
        FIELD_NAME: 'hello_world',
        USER_TYPE_ID: 'string',
        LABEL: 'Olá, mundo',
        EDIT_FORM_LABEL: { ru: 'Привет, мир' },
        MULTIPLE: 'N',
        SORT: 1000,
      },
    });
    expect(r.status).toBe(200);
    const id = r.json.result;
    expect(typeof id).toBe('number');
    expect(await events()).toEqual([
      ['ONCRMCONTACTUSERFIELDADD', { ID: String(id), ENTITY_ID: 'CRM_CONTACT', FIELD_NAME: 'UF_CRM_HELLO_WORLD' }],
    ]);
    const got = (await post('crm.contact.userfield.get', { id })).json.result;
    expect(got).toMatchObject({
      ID: String(id),
      ENTITY_ID: 'CRM_CONTACT',
      FIELD_NAME: 'UF_CRM_HELLO_WORLD',
      USER_TYPE_ID: 'string',
      SORT: '1000',
      EDIT_FORM_LABEL: { en: 'Olá, mundo', br: 'Olá, mundo', ru: 'Привет, мир' },
    });
    const item = (await post('crm.item.fields', { entityTypeId: 3 })).json.result.fields.ufCrmHelloWorld;
    expect(item).toMatchObject({ type: 'string', title: 'Olá, mundo', upperName: 'UF_CRM_HELLO_WORLD' });
    const contact = (await post('crm.contact.add', { fields: { NAME: 'Zé', UF_CRM_HELLO_WORLD: 'oi' } })).json.result;
    const list = await post('crm.contact.list', {
      filter: { UF_CRM_HELLO_WORLD: 'oi' },
      select: ['ID', 'UF_CRM_HELLO_WORLD'],
    });
    expect(list.json.result).toEqual([{ ID: String(contact), UF_CRM_HELLO_WORLD: 'oi' }]);
    const other = (await post('crm.contact.get', { id: 1 })).json.result;
    expect(other.UF_CRM_HELLO_WORLD).toBe('');
    const rows = (await post('crm.contact.userfield.list', { filter: { FIELD_NAME: 'UF_CRM_HELLO_WORLD' } })).json;
    expect(rows.result.map((x: { ID: string }) => x.ID)).toEqual([String(id)]);
  });

  it('crm.deal.userfield.add with LIST: items in the field, ADD + SETENUMVALUES; a crm field binding contacts', async () => {
    const r = await post('crm.deal.userfield.add', {
      fields: {
        FIELD_NAME: 'UF_PAYMENT_TERMS',
        USER_TYPE_ID: 'enumeration',
        LABEL: 'Condições de pagamento',
        LIST: [
          { VALUE: 'À vista', SORT: 10, DEF: 'Y' },
          { VALUE: '30 dias', SORT: 20, DEF: 'Y' },
          { VALUE: '', SORT: 30 },
        ],
      },
    });
    const id = r.json.result;
    const ev = { ID: String(id), ENTITY_ID: 'CRM_DEAL', FIELD_NAME: 'UF_CRM_PAYMENT_TERMS' };
    expect(await events()).toEqual([
      ['ONCRMDEALUSERFIELDADD', ev],
      ['ONCRMDEALUSERFIELDSETENUMVALUES', ev],
    ]);
    const d = (await post('crm.deal.fields', {})).json.result.UF_CRM_PAYMENT_TERMS;
    // An empty VALUE is ignored; a single field keeps the first default only.
    expect(d.items.map((i: { VALUE: string }) => i.VALUE)).toEqual(['À vista', '30 dias']);
    const list = (await post('crm.deal.userfield.get', { id })).json.result.LIST;
    expect(list.map((i: { DEF: string }) => i.DEF)).toEqual(['Y', 'N']);

    const crm = await post('crm.lead.userfield.add', {
      fields: { FIELD_NAME: 'REFERRER', USER_TYPE_ID: 'crm', LABEL: 'Referrer', SETTINGS: { CONTACT: 'Y' } },
    });
    expect(crm.status).toBe(200);
    const lead = (await post('crm.item.update', { entityTypeId: 1, id: 2, fields: { ufCrmReferrer: 'C_15' } })).json
      .result.item;
    expect(lead.ufCrmReferrer).toBe('15');
    expect((await post('crm.lead.fields', {})).json.result.UF_CRM_REFERRER.settings).toEqual({ CONTACT: 'Y' });
    // No type named: leads (crm-contact-userfield-add.md).
    await post('crm.company.userfield.add', { fields: { FIELD_NAME: 'ORIGIN_LEAD', USER_TYPE_ID: 'crm' } });
    expect((await post('crm.company.fields', {})).json.result.UF_CRM_ORIGIN_LEAD.settings).toEqual({ LEAD: 'Y' });
  });

  it('errors of the page: missing names and types joined with \\n, bad characters, too long, unknown type, taken name', async () => {
    const add = (fields: Record<string, unknown>) => post('crm.company.userfield.add', { fields });
    let r = await add({ LABEL: 'x' });
    expect([r.status, r.json]).toEqual([
      400,
      { error: '', error_description: "The 'FIELD_NAME' field is not found.\nThe 'USER_TYPE_ID' field is not found." },
    ]);
    r = await add({ FIELD_NAME: 'X', USER_TYPE_ID: 'hologram' });
    expect(r.json.error_description).toBe('Incorrect custom type specified');
    r = await add({ FIELD_NAME: 'SALDO-DEVEDOR', USER_TYPE_ID: 'double' });
    expect(r.json).toEqual({
      error: 'ERROR_CORE',
      error_description: 'Field name contains invalid characters. Allowed characters are: A-Z, 0-9 and _',
    });
    r = await add({ FIELD_NAME: 'A'.repeat(44), USER_TYPE_ID: 'string' });
    expect(r.json.error_description).toBe('Field name is too long (more than 50 characters)');
    r = await add({ FIELD_NAME: 'CNPJ', USER_TYPE_ID: 'string' });
    expect(r.json.error).toBe('ERROR_CORE');
    r = await add({
      FIELD_NAME: 'TAGS',
      USER_TYPE_ID: 'enumeration',
      LIST: [
        { VALUE: 'a', XML_ID: 'A' },
        { VALUE: 'b', XML_ID: 'A' },
      ],
    });
    expect(r.json).toEqual({ error: '', error_description: 'A list item with XML_ID=A already exists' });
    expect((await post('crm.company.userfield.get', { id: 0 })).json.error_description).toBe(
      'ID is not defined or invalid.',
    );
    expect((await post('crm.company.userfield.get', { id: 999999 })).json.error).toBe('ERROR_NOT_FOUND');
    expect(await events()).toEqual([]);
  });
});

describe('crm.<entity>.userfield.delete', () => {
  it('takes the field out of every view of the entity, answers true, and sends its event; a bad id is refused', async () => {
    const id = (await post('crm.lead.userfield.add', { fields: { FIELD_NAME: 'TO_DROP', USER_TYPE_ID: 'string' } }))
      .json.result;
    await events();
    received = [];
    const r = await post('crm.lead.userfield.delete', { id });
    expect(r.json).toMatchObject({ result: true });
    expect(await events()).toEqual([
      ['ONCRMLEADUSERFIELDDELETE', { ID: String(id), ENTITY_ID: 'CRM_LEAD', FIELD_NAME: 'UF_CRM_TO_DROP' }],
    ]);
    const fields = (await post('crm.item.fields', { entityTypeId: 1 })).json.result.fields;
    expect(fields.ufCrmToDrop).toBeUndefined();
    expect((await post('crm.lead.fields', {})).json.result.UF_CRM_TO_DROP).toBeUndefined();
    for (const bad of [{ id }, { id: 0 }, {}]) {
      const again = await post('crm.lead.userfield.delete', bad);
      expect(again.status).toBe(400);
      expect(again.json).toMatchObject({ error: '', error_description: 'ID is not defined or invalid' });
    }
  });
});

describe('crm.type.add', () => {
  it('a smart process with its default funnel and stages, usable at once; ONCRMTYPEADD with the type id', async () => {
    const r = await post('crm.type.add', {
      fields: { title: 'Projects', isStagesEnabled: 'Y', isClientEnabled: 'Y', isCategoriesEnabled: 'Y' },
    });
    expect(r.status).toBe(200);
    const type = r.json.result.type;
    expect(type).toMatchObject({
      id: 5,
      title: 'Projects',
      entityTypeId: 1036,
      isStagesEnabled: 'Y',
      isClientEnabled: 'Y',
      isLinkWithProductsEnabled: 'N',
      isSetOpenPermissions: 'Y',
      relations: { parent: [], child: [] },
    });
    expect(await events()).toEqual([['ONCRMTYPEADD', { ID: '5' }]]);
    const list = (await post('crm.type.list', { filter: { title: 'Projects' } })).json.result.types;
    expect(list.map((t: { entityTypeId: number }) => t.entityTypeId)).toEqual([1036]);
    const cats = (await post('crm.category.list', { entityTypeId: 1036 })).json.result.categories;
    expect(cats).toEqual([{ id: 12, name: 'General', sort: 100, entityTypeId: 1036, isDefault: 'Y' }]);
    const stages = (await post('crm.status.list', { filter: { ENTITY_ID: 'DYNAMIC_1036_STAGE_12' } })).json.result;
    expect(stages.map((s: { STATUS_ID: string }) => s.STATUS_ID)).toEqual([
      'DT1036_12:NEW',
      'DT1036_12:PREPARATION',
      'DT1036_12:CLIENT',
      'DT1036_12:SUCCESS',
      'DT1036_12:FAIL',
    ]);
    const item = (
      await post('crm.item.add', { entityTypeId: 1036, fields: { title: 'Website relaunch', contactIds: [3] } })
    ).json.result.item;
    expect(item).toMatchObject({ id: 1, categoryId: 12, stageId: 'DT1036_12:NEW', contactIds: [3] });
    const fields = (await post('crm.item.fields', { entityTypeId: 1036 })).json.result.fields;
    expect(fields.stageId.statusType).toBe('DYNAMIC_1036_STAGE_12');
    expect(fields).not.toHaveProperty('opportunity');

    received = [];
    const uf = await post('userfieldconfig.add', {
      moduleId: 'crm',
      field: { entityId: 'CRM_5', fieldName: 'UF_CRM_5_DEADLINE', userTypeId: 'date', editFormLabel: 'Deadline' },
    });
    expect(uf.status).toBe(200);
    expect(await events()).toEqual([
      ['ONCRMTYPEUSERFIELDADD', { ID: uf.json.result.field.id, ENTITY_ID: 'CRM_5', FIELD_NAME: 'UF_CRM_5_DEADLINE' }],
    ]);
    const dated = await post('crm.item.update', {
      entityTypeId: 1036,
      id: 1,
      fields: { ufCrm5Deadline: '2025-06-30' },
    });
    expect(dated.json.result.item.ufCrm5Deadline).toBe('2025-06-30T00:00:00+03:00');
  });

  it('entityTypeId given: in 128–192 or even from 1030, not taken; fields and title required', async () => {
    const ok = await post('crm.type.add', { fields: { title: 'Договоры аренды', entityTypeId: 190 } });
    expect(ok.json.result.type).toMatchObject({ entityTypeId: 190, isStagesEnabled: 'N' });
    expect((await post('crm.category.list', { entityTypeId: 190 })).json.total).toBe(1);
    for (const entityTypeId of [1031, 194, 127, 2]) {
      const r = await post('crm.type.add', { fields: { title: 'X', entityTypeId } });
      expect([r.status, r.json], String(entityTypeId)).toEqual([
        400,
        { error: 'INVALID_ARG_VALUE', error_description: 'entityTypeId is out of allowed range' },
      ]);
    }
    expect((await post('crm.type.add', { fields: { title: 'X', entityTypeId: 130 } })).json.error).toBe(
      'INVALID_ARG_VALUE',
    );
    expect((await post('crm.type.add', {})).json).toEqual({
      error: '100',
      error_description: 'Could not find value for parameter {fields}',
    });
    expect((await post('crm.type.add', { fields: { title: ' ' } })).json.error).toBe('INVALID_ARG_VALUE');
    expect(await events()).toEqual([['ONCRMTYPEADD', { ID: String(ok.json.result.type.id) }]]);
  });
});
