// user.get / user.search / user.current and department.get (§8): ids as strings, ACTIVE a real
// boolean and UF_DEPARTMENT numbers (§2.6), department SORT a number.
import type { MethodContext, MethodTable, Params } from '../types.js';
import { compileFilter, compileOrder, runQuery, type Access, type Resolver } from '../filter.js';
import type { Storage } from '../fields.js';
import type { Db, DeptRec, UserRec } from '../store.js';
import { asList, dateToMs, isObj, isoDate, isoDateTime, oldError, pget, toStart } from '../util.js';

const USER_FIELDS: Record<string, Storage> = {
  ID: 'int',
  ACTIVE: 'bool',
  NAME: 'str',
  LAST_NAME: 'str',
  SECOND_NAME: 'str',
  EMAIL: 'str',
  LAST_LOGIN: 'datetime',
  DATE_REGISTER: 'datetime',
  TIME_ZONE: 'str',
  IS_ONLINE: 'bool',
  PERSONAL_GENDER: 'str',
  PERSONAL_BIRTHDAY: 'date',
  PERSONAL_MOBILE: 'str',
  WORK_PHONE: 'str',
  WORK_POSITION: 'str',
  UF_EMPLOYMENT_DATE: 'date',
  UF_DEPARTMENT: 'int',
  UF_PHONE_INNER: 'str',
  USER_TYPE: 'str',
};

/** Keys of user.get that are not filter fields when given at the top level. */
const NOT_FILTER = new Set(['SORT', 'ORDER', 'START', 'SELECT', 'FILTER', 'ADMIN_MODE', 'AUTH', 'FIND', 'NAME_SEARCH']);

function userResolver(db: Db): Resolver {
  return (name) => {
    const key = name.toUpperCase();
    const storage = USER_FIELDS[key];
    if (!storage) return null;
    let get = (u: UserRec): unknown => u[key as keyof UserRec];
    if (storage === 'date')
      get = (u) => {
        const v = u[key as keyof UserRec];
        return typeof v === 'string' && v ? dateToMs(v, db.offset) : null;
      };
    return {
      name,
      storage,
      isId: key === 'ID',
      multiple: key === 'UF_DEPARTMENT',
      get: get as (r: never) => unknown,
    } satisfies Access;
  };
}

function renderUser(db: Db, u: UserRec, select: Set<string> | null): Record<string, unknown> {
  const d = (v: string | null) => (v ? isoDate(v, db.offset) : '');
  const row: Record<string, unknown> = {
    ID: String(u.ID),
    ACTIVE: u.ACTIVE,
    NAME: u.NAME,
    LAST_NAME: u.LAST_NAME,
    SECOND_NAME: u.SECOND_NAME,
    EMAIL: u.EMAIL,
    LAST_LOGIN: u.LAST_LOGIN === null ? '' : isoDateTime(u.LAST_LOGIN, db.offset),
    DATE_REGISTER: isoDateTime(u.DATE_REGISTER, db.offset),
    TIME_ZONE: u.TIME_ZONE,
    IS_ONLINE: u.IS_ONLINE ? 'Y' : 'N',
    PERSONAL_GENDER: u.PERSONAL_GENDER,
    PERSONAL_BIRTHDAY: d(u.PERSONAL_BIRTHDAY),
    PERSONAL_MOBILE: u.PERSONAL_MOBILE,
    WORK_PHONE: u.WORK_PHONE,
    WORK_POSITION: u.WORK_POSITION,
    UF_EMPLOYMENT_DATE: d(u.UF_EMPLOYMENT_DATE),
    UF_DEPARTMENT: [...u.UF_DEPARTMENT],
    UF_PHONE_INNER: u.UF_PHONE_INNER,
    USER_TYPE: u.USER_TYPE,
  };
  if (!select) return row;
  return Object.fromEntries(Object.entries(row).filter(([k]) => k === 'ID' || select.has(k)));
}

/** `select` with `*`/`UF_*`; unknown names skipped silently (§8.1). */
function userSelect(params: Params): Set<string> | null {
  const names = asList(pget(params, 'select')).map((x) => String(x).toUpperCase());
  if (names.length === 0 || names.includes('*')) return null;
  const out = new Set<string>();
  for (const n of names) {
    if (n === 'UF_*')
      for (const k of Object.keys(USER_FIELDS))
        if (k.startsWith('UF_')) out.add(k);
        else if (n in USER_FIELDS) out.add(n);
  }
  return out;
}

/** Filter keys may sit at the top level, in `filter` or in `FILTER` (§8.1). */
function collectFilter(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    const bare = k.replace(/^[!=<>@%]+/, '').toUpperCase();
    if (!NOT_FILTER.has(bare) && bare in USER_FIELDS) out[k] = v;
  }
  for (const src of [params.filter, params.FILTER]) if (isObj(src)) Object.assign(out, src);
  return out;
}

