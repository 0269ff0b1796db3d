// Employees (user.get) and departments (department.get), normalised.
import type { ListMethod } from '../upstream/paging.js';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import { readAllByOffset, toFlag, toInt, toIntList, toText } from './values.js';
import { cacheOf, submitOnly, type ReadOptions } from './record-cache.js';

export interface EmployeeRecord {
  id: number;
  name: string | null;
  lastName: string | null;
  secondName: string | null;
  email: string | null;
  position: string | null;
  active: boolean;
  userType: string;
  departmentIds: number[];
}

export interface DepartmentRecord {
  id: number;
  name: string;
  sort: number;
  parentId: number | null;
  headId: number | null;
}

export const USER_LIST: ListMethod = { method: 'user.get', idKey: 'ID', rowsPath: [], style: 'user' };

export function toEmployee(row: Record<string, unknown>): EmployeeRecord {
  return {
    id: toInt(row.ID) ?? 0,
    name: toText(row.NAME),
    lastName: toText(row.LAST_NAME),
    secondName: toText(row.SECOND_NAME),
    email: toText(row.EMAIL),
    position: toText(row.WORK_POSITION),
    active: toFlag(row.ACTIVE),
    userType: toText(row.USER_TYPE) ?? 'employee',
    departmentIds: toIntList(row.UF_DEPARTMENT),
  };
}

export function fullName(person: { name: string | null; secondName?: string | null; lastName: string | null }): string {
  return [person.name, person.secondName, person.lastName].filter((p) => p?.trim()).join(' ');
}

export interface EmployeeFilter {
  /** undefined = active only (the seed listed fired users and extranet users alike). */
  active?: boolean | null;
  departmentId?: number | null;
  search?: string | null;
  includeExtranet?: boolean | null;
}

/** The user.get FILTER for an employee filter. Search text goes to NAME_SEARCH as a value,
 * never into a key, so it cannot change filter semantics. */
export function employeeFilter(filter: EmployeeFilter = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (filter.active !== null) out.ACTIVE = filter.active !== false;
  if (!filter.includeExtranet) out.USER_TYPE = 'employee';
  if (filter.departmentId != null) out.UF_DEPARTMENT = filter.departmentId;
  if (filter.search) out.NAME_SEARCH = filter.search;
  return out;
}

/** One keyset page of employees matching a user.get FILTER. */
export async function employeePage(
  portal: BitrixPortal,
  filter: Record<string, unknown>,
  after: number,
  first: number,
  options: SubmitOptions = {},
): Promise<{ rows: EmployeeRecord[]; hasNextPage: boolean }> {
  const page = await portal.page<Record<string, unknown>>(USER_LIST, {}, filter, after, first, options);
  return { rows: page.rows.map(toEmployee), hasNextPage: page.hasNextPage };
}

/** How many employees match (one user.get with a COUNT). */
export async function countEmployees(
  portal: BitrixPortal,
  filter: Record<string, unknown>,
  options: SubmitOptions = {},
): Promise<number> {
  return (await portal.read('user.get', { FILTER: filter, start: 0 }, options)).total ?? 0;
}

/** Where the read cache keeps employees: no CRM type has this number. Users send no change
 * events the gateway follows, so an employee is kept for the cache's TTL at most. */
const EMPLOYEES_IN_CACHE = -1;

/** Employees by id, in storage order: one user.get command per 50 ids (an `@ID` filter). */
export async function employeesByIds(
  portal: BitrixPortal,
  ids: readonly number[],
  options: ReadOptions = {},
): Promise<EmployeeRecord[]> {
  const fetch = (wanted: readonly number[]) =>
    portal.byIds(
      'user.get',
      wanted,
      (chunk) => ({ FILTER: { '@ID': chunk }, sort: 'ID', order: 'ASC', start: -1 }),
      [],
      submitOnly(options),
    );
  const cache = cacheOf(options);
  if (!cache) return (await fetch(ids)).map(toEmployee);
  return cache.records(EMPLOYEES_IN_CACHE, ids, undefined, (row) => toInt(row.ID) ?? 0, fetch, toEmployee);
}

export function departments(portal: BitrixPortal, options: SubmitOptions = {}): Promise<DepartmentRecord[]> {
  return portal.metadata.get(
    'departments',
    async () =>
      (await readAllByOffset(portal, 'department.get', { sort: 'ID', order: 'ASC' }, [], options)).map((row) => ({
        id: toInt(row.ID) ?? 0,
        name: toText(row.NAME) ?? '',
        sort: toInt(row.SORT) ?? 0,
        parentId: toInt(row.PARENT),
        headId: toInt(row.UF_HEAD),
      })),
    options.meter,
  );
}
