// Metadata methods: crm.type.* (§7.7), crm.category.* (§7.8), crm.status.list and
// crm.status.entity.types (§7.9).
import { ApiError, type MethodTable, type Params } from '../types.js';
import { SPA_FLAGS, type Category, type SpaType, type StatusRow } from '../catalog.js';
import { compileFilter, compileOrder, runQuery, type Access, type Resolver } from '../filter.js';
import type { Storage } from '../fields.js';
import { spaSchema } from '../schemas.js';
import { Table, type Db } from '../store.js';
import { isObj, isoDateTime, oldError, pget, toBool, toInt, toStart } from '../util.js';

const yn = (b: boolean) => (b ? 'Y' : 'N');

function renderType(db: Db, t: SpaType, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id,
    title: t.title,
    code: t.code,
    createdBy: 1,
    entityTypeId: t.entityTypeId,
    customSectionId: null,
  };
  for (const k of SPA_FLAGS) out[k] = yn(t.flags[k]);
  Object.assign(out, {
    createdTime: isoDateTime(t.createdTime, db.offset),
    updatedTime: isoDateTime(t.updatedTime, db.offset),
    updatedBy: 1,
  });
  if (full) Object.assign(out, { relations: { parent: [], child: [] }, linkedUserFields: {}, customSections: [] });
  return out;
}

/** crm.type.get / getByEntityTypeId on an unknown type: Bitrix\Main\Error with the default code 0,
 * a number in the envelope as the docs show it (`"error": 0`, crm-type-get.md). */
const spaNotFound = () => new ApiError(0, 'SPA not found');

type TypeRow = SpaType & { ID: number };

const TYPE_FIELDS: Record<string, Storage> = {
  id: 'int',
  entityTypeId: 'int',
  title: 'str',
  code: 'str',
  createdBy: 'int',
  updatedBy: 'int',
  createdTime: 'datetime',
  updatedTime: 'datetime',
};

const typeResolver: Resolver = (name) => {
  if (name in TYPE_FIELDS) {
    return {
      name,
      storage: TYPE_FIELDS[name],
      isId: name === 'id',
      get: ((t: TypeRow) => (name === 'createdBy' || name === 'updatedBy' ? 1 : t[name as keyof SpaType])) as (
        r: never,
      ) => unknown,
    } satisfies Access;
  }
  if ((SPA_FLAGS as readonly string[]).includes(name)) {
    return {
      name,
      storage: 'bool',
      get: ((t: TypeRow) => t.flags[name as (typeof SPA_FLAGS)[number]]) as (r: never) => unknown,
    };
  }
  return null;
};

function renderCategory(c: Category): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    name: c.name,
    sort: c.sort,
    entityTypeId: c.entityTypeId,
    isDefault: yn(c.isDefault),
  };
  // The doc example shows origin fields on user funnels only.
  if (!c.isDefault) Object.assign(out, { originId: '', originatorId: '' });
  return out;
}

const TYPE_NAMES: Record<number, string> = { 1: 'LEAD', 3: 'CONTACT', 4: 'COMPANY' };

function categoryType(db: Db, params: Params): number {
  const e = toInt(pget(params, 'entityTypeId'));
  if (e !== null && TYPE_NAMES[e])
    throw new ApiError('ENTITY_TYPE_NOT_SUPPORTED', `Entity type ${TYPE_NAMES[e]} is not supported`);
  if (e === null || (e !== 2 && !db.catalog.spaType(e))) throw new ApiError('NOT_FOUND', 'Smart process not found');
  return e;
}

function renderStatus(s: StatusRow): Record<string, unknown> {
  const row: Record<string, unknown> = {
    ID: String(s.ID),
    ENTITY_ID: s.ENTITY_ID,
    STATUS_ID: s.STATUS_ID,
    NAME: s.NAME,
    NAME_INIT: s.SYSTEM ? s.NAME : '',
    SORT: String(s.SORT),
    SYSTEM: yn(s.SYSTEM),
    CATEGORY_ID: s.CATEGORY_ID === null ? null : String(s.CATEGORY_ID),
    COLOR: s.COLOR,
    // null for in-progress stages (not "P"), "S" success, "F" failure/apology (§7.9).
    SEMANTICS: s.COLOR === null ? null : s.semantics === 'success' ? 'S' : s.semantics === 'process' ? null : 'F',
  };
  if (s.extra) row.EXTRA = { SEMANTICS: s.semantics, COLOR: s.COLOR };
  return row;
}

