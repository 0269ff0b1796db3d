// The data side of the embedded portal: builds the in-memory store, seeds the demo data and
// returns the lower-case method table the HTTP front dispatches to (see types.ts).
import type { ChangeEvent, DemoSizes, MetaEvent, MethodTable, PortalState } from './types.js';
import { Catalog } from './catalog.js';
import { customFieldMethods } from './methods/userfields.js';
import { oldMethods, userfieldList } from './methods/old.js';
import { itemMethods } from './methods/item.js';
import { metaMethods } from './methods/meta.js';
import { userMethods } from './methods/user.js';
import { commMethods } from './methods/comm.js';
import { bindingMethods } from './methods/bindings.js';
import { requisiteMethods } from './methods/requisites.js';
import { buildSchemas } from './schemas.js';
import { seedPortal } from './seed.js';
import {
  Table,
  type AddressRec,
  type Db,
  type DeptRec,
  type FileRec,
  type RequisiteRec,
  type UserRec,
} from './store.js';

export { DEMO, demoFacts } from './seed.js';

export interface StateOptions {
  seed: number;
  sizes: DemoSizes;
  utcOffset: string;
  /** The webhook owner (user.current). */
  userId: number;
}

export function createPortalState(opts: StateOptions): PortalState {
  const listeners = new Set<(e: ChangeEvent) => void>();
  const metaListeners = new Set<(e: MetaEvent) => void>();
  const catalog = new Catalog();
  const links = { origin: 'http://127.0.0.1' };
  const built = buildSchemas(catalog, links);
  const db: Db = {
    offset: opts.utcOffset,
    seed: opts.seed,
    entities: new Map(),
    users: new Table<UserRec>(),
    departments: new Table<DeptRec>(),
    addresses: new Table<AddressRec>(),
    requisites: new Table<RequisiteRec>(),
    fmSeq: { value: 0 },
    emit(event) {
      for (const l of [...listeners]) {
        try {
          l(event);
        } catch {
          // A failing subscriber must not turn a committed write into an error response.
        }
      }
    },
    catalog,
    files: new Table<FileRec>(),
    ufSeq: { field: built.lastFieldId, enumItem: built.lastEnumId },
    links,
    emitMeta(event) {
      for (const l of [...metaListeners]) {
        try {
          l(event);
        } catch {
          // As for emit: the change is committed whatever a subscriber does.
        }
      }
    },
  };
  for (const [e, schema] of built.schemas) db.entities.set(e, { schema, table: new Table() });
  seedPortal(db, opts.sizes);

  const methods: MethodTable = {
    ...oldMethods(db, 3, 'crm.contact'),
    ...oldMethods(db, 4, 'crm.company'),
    ...oldMethods(db, 1, 'crm.lead'),
    ...oldMethods(db, 2, 'crm.deal'),
    'crm.contact.userfield.list': userfieldList(db, 3),
    ...itemMethods(db),
    ...metaMethods(db),
    ...userMethods(db),
    ...commMethods(db),
    ...bindingMethods(db),
    ...requisiteMethods(db),
    ...customFieldMethods(db),
  };
  return {
    methods,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onMeta(listener) {
      metaListeners.add(listener);
      return () => metaListeners.delete(listener);
    },
    setOrigin(origin) {
      links.origin = origin;
    },
  };
}