function findValue(params: Params, key: string): string | undefined {
  for (const src of [params.filter, params.FILTER, params]) {
    if (!isObj(src)) continue;
    for (const [k, v] of Object.entries(src))
      if (k.toUpperCase() === key && v !== undefined && v !== null && v !== '') return String(v);
  }
  return undefined;
}

const words = (s: string) => s.toLowerCase().split(/\s+/).filter(Boolean);

function userList(db: Db, params: Params, search: boolean) {
  const resolve = userResolver(db);
  const find = search ? findValue(params, 'FIND') : undefined;
  // FIND cannot be combined with other filter fields (§8.1): it replaces them.
  const filter = find !== undefined ? {} : collectFilter(params);
  delete filter.NAME_SEARCH;
  delete filter.name_search;
  const compiled = compileFilter(filter, { resolve, strict: false, logic: false, offset: db.offset });
  const nameSearch = find === undefined ? findValue(params, 'NAME_SEARCH') : undefined;
  const extra: ((u: UserRec) => boolean)[] = [];
  if (nameSearch !== undefined) {
    const ws = words(nameSearch);
    extra.push((u) => ws.every((w) => `${u.NAME} ${u.LAST_NAME} ${u.SECOND_NAME}`.toLowerCase().includes(w)));
  }
  if (find !== undefined) {
    const ws = words(find);
    extra.push((u) => {
      const depts = u.UF_DEPARTMENT.map((id) => db.departments.get(id)?.NAME ?? '').join(' ');
      const hay = `${u.NAME} ${u.LAST_NAME} ${u.WORK_POSITION} ${depts}`.toLowerCase();
      return ws.every((w) => hay.includes(w));
    });
  }
  if (extra.length) {
    const base = compiled.pred;
    compiled.pred = (u) => (!base || base(u)) && extra.every((p) => p(u as UserRec));
  }
  const sort = pget(params, 'sort');
  const dir = pget(params, 'order');
  const order = typeof sort === 'string' && sort ? { [sort]: typeof dir === 'string' ? dir : 'ASC' } : undefined;
  const page = runQuery(db.users, compiled, compileOrder(order, resolve, false), toStart(pget(params, 'start')));
  const sel = userSelect(params);
  const result = page.rows.map((u) => renderUser(db, u, sel));
  return page.next === undefined ? { result, total: page.total } : { result, total: page.total, next: page.next };
}

const DEPT_FIELDS: Record<string, Storage> = { ID: 'int', NAME: 'str', SORT: 'int', PARENT: 'int', UF_HEAD: 'int' };

function renderDept(d: DeptRec): Record<string, unknown> {
  const row: Record<string, unknown> = { ID: String(d.ID), NAME: d.NAME, SORT: d.SORT };
  // The root department has no PARENT (§8.2, inferred).
  if (d.PARENT !== null) row.PARENT = String(d.PARENT);
  if (d.UF_HEAD !== null) row.UF_HEAD = String(d.UF_HEAD);
  return row;
}

export function userMethods(db: Db): MethodTable {
  const deptResolver: Resolver = (name) => {
    const key = name.toUpperCase();
    const storage = DEPT_FIELDS[key];
    if (!storage) return null;
    return {
      name,
      storage,
      isId: key === 'ID',
      get: ((d: DeptRec) => d[key as keyof DeptRec]) as (r: never) => unknown,
    };
  };
  return {
    'user.get': (params) => userList(db, params, false),
    'user.search': (params) => userList(db, params, true),
    'user.current': (_params, ctx: MethodContext) => {
      const u = db.users.get(ctx.userId);
      if (!u) throw oldError('User not found');
      return { result: renderUser(db, u, null) };
    },
    // Filters are top-level params (ID, NAME, SORT, PARENT, UF_HEAD); `sort` + `order` (§8.2).
    'department.get': (params) => {
      const filter: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(params)) {
        const bare = k.replace(/^[!=<>@%]+/, '').toUpperCase();
        if (bare in DEPT_FIELDS && bare !== 'SORT') filter[k] = v;
        else if (k === 'SORT' || (bare === 'SORT' && k !== 'sort')) filter[k] = v;
      }
      if (isObj(params.filter)) Object.assign(filter, params.filter);
      const compiled = compileFilter(filter, { resolve: deptResolver, strict: false, logic: false, offset: db.offset });
      const sort = params.sort;
      const order =
        typeof sort === 'string' ? { [sort]: typeof params.order === 'string' ? params.order : 'ASC' } : undefined;
      const page = runQuery(
        db.departments,
        compiled,
        compileOrder(order, deptResolver, false),
        toStart(pget(params, 'start')),
      );
      const result = page.rows.map(renderDept);
      return page.next === undefined ? { result, total: page.total } : { result, total: page.total, next: page.next };
    },
  };
}
