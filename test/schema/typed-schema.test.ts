// The schema generated from the portal's metadata (src/schema/portal): a type per smart process
// beside the generic API, typed custom fields read and written, typed stages refused at
// validation, the names file, and a schema that follows the portal while the gateway runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNames } from '../../src/schema/portal/names-file.js';
import { data, portalCall, startStack, type Stack } from '../helpers/stack.js';

const TOKEN = 'typed-schema-events';
let s: Stack;
beforeAll(async () => {
  s = await startStack({ gateway: { events: { applicationToken: TOKEN }, typedSchema: { refreshMs: 0 } } });
});
afterAll(() => s.close());

const CREATE = `mutation($input: CreateOnboardingInput!) { createOnboarding(input: $input) {
  __typename ... on CreateOnboardingSuccess { data { id bitrixId title priority moduli vip dueDate kickOff
    budget { amount currency } mentor { bitrixId } clienteFinal { bitrixId } tags stage { statusId } category { bitrixId } } }
  ... on Error { message } } }`;

describe('a smart process of its own', () => {
  it('creates, reads, updates and deletes a card with typed fields; the portal stores what was typed', async () => {
    const created = data(
      await s.gql(CREATE, {
        input: {
          title: 'Rollout São Paulo',
          stage: 'ENTERPRISE_APPROVAL',
          priority: 'URGENT',
          moduli: ['CRM', 'DISK'],
          vip: true,
          dueDate: '2026-12-24',
          kickOff: '2026-12-01T09:30:00Z',
          budget: { amount: 1500.5, currency: 'EUR' },
          mentor: 1,
          clienteFinal: 3,
          tags: ['piloto', 'Ünïcode ✓'],
        },
      }),
    ).createOnboarding;
    expect(created.__typename).toBe('CreateOnboardingSuccess');
    const card = created.data;
    expect(card).toMatchObject({
      title: 'Rollout São Paulo',
      priority: 'URGENT',
      moduli: ['CRM', 'DISK'],
      vip: true,
      dueDate: '2026-12-24',
      budget: { amount: 1500.5, currency: 'EUR' },
      mentor: { bitrixId: 1 },
      clienteFinal: { bitrixId: 3 },
      tags: ['piloto', 'Ünïcode ✓'],
      stage: { statusId: 'DT128_8:CLIENT' },
      category: { bitrixId: 8 }, // the stage's funnel
    });
    expect(Date.parse(card.kickOff)).toBe(Date.parse('2026-12-01T09:30:00Z'));
    // What the portal holds, read without the gateway.
    const row = (await portalCall(s, 'crm.item.get', { entityTypeId: 128, id: card.bitrixId })).result.item;
    expect(row).toMatchObject({ title: 'Rollout São Paulo', stageId: 'DT128_8:CLIENT', categoryId: 8 });
    expect(String(row.ufCrm1_1721812814433)).toBe('304'); // the list item's id
    expect(row.ufCrm_1_BUDGET2025).toBe('1500.5|EUR');
    expect(row.ufCrm1Tags).toEqual(['piloto', 'Ünïcode ✓']);
    expect(['CO_3', '3', 3]).toContain(row.ufCrm1EndClient); // bound to companies only: the portal may keep the bare id

    const updated = data(
      await s.gql(
        `mutation($id: Int!) { updateOnboarding(id: $id, input: { priority: LOW, vip: null, dueDate: null, stage: ENTERPRISE_SUCCESS }) {
          ... on UpdateOnboardingSuccess { data { priority vip dueDate stage { statusId } } } ... on Error { message } } }`,
        { id: card.bitrixId },
      ),
    ).updateOnboarding;
    expect(updated.data).toEqual({
      priority: 'LOW',
      vip: null, // cleared: no value (not "no")
      dueDate: null,
      stage: { statusId: 'DT128_8:SUCCESS' },
    });

    // The global id is the type's own: node() gives the Onboarding back.
    const node = data(
      await s.gql(
        'query($id: ID!) { node(id: $id) { __typename ... on Onboarding { bitrixId priority } } nodes(ids: [$id]) { __typename } }',
        { id: card.id },
      ),
    );
    expect(node.node).toEqual({ __typename: 'Onboarding', bitrixId: card.bitrixId, priority: 'LOW' });
    expect(node.nodes).toEqual([{ __typename: 'Onboarding' }]);

    const deleted = data(
      await s.gql('mutation($id: Int!) { deleteOnboarding(id: $id) { __typename } }', { id: card.bitrixId }),
    );
    expect(deleted.deleteOnboarding.__typename).toBe('DeleteSpaCardSuccess');
    expect(
      data(await s.gql('query($id: Int!) { onboarding(id: $id) { title } }', { id: card.bitrixId })).onboarding,
    ).toBeNull();
  });

  it('the generic API still reads every card; both types share the SmartProcessCard interface', async () => {
    const r = data(
      await s.gql(`{ spaCards(entityTypeId: 128, first: 1) { edges { node { __typename ...C } } }
        onboarding(id: 1) { __typename ...C priority } }
        fragment C on SmartProcessCard { bitrixId title stage { name } customFields { upperName } }`),
    );
    expect(r.spaCards.edges[0].node.__typename).toBe('SpaCard');
    expect(r.onboarding.__typename).toBe('Onboarding');
    expect(r.onboarding.bitrixId).toBe(r.spaCards.edges[0].node.bitrixId);
    expect(r.onboarding.customFields).toEqual(r.spaCards.edges[0].node.customFields);
  });

  it('refuses at validation what does not fit the type: another process stage, a list value it lacks, a bad date', async () => {
    s.emulator.resetCounters();
    for (const input of [
      { title: 'x', stage: 'START' }, // a stage of SupportTicket
      { title: 'x', priority: 'CRITICAL' },
      { title: 'x', dueDate: '2026-02-30' },
      { title: 'x', budget: { amount: 'ten', currency: 'EUR' } },
    ]) {
      const r = await s.gql(CREATE, { input });
      expect(r.body.errors?.[0]?.extensions?.code, JSON.stringify(input)).toMatch(
        /^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/,
      );
    }
    // A stage of another funnel than the one named, and a field given twice, are refused too.
    const mismatch = await s.gql(CREATE, { input: { title: 'x', stage: 'MAIN_START', funnel: 'ENTERPRISE' } });
    expect(mismatch.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const twice = await s.gql(
      'mutation { updateContact(id: 1, input: { cpf: "1", fields: { UF_CRM_CPF: "2" } }) { __typename } }',
    );
    expect(twice.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(s.emulator.counters.httpRequests, JSON.stringify(s.emulator.counters.commandsByMethod)).toBe(0);
  });
});

describe('typed custom fields on the standard types', () => {
  it('reads them typed, non-Latin and duplicate labels included, with no more upstream requests than the generic fields', async () => {
    const fresh = { 'cache-control': 'no-cache' };
    s.emulator.resetCounters();
    const typed = data(
      await s.gql(
        '{ contact(id: 5) { cpf idade clienteVip newsletter status status2 posledniyVizit dataDeInicio orcamento { amount currency } interesses tags accountManager { bitrixId } } }',
        {},
        fresh,
      ),
    ).contact;
    const typedRequests = s.emulator.counters.httpRequests;
    s.emulator.resetCounters();
    const generic = data(await s.gql('{ contact(id: 5) { customFields { upperName value } } }', {}, fresh)).contact;
    expect(typedRequests).toBeLessThanOrEqual(s.emulator.counters.httpRequests + 1); // + the employee read
    const value = (upper: string) =>
      generic.customFields.find((f: { upperName: string }) => f.upperName === upper)?.value;
    expect(typed.cpf).toBe(value('UF_CRM_CPF'));
    expect(typed.idade).toBe(value('UF_CRM_AGE'));
    expect(typed.status2).toBe(value('UF_CRM_1724412010'));
    expect(typed.dataDeInicio).toBe(
      value('UF_CRM_1724412003') ? String(value('UF_CRM_1724412003')).slice(0, 10) : null,
    );
    const schema = s.gateway.schema!.current;
    const contact = schema.getType('Contact') as import('graphql').GraphQLObjectType;
    expect(contact.getFields().dataDeInicio.description).toContain('Data de início');
    expect(contact.getFields().posledniyVizit.description).toContain('UF_CRM_LAST_VISIT');
  });
});

describe('the schema follows the portal', () => {
  // The portal's events reach the gateway here only (elsewhere they would add reads to the counts).
  beforeAll(() =>
    s.emulator.setOutgoingWebhook({ handlerUrl: s.url.replace('/graphql', '/bitrix/events'), applicationToken: TOKEN }),
  );
  afterAll(() => s.emulator.setOutgoingWebhook(null));

  it('a field added on the portal appears without a restart, announced by its event', async () => {
    await portalCall(s, 'crm.contact.userfield.add', {
      fields: { FIELD_NAME: 'NIVEL_FIDELIDADE', USER_TYPE_ID: 'integer', EDIT_FORM_LABEL: 'Nível de fidelidade' },
    });
    await expect
      .poll(() => !!(s.gateway.schema!.current.getType('Contact') as any).getFields().nivelDeFidelidade, {
        timeout: 5_000,
      })
      .toBe(true);
    await portalCall(s, 'crm.contact.update', { id: 2, fields: { UF_CRM_NIVEL_FIDELIDADE: 7 } });
    const r = data(
      await s.gql(
        '{ contact(id: 2) { nivelDeFidelidade } contacts(where: { nivelDeFidelidade: { eq: 7 } }) { totalCount } }',
      ),
    );
    expect(r).toEqual({ contact: { nivelDeFidelidade: 7 }, contacts: { totalCount: 1 } });
  });

  it('a field deleted on the portal disappears from the schema with a warning', async () => {
    const added = (
      await portalCall(s, 'crm.contact.userfield.add', {
        fields: { FIELD_NAME: 'TEMPORARIO', USER_TYPE_ID: 'string', EDIT_FORM_LABEL: 'Campo temporário' },
      })
    ).result;
    const has = () => !!(s.gateway.schema!.current.getType('Contact') as any).getFields().campoTemporario;
    await expect.poll(has, { timeout: 5_000 }).toBe(true);
    await portalCall(s, 'crm.contact.userfield.delete', { id: added });
    await expect.poll(has, { timeout: 5_000 }).toBe(false);
    expect(s.logs.some((l) => l.includes('Contact.campoTemporario is gone from the portal'))).toBe(true);
    const r = await s.gql('{ contact(id: 1) { campoTemporario } }');
    expect(r.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a smart process created on the portal gets its type and lists', async () => {
    const type = (await portalCall(s, 'crm.type.add', { fields: { title: 'Vehicles' } })).result.type;
    await expect
      .poll(() => !!s.gateway.schema!.current.getQueryType()!.getFields().vehicles, { timeout: 5_000 })
      .toBe(true);
    await portalCall(s, 'crm.item.add', { entityTypeId: type.entityTypeId, fields: { title: 'Truck 7' } });
    const r = data(
      await s.gql('{ vehicles(where: { title: { contains: "Truck" } }) { edges { node { __typename title } } } }'),
    );
    expect(r.vehicles.edges).toEqual([{ node: { __typename: 'Vehicle', title: 'Truck 7' } }]);
  });
});

describe('the names file', () => {
  it('renames and hides what it names; generated names avoid the pinned ones', async () => {
    const pinned = await startStack({
      gateway: {
        typedSchema: {
          names: parseNames({
            types: { '128': { type: 'Project', one: 'project', many: 'projects' } },
            fields: {
              '128': { UF_CRM_1_1721812814433: 'urgency', UF_CRM_1_TAGS: false },
              '3': { UF_CRM_CPF: 'taxId' },
            },
          }),
        },
      },
    });
    try {
      const r = data(
        await pinned.gql(
          '{ projects(first: 1, orderBy: [{ field: BITRIX_ID }]) { edges { node { __typename bitrixId urgency } } } contact(id: 1) { taxId } }',
        ),
      );
      expect(r.projects.edges[0].node).toMatchObject({ __typename: 'Project', bitrixId: 1 });
      expect(r.contact.taxId).toMatch(/^\d{11}$/);
      const hidden = await pinned.gql('{ project(id: 1) { tags } }');
      expect(hidden.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const project = pinned.gateway.schema!.current.getType('Project') as import('graphql').GraphQLObjectType;
      expect(String(project.getFields().urgency.type)).toBe('ProjectUrgency');
    } finally {
      await pinned.close();
    }
  });
});
