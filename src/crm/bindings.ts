// "Does anything still bind this contact / company?" — the question a cascade delete must answer
// before it removes a record, answered only with methods and filters the docs state:
// - a contact's companies and a company's contacts: the binding methods
//   crm.contact.company.items.get / crm.company.contact.items.get (every binding, not only the
//   primary COMPANY_ID);
// - leads (1), deals (2), estimates (7), invoices (31) and every smart process whose clients are
//   on: crm.item.list with `contactIds` (whats-new.md, 2025-03-26: "support for the contactIds
//   field in the filter"; crm-deal-list.md sends contact filters there) or `companyId`
//   (object-fields.md), and `mycompanyId` where "your company" is on.
// Every probe must answer; a probe that fails (an unknown type, a refused method, an outage) is a
// doubt, and a doubt keeps the record. A filter a portal ignored would return rows: kept too.
import { BitrixError } from '../upstream/errors.js';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import { EntityTypeId } from './entity-types.js';
import { rowsAt } from './values.js';
import type { SpaTypeRecord } from './metadata.js';

export type BindingVerdict = 'free' | 'linked' | 'unverified';

/** Entity types that hold clients whatever the portal's smart processes are. */
const CLIENT_HOLDERS = [EntityTypeId.lead, EntityTypeId.deal, EntityTypeId.estimate, EntityTypeId.invoice];
/** Those of them that also hold "your company" (mycompanyId). */
const MYCOMPANY_HOLDERS = [EntityTypeId.estimate, EntityTypeId.invoice];

interface Probe {
  method: string;
  params: Record<string, unknown>;
  rows: readonly string[];
}

function probes(kind: 'contact' | 'company', id: number, types: readonly SpaTypeRecord[]): Probe[] {
  const clients = [
    ...new Set([...CLIENT_HOLDERS, ...types.filter((t) => t.flags.isClientEnabled).map((t) => t.entityTypeId)]),
  ];
  const list = (entityTypeId: number, filter: Record<string, unknown>): Probe => ({
    method: 'crm.item.list',
    params: { entityTypeId, select: ['id'], filter, order: { id: 'ASC' }, start: -1 },
    rows: ['items'],
  });
  if (kind === 'contact') {
    return [
      { method: 'crm.contact.company.items.get', params: { id }, rows: [] },
      ...clients.map((entityTypeId) => list(entityTypeId, { '=contactIds': id })),
    ];
  }
  const mine = [
    ...new Set([...MYCOMPANY_HOLDERS, ...types.filter((t) => t.flags.isMycompanyEnabled).map((t) => t.entityTypeId)]),
  ];
  return [
    { method: 'crm.company.contact.items.get', params: { id }, rows: [] },
    ...clients.map((entityTypeId) => list(entityTypeId, { '=companyId': id })),
    ...mine.map((entityTypeId) => list(entityTypeId, { '=mycompanyId': id })),
  ];
}

/** Whether anything binds the record: all probes travel together (one batch). */
export async function bindingVerdict(
  portal: BitrixPortal,
  kind: 'contact' | 'company',
  id: number,
  types: readonly SpaTypeRecord[],
  options: SubmitOptions = {},
): Promise<BindingVerdict> {
  const answers = await Promise.all(
    probes(kind, id, types).map((probe) =>
      portal.read(probe.method, probe.params, options).then(
        (res) => (rowsAt(res.result, probe.rows).length > 0 ? 'linked' : 'free'),
        (error: unknown) => {
          if (error instanceof BitrixError) return 'unverified' as const;
          throw error;
        },
      ),
    ),
  );
  if (answers.includes('linked')) return 'linked';
  return answers.includes('unverified') ? 'unverified' : 'free';
}
