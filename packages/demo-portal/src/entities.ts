// Create/update/delete of CRM records behind both method families: one canonical store per
// entity, so a contact added by crm.contact.add is the same record crm.item (entityTypeId 3)
// reads. Every committed change is announced through Db.emit.
import type { MethodContext } from './types.js';
import type { Rec } from './schemas.js';
import type { Db, EntityStore } from './store.js';
import { applyInput, type Mode } from './write.js';
import { dropRequisitesOf } from './methods/requisites.js';

export function store(db: Db, entityTypeId: number): EntityStore | undefined {
  return db.entities.get(entityTypeId);
}

/** The portal stores modification times in whole seconds (a MySQL DATETIME): `=DATE_MODIFY` with
 * the value a list returned must match the record again. */
function writeTime(ctx: MethodContext): number {
  return Math.floor(ctx.now().getTime() / 1000) * 1000;
}

export function createRecord(
  db: Db,
  es: EntityStore,
  input: Record<string, unknown>,
  mode: Mode,
  ctx: MethodContext,
): Rec {
  const rec = applyInput({ db, es, mode, userId: ctx.userId, now: writeTime(ctx) }, null, input);
  es.table.insert(rec);
  db.emit({ entityTypeId: es.schema.entityTypeId, id: rec.ID, action: 'add' });
  return rec;
}

export function updateRecord(
  db: Db,
  es: EntityStore,
  prev: Rec,
  input: Record<string, unknown>,
  mode: Mode,
  ctx: MethodContext,
): Rec {
  const next = applyInput({ db, es, mode, userId: ctx.userId, now: writeTime(ctx) }, prev, input);
  // Replace in place so the table's sorted array keeps pointing at the live record.
  for (const k of Object.keys(prev)) if (!(k in next)) delete (prev as Record<string, unknown>)[k];
  Object.assign(prev, next);
  db.emit({ entityTypeId: es.schema.entityTypeId, id: prev.ID, action: 'update' });
  return prev;
}

/** Deletes a record and drops bindings to it (a deleted contact leaves every card's contactIds;
 * nothing else is deleted — no cascades). */
export function deleteRecord(db: Db, es: EntityStore, id: number): boolean {
  if (!es.table.remove(id)) return false;
  const e = es.schema.entityTypeId;
  const links: [string, string][] =
    e === 3
      ? [['CONTACT_ID', 'CONTACT_IDS']]
      : e === 4
        ? [
            ['COMPANY_ID', 'COMPANY_IDS'],
            ['MYCOMPANY_ID', ''],
          ]
        : [];
  if (links.length) {
    for (const other of db.entities.values()) {
      for (const [single, multi] of links) {
        if (!other.schema.byUpper.has(single)) continue;
        for (const r of other.table.rows) {
          if (multi && Array.isArray(r[multi]) && (r[multi] as number[]).includes(id)) {
            r[multi] = (r[multi] as number[]).filter((x) => x !== id);
            r[single] = (r[multi] as number[])[0] ?? null;
          } else if (r[single] === id) r[single] = null;
        }
      }
    }
  }
  if (e === 3 || e === 4) dropRequisitesOf(db, e, id);
  db.emit({ entityTypeId: e, id, action: 'delete' });
  return true;
}