export function metaMethods(db: Db): MethodTable {
  const { catalog } = db;
  const types = new Table<TypeRow>();
  for (const t of catalog.types) types.insert({ ...t, ID: t.id });

  return {
    'crm.type.list': (params) => {
      const filter = pget(params, 'filter');
      const compiled = compileFilter(filter, {
        resolve: typeResolver,
        strict: true,
        logic: true,
        offset: db.offset,
      });
      const page = runQuery(
        types,
        compiled,
        compileOrder(pget(params, 'order'), typeResolver, true),
        toStart(pget(params, 'start')),
      );
      const out = { result: { types: page.rows.map((t) => renderType(db, t, false)) }, total: page.total };
      return page.next === undefined ? out : { ...out, next: page.next };
    },
    // crm-type-add.md: a new smart process with its default funnel and stages; its items are
    // served by crm.item.* at once, and ONCRMTYPEADD announces it with the type's id.
    'crm.type.add': (params, ctx) => {
      const fields = pget(params, 'fields');
      if (!isObj(fields)) throw new ApiError('100', 'Could not find value for parameter {fields}');
      const title = typeof fields.title === 'string' ? fields.title.trim() : '';
      // The page lists no error for a missing title (a required field): the ORM's "required"
      // error is answered as an invalid argument (UNCONFIRMED).
      if (title === '') throw new ApiError('INVALID_ARG_VALUE', 'Field "title" is required');
      let entityTypeId = catalog.nextEntityTypeId();
      if (fields.entityTypeId !== undefined && fields.entityTypeId !== null && fields.entityTypeId !== '') {
        const e = toInt(fields.entityTypeId);
        // "an even integer that is greater than or equal to 1030" or "in the range from 128 to 192".
        if (e === null || !((e >= 128 && e <= 192) || (e >= 1030 && e % 2 === 0)))
          throw new ApiError('INVALID_ARG_VALUE', 'entityTypeId is out of allowed range');
        // "It is not possible to create two SPAs with the same entityTypeId" (text UNCONFIRMED).
        if (catalog.spaType(e) || db.entities.has(e))
          throw new ApiError('INVALID_ARG_VALUE', 'entityTypeId is already in use');
        entityTypeId = e;
      }
      const flags = Object.fromEntries(
        SPA_FLAGS.map((k) => {
          const given = fields[k] === undefined ? null : toBool(fields[k]);
          return [k, given ?? k === 'isSetOpenPermissions'];
        }),
      ) as SpaType['flags'];
      const t = catalog.addType({
        title,
        entityTypeId,
        code: typeof fields.code === 'string' ? fields.code : '',
        flags,
        createdTime: Math.floor(ctx.now().getTime() / 1000) * 1000,
      });
      types.insert({ ...t, ID: t.id });
      db.entities.set(entityTypeId, { schema: spaSchema(t, catalog, db.links, []), table: new Table() });
      db.emitMeta({ event: 'ONCRMTYPEADD', fields: { ID: String(t.id) } });
      return { result: { type: renderType(db, t, true) } };
    },
    'crm.type.get': (params) => {
      const t = catalog.types.find((x) => x.id === toInt(pget(params, 'id')));
      if (!t) throw spaNotFound();
      return { result: { type: renderType(db, t, true) } };
    },
    'crm.type.getbyentitytypeid': (params) => {
      const t = catalog.spaType(toInt(pget(params, 'entityTypeId')) ?? 0);
      if (!t) throw spaNotFound();
      return { result: { type: renderType(db, t, true) } };
    },
    'crm.category.list': (params) => {
      const e = categoryType(db, params);
      const list = catalog
        .categoriesOf(e)
        .sort((a, b) => a.sort - b.sort || a.id - b.id)
        .map(renderCategory);
      return { result: { categories: list }, total: list.length };
    },
    'crm.category.get': (params) => {
      const e = categoryType(db, params);
      const c = catalog.categories.find((x) => x.entityTypeId === e && x.id === toInt(pget(params, 'id')));
      if (!c) throw new ApiError('NOT_FOUND', 'Element not found');
      return { result: { category: renderCategory(c) } };
    },
    // Returns every matching row at once with `total` (dictionaries are small); ignores `select`.
    'crm.status.list': (params) => {
      const filterRaw = pget(params, 'filter');
      // crm-status-list.md documents one error, for parameters it cannot use: a filter that is
      // not an object is refused, not ignored.
      if (
        filterRaw !== undefined &&
        filterRaw !== '' &&
        !isObj(filterRaw) &&
        !(Array.isArray(filterRaw) && filterRaw.length === 0)
      ) {
        throw new ApiError('Invalid parameters.', 'Incorrect parameters passed.', 400);
      }
      const filter = isObj(filterRaw)
        ? Object.fromEntries(Object.entries(filterRaw).map(([k, v]) => [k.toUpperCase(), v]))
        : {};
      if (filter.ENTITY_ID !== undefined && typeof filter.ENTITY_ID !== 'string')
        throw oldError('Filter by ENTITY_ID must be a string');
      let rows = catalog.statuses.map(renderStatus);
      for (const [k, v] of Object.entries(filter)) {
        if (!['ID', 'ENTITY_ID', 'STATUS_ID', 'NAME', 'SORT', 'SYSTEM', 'CATEGORY_ID', 'SEMANTICS'].includes(k))
          continue;
        rows = rows.filter((r) => String(r[k] ?? '') === String(v ?? ''));
      }
      const orderRaw = pget(params, 'order');
      const order = isObj(orderRaw) ? Object.entries(orderRaw) : [];
      if (order.length) {
        rows.sort((a, b) => {
          for (const [k, d] of order) {
            const key = k.toUpperCase();
            const x = a[key];
            const y = b[key];
            const c = /^(ID|SORT|CATEGORY_ID)$/.test(key)
              ? Number(x ?? -1) - Number(y ?? -1)
              : String(x ?? '').localeCompare(String(y ?? ''));
            if (c) return String(d).toUpperCase() === 'DESC' ? -c : c;
          }
          return Number(a.ID) - Number(b.ID);
        });
      }
      return { result: rows, total: rows.length };
    },
    'crm.status.entity.types': () => ({
      result: catalog.dictionaries().map((d) => {
        const row: Record<string, unknown> = { ID: d.ID, NAME: d.NAME };
        if (d.PREFIX !== undefined) row.PREFIX = d.PREFIX;
        if (d.ENTITY_TYPE_ID !== undefined) row.ENTITY_TYPE_ID = d.ENTITY_TYPE_ID;
        if (d.CATEGORY_ID !== undefined) row.CATEGORY_ID = String(d.CATEGORY_ID);
        return row;
      }),
    }),
  };
}
