// lead / leads / createLead / updateLead / clearLeadFields / moveLeadStage / deleteLead end to end
// over HTTP (60 demo leads).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { MUTATION_RESULT } from '../helpers/mutations.js';
import { all, call, commands, ids, row } from './crm-truth.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());
beforeEach(() => s.emulator.resetCounters());

const PAGE = `query($first: Int, $after: String, $filter: LeadFilter) {
  leads(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { node { bitrixId } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
const RESULT = MUTATION_RESULT;
const LEAD =
  'bitrixId title name lastName fullName statusId status { name semantics } sourceId opportunity currency company { bitrixId } contact { bitrixId } assignedBy { bitrixId } phones { bitrixId value valueType } emails { value }';
const CREATE = `mutation($input: CreateLeadInput!) { createLead(input: $input) { ${RESULT} ... on CreateLeadSuccess { data { ${LEAD} } } } }`;
const UPDATE = `mutation($id: Int!, $input: UpdateLeadInput!) { updateLead(id: $id, input: $input) { ${RESULT} ... on UpdateLeadSuccess { data { ${LEAD} } } } }`;

const codes = (r: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) =>
  (r.body.errors ?? []).map((e) => e.extensions?.code);
const bitrixIds = (r: any) => r.body.data.leads.edges.map((e: any) => e.node.bitrixId);

async function create(input: Record<string, unknown>) {
  const r = await s.gql(CREATE, { input });
  return data(r).createLead;
}

describe('lead(id) and leads', () => {
  it("returns a lead with its status and people (the seed's getLeadFields)", async () => {
    const truth = row(s, 'crm.lead', 3);
    const r = await s.gql(
      `{ lead(id: 3) { id ${LEAD} createdAt customFields { name } } missing: lead(id: 55555) { title } }`,
    );
    const l = data(r).lead;
    expect(l).toMatchObject({
      bitrixId: 3,
      title: truth.TITLE,
      name: truth.NAME,
      lastName: truth.LAST_NAME,
      statusId: truth.STATUS_ID,
      assignedBy: { bitrixId: Number(truth.ASSIGNED_BY_ID) },
    });
    expect(l.fullName).toBe(`${truth.NAME} ${truth.LAST_NAME}`);
    expect(l.status.name).toBe(
      call(s, 'crm.status.list', { filter: { ENTITY_ID: 'STATUS', STATUS_ID: truth.STATUS_ID } }).result[0].NAME,
    );
    expect(l.phones.map((p: any) => p.value)).toEqual((truth.PHONE ?? []).map((p: any) => p.VALUE));
    expect(Buffer.from(l.id, 'base64').toString()).toBe('Lead:3');
    expect(r.body.data.missing).toBeNull();
  });

  it('pages past 50 rows with exact pageInfo and totalCount, in one request per page', async () => {
    const truth = ids(all(s, 'crm.lead'));
    const p1 = await s.gql(PAGE, { first: 50 });
    expect(s.emulator.counters.httpRequests).toBe(1);
    expect(p1.body.data.leads.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = await s.gql(PAGE, { first: 50, after: p1.body.data.leads.pageInfo.endCursor });
    expect(p2.body.data.leads.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect([...bitrixIds(p1), ...bitrixIds(p2)]).toEqual(truth);
    expect(p1.body.data.leads.totalCount).toBe(truth.length);
  });

  it('filters by title text, status and employee; text is literal', async () => {
    const sample = row(s, 'crm.lead', 5);
    const word = String(sample.TITLE).split(' ')[0];
    for (const [filter, truthFilter] of [
      [{ search: word }, { '%TITLE': word }],
      [{ statusId: sample.STATUS_ID }, { STATUS_ID: sample.STATUS_ID }],
      [
        { assignedById: Number(sample.ASSIGNED_BY_ID), statusId: sample.STATUS_ID },
        { ASSIGNED_BY_ID: sample.ASSIGNED_BY_ID, STATUS_ID: sample.STATUS_ID },
      ],
    ] as [Record<string, unknown>, Record<string, unknown>][]) {
      const r = await s.gql(PAGE, { first: 100, filter });
      const truth = ids(all(s, 'crm.lead', truthFilter));
      expect(truth.length).toBeGreaterThan(0);
      expect(bitrixIds(r), JSON.stringify(filter)).toEqual(truth);
    }
    for (const search of ['>0', '!inquiry', '%', '='])
      expect(bitrixIds(await s.gql(PAGE, { first: 100, filter: { search } }))).toEqual([]);
    expect(codes(await s.gql(PAGE, { first: -1 }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await s.gql(PAGE, { first: 3000 }))).toEqual([
      expect.stringMatching(/^(BAD_USER_INPUT|QUERY_TOO_COMPLEX)$/),
    ]);
    expect(codes(await s.gql(PAGE, { first: 3, filter: { field: { name: 'nope', value: 'x' } } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('lists the field definitions of leads', async () => {
    const r = await s.gql('{ leadFields { upperName } }');
    expect(r.body.data.leadFields.map((f: any) => f.upperName)).toContain('TITLE');
  });
});

describe('createLead', () => {
  it("creates a lead WITH its title (the seed's createLead dropped it), references checked, labels accepted", async () => {
    const out = await create({
      title: 'Website inquiry',
      name: 'Maria',
      lastName: 'Souza',
      statusId: 'In progress',
      sourceId: 'WEB',
      assignedById: 2,
      companyId: 3,
      contactId: 4,
      opportunity: 1500.5,
      currency: 'brl',
      phones: [{ value: '+55 21 99999-0000', valueType: 'MOBILE' }],
      emails: [{ value: 'maria@example.test' }],
    });
    expect(out.__typename).toBe('CreateLeadSuccess');
    expect(out.data).toMatchObject({
      title: 'Website inquiry',
      fullName: 'Maria Souza',
      statusId: 'IN_PROCESS',
      status: { name: 'In progress', semantics: 'PROCESS' },
      sourceId: 'WEB',
      opportunity: 1500.5,
      currency: 'BRL',
      company: { bitrixId: 3 },
      contact: { bitrixId: 4 },
      assignedBy: { bitrixId: 2 },
      emails: [{ value: 'maria@example.test' }],
    });
    expect(row(s, 'crm.lead', out.data.bitrixId)).toMatchObject({ TITLE: 'Website inquiry', STATUS_ID: 'IN_PROCESS' });
  });

  it('refuses bad input with a ValidationError naming the field, and sends nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'x', statusId: 'NOPE' }, 'statusId'],
      [{ title: 'x', companyId: 999999 }, 'companyId'],
      [{ title: 'x', contactId: 999999 }, 'contactId'],
      [{ title: 'x', assignedById: 999 }, 'assignedById'],
      [{ title: 'x', currency: 'EURO' }, 'currency'],
      [{ title: 'x', opportunity: -4 }, 'opportunity'],
      [{ title: 'x', fields: { ufCrmWhatever: 1 } }, 'ufCrmWhatever'],
      [{ title: ' ' }, 'title'],
      [{ title: 'x', emails: [{ value: 'a@b' }] }, 'emails[0].value'],
    ];
    for (const [input, field] of cases) {
      const out = await create(input);
      expect(out, JSON.stringify(input)).toMatchObject({ __typename: 'ValidationError', field });
    }
    expect(commands(s, 'crm.lead.add')).toBe(0);
  });

  it('is idempotent with a key (kept in ORIGIN_ID: leads have no ORIGIN_VERSION)', async () => {
    const input = { title: 'Idem lead', idempotencyKey: '50% off_promo' };
    const first = await create(input);
    const again = await create(input);
    expect(again.data.bitrixId).toBe(first.data.bitrixId);
    expect(commands(s, 'crm.lead.add')).toBe(1);
    expect(row(s, 'crm.lead', first.data.bitrixId)).toMatchObject({
      ORIGINATOR_ID: 'bitrix24-graphql',
      ORIGIN_ID: expect.stringMatching(/^b24gql:[0-9a-f]{24}:/),
    });
    const other = await create({ ...input, name: 'Changed' });
    expect(other).toMatchObject({ __typename: 'ValidationError', field: 'idempotencyKey' });
    // A key that LIKE would treat as a pattern matching the first one is still another key.
    const wild = await create({ title: 'Idem lead', idempotencyKey: '50%' });
    expect(wild.data.bitrixId).not.toBe(first.data.bitrixId);
  });

  it('a lost answer is found through the key in the same call (one lead); without a key it is UPSTREAM_OUTCOME_UNKNOWN', async () => {
    s.emulator.setFaults({ rate: 1, kinds: ['dropAfterCommit'], methods: ['crm.lead.add'] });
    const recovered = await create({ title: 'Lost lead', idempotencyKey: 'lost-lead' });
    const bare = await create({ title: 'Lost lead bare' });
    s.emulator.setFaults(null);
    expect(all(s, 'crm.lead', { TITLE: 'Lost lead' }).map((l) => Number(l.ID))).toEqual([recovered.data.bitrixId]);
    expect(bare).toMatchObject({ __typename: 'UpstreamError', code: 'UPSTREAM_OUTCOME_UNKNOWN', retryable: false });
  });
});

describe('updateLead and deleteLead', () => {
  it('changes fields and phones; a missing lead is a NotFoundError', async () => {
    const made = (await create({ title: 'To update', phones: [{ value: '+55 11 1234-5678' }] })).data;
    const r = await s.gql(UPDATE, {
      id: made.bitrixId,
      input: {
        title: 'Updated',
        statusId: 'JUNK',
        lastName: 'Lima',
        phones: { update: [{ bitrixId: made.phones[0].bitrixId, valueType: 'HOME' }] },
      },
    });
    expect(data(r).updateLead.data).toMatchObject({
      title: 'Updated',
      statusId: 'JUNK',
      status: { semantics: 'FAILURE' },
      lastName: 'Lima',
    });
    expect(r.body.data.updateLead.data.phones).toMatchObject([
      { bitrixId: made.phones[0].bitrixId, value: '+55 11 1234-5678', valueType: 'HOME' },
    ]);

    const missing = await s.gql(UPDATE, { id: 777777, input: { title: 'x' } });
    expect(missing.body.data.updateLead).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Lead',
      bitrixId: 777777,
    });
    const bad = await s.gql(UPDATE, { id: made.bitrixId, input: { statusId: 'C1:WON' } });
    expect(bad.body.data.updateLead).toMatchObject({ __typename: 'ValidationError', field: 'statusId' });
  });

  it('deletes a lead; deleting it again is a NotFoundError', async () => {
    const id = (await create({ title: 'Doomed lead' })).data.bitrixId;
    const DELETE = `mutation($id: Int!) { deleteLead(id: $id) { ${RESULT} ... on DeleteLeadSuccess { data { bitrixId } } } }`;
    expect((await s.gql(DELETE, { id })).body.data.deleteLead).toEqual({
      __typename: 'DeleteLeadSuccess',
      data: { bitrixId: id },
    });
    expect(row(s, 'crm.lead', id)).toBeNull();
    expect((await s.gql(DELETE, { id })).body.data.deleteLead).toMatchObject({ __typename: 'NotFoundError' });
  });
});

describe('clearLeadFields', () => {
  const CLEAR = `mutation($id: Int!, $fields: [String!]!) { clearLeadFields(id: $id, fields: $fields) { ${RESULT} ... on ClearLeadFieldsSuccess { data { ${LEAD} companyTitle comments: field(name: "COMMENTS") { value } } } } }`;

  it('empties system fields, links and every e-mail (crm.lead.update); the rest stays', async () => {
    const made = (
      await create({
        title: 'Clear me',
        name: 'Ana',
        companyTitle: 'Ana Ltda',
        comments: 'note',
        companyId: 3,
        emails: [{ value: 'ana@clear.test' }, { value: 'ana2@clear.test' }],
        phones: [{ value: '+55 11 3333-0000' }],
      })
    ).data;
    s.emulator.resetCounters();
    const r = await s.gql(CLEAR, { id: made.bitrixId, fields: ['COMMENTS', 'companyTitle', 'companyId', 'emails'] });
    expect(data(r).clearLeadFields.data).toMatchObject({
      title: 'Clear me',
      name: 'Ana',
      companyTitle: null,
      comments: { value: null },
      company: null,
      emails: [],
      phones: [{ value: '+55 11 3333-0000' }],
    });
    expect(commands(s, 'crm.lead.update')).toBe(1);
    expect(row(s, 'crm.lead', made.bitrixId)).toMatchObject({
      TITLE: 'Clear me',
      COMPANY_TITLE: null,
      COMPANY_ID: null,
    });
    expect(row(s, 'crm.lead', made.bitrixId)).not.toHaveProperty('EMAIL');
  });

  it('refuses unknown and read-only names, the title and the status; a missing lead is a NotFoundError; nothing is sent', async () => {
    for (const [name, field] of [
      ['ufCrmNothing', 'ufCrmNothing'],
      ['DATE_CREATE', 'DATE_CREATE'],
      ['title', 'title'],
      ['STATUS_ID', 'STATUS_ID'],
      ['stageId', 'stageId'],
    ]) {
      const r = await s.gql(CLEAR, { id: 1, fields: [name] });
      expect(r.body.data.clearLeadFields, name).toMatchObject({ __typename: 'ValidationError', field });
    }
    const empty = await s.gql(CLEAR, { id: 1, fields: [] });
    expect(empty.body.data.clearLeadFields).toMatchObject({ __typename: 'ValidationError', field: 'fields' });
    const missing = await s.gql(CLEAR, { id: 434343, fields: ['COMMENTS'] });
    expect(missing.body.data.clearLeadFields).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Lead',
      bitrixId: 434343,
    });
    expect(commands(s, 'crm.lead.update')).toBe(0);
  });
});

describe('moveLeadStage', () => {
  const MOVE = `mutation($id: Int!, $statusId: String!) { moveLeadStage(id: $id, statusId: $statusId) { ${RESULT} ... on MoveLeadStageSuccess { data { ${LEAD} } } } }`;

  it('moves a lead to another status by code or by name; only the status changes', async () => {
    const made = (await create({ title: 'Mover', statusId: 'NEW', comments: 'stays' })).data;
    const byCode = await s.gql(MOVE, { id: made.bitrixId, statusId: 'IN_PROCESS' });
    expect(data(byCode).moveLeadStage.data).toMatchObject({
      title: 'Mover',
      statusId: 'IN_PROCESS',
      status: { semantics: 'PROCESS' },
    });
    const byName = await s.gql(MOVE, { id: made.bitrixId, statusId: 'junk lead' });
    expect(data(byName).moveLeadStage.data).toMatchObject({ statusId: 'JUNK', status: { semantics: 'FAILURE' } });
    expect(row(s, 'crm.lead', made.bitrixId)).toMatchObject({ STATUS_ID: 'JUNK', COMMENTS: 'stays', TITLE: 'Mover' });
  });

  it('an unknown status is a ValidationError and a missing lead a NotFoundError; nothing is sent', async () => {
    const bad = await s.gql(MOVE, { id: 1, statusId: 'C1:WON' });
    expect(bad.body.data.moveLeadStage).toMatchObject({ __typename: 'ValidationError', field: 'statusId' });
    const missing = await s.gql(MOVE, { id: 565656, statusId: 'NEW' });
    expect(missing.body.data.moveLeadStage).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Lead',
      bitrixId: 565656,
    });
    expect(commands(s, 'crm.lead.update')).toBe(0);
  });
});
