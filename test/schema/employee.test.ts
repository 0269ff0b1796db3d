// employees / employee / departments end to end over HTTP against the embedded portal.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SIZES } from '@bitrix24-graphql/demo-portal';
import { demoFacts } from '@bitrix24-graphql/demo-portal';
import { data, startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
const facts = demoFacts(DEMO_SIZES.small);
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());
beforeEach(() => s.emulator.resetCounters());

const PAGE = `query($first: Int, $after: String, $filter: EmployeeFilter) {
  employees(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { bitrixId fullName active isExtranet } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe('employees', () => {
  it('answers the README query with demo data', async () => {
    const r = await s.gql('{ employees(first: 5) { edges { node { fullName } } } }');
    expect(r.status).toBe(200);
    expect(data(r).employees.edges).toHaveLength(5);
    for (const edge of r.body.data.employees.edges) expect(edge.node.fullName).toMatch(/\S+ \S+/);
  });

  it('lists active company employees only by default (no extranet, no dismissed users)', async () => {
    const r = await s.gql(PAGE, { first: 100 });
    const ids = r.body.data.employees.edges.map((e: any) => e.node.bitrixId);
    expect(ids).toEqual(facts.activeEmployees);
    expect(r.body.data.employees.totalCount).toBe(facts.activeEmployees.length);
    expect(r.body.data.employees.pageInfo.hasNextPage).toBe(false);
  });

  it('includes extranet users and dismissed users on request', async () => {
    const r = await s.gql(PAGE, { first: 100, filter: { active: null, includeExtranet: true } });
    expect(r.body.data.employees.edges).toHaveLength(facts.users);
    const dismissed = await s.gql(PAGE, { first: 100, filter: { active: false } });
    expect(dismissed.body.data.employees.edges.map((e: any) => e.node.bitrixId)).toEqual(facts.inactive);
  });

  it('pages with cursors and exact pageInfo', async () => {
    const first = await s.gql(PAGE, { first: 4 });
    const page1 = first.body.data.employees;
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await s.gql(PAGE, { first: 100, after: page1.pageInfo.endCursor });
    const page2 = second.body.data.employees;
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect([...page1.edges, ...page2.edges].map((e: any) => e.node.bitrixId)).toEqual(facts.activeEmployees);
  });

  it('refuses a cursor issued for another filter, a garbage cursor, and a negative or huge first', async () => {
    const first = await s.gql(PAGE, { first: 2 });
    const cursor = first.body.data.employees.pageInfo.endCursor;
    const other = await s.gql(PAGE, { first: 2, after: cursor, filter: { departmentId: 2 } });
    expect(other.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const garbage = await s.gql(PAGE, { first: 2, after: 'not-a-cursor' });
    expect(garbage.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    for (const n of [-1, 2_501]) {
      const r = await s.gql(PAGE, { first: n });
      expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
    expect(s.emulator.counters.httpRequests).toBe(1); // only the valid first page reached the portal
  });

  it('filters by department and by name', async () => {
    const sales = await s.gql(
      '{ employees(first: 50, filter: {departmentId: 2}) { edges { node { departments { bitrixId } } } } }',
    );
    for (const e of sales.body.data.employees.edges)
      expect(e.node.departments.map((d: any) => d.bitrixId)).toContain(2);
    const admin = await s.gql('{ employees(first: 50, filter: {search: "Admin"}) { edges { node { fullName } } } }');
    expect(admin.body.data.employees.edges.map((e: any) => e.node.fullName)).toEqual(['Admin Acme']);
    const injected = await s.gql('{ employees(first: 50, filter: {search: ">0"}) { edges { node { fullName } } } }');
    expect(injected.body.data.employees.edges).toEqual([]);
  });

  it('looks one employee up by id (null when missing) and resolves its departments', async () => {
    const r = await s.gql(
      '{ a: employee(id: 1) { fullName departments { name parent { name } } } b: employee(id: 99999) { fullName } }',
    );
    expect(r.body.data.a.fullName).toBe('Admin Acme');
    expect(r.body.data.b).toBeNull();
    expect(s.emulator.counters.commandsByMethod['user.get']).toBe(1); // both ids in one command
  });

  it('costs one HTTP request for a page of 50 and one for their departments', async () => {
    s.portal.metadata.invalidate();
    const r = await s.gql(
      '{ employees(first: 50, filter: {active: null, includeExtranet: true}) { edges { node { departments { name } } } } }',
      {},
      { 'x-bitrix-cost': '1' },
    );
    data(r);
    expect(s.emulator.counters.httpRequests).toBe(2);
    expect(r.body.extensions.bitrix).toMatchObject({ httpRequests: 2 });
  });
});
