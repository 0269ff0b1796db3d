// Where a record sits in its funnel: one rule for smart-process cards and deals, for creates,
// updates and stage moves alike. A record's funnel (categoryId) is chosen when it is created and
// never changes afterwards; a stage must exist and belong to the record's funnel. Moving a record
// to another funnel is not offered: the portal does it with side effects (automation, history)
// the gateway's update does not announce.
import { stages } from './metadata.js';
import { FieldInputError } from './fields.js';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';

export interface PlacementChange {
  categoryId?: number | null;
  stageId?: string | null;
}

/** `current` is the record being changed (null for a create). Throws a FieldInputError naming
 * `categoryId` or `stageId`; checks nothing upstream unless a stage is given. */
export async function checkPlacement(
  portal: BitrixPortal,
  entityTypeId: number,
  current: { categoryId: number | null } | null,
  change: PlacementChange,
  options: SubmitOptions = {},
): Promise<void> {
  if (current && change.categoryId != null && change.categoryId !== current.categoryId) {
    throw new FieldInputError(
      'categoryId',
      `the funnel is chosen when the record is created (it is in funnel ${current.categoryId}); an update cannot move it to funnel ${change.categoryId}`,
    );
  }
  if (change.stageId == null) return;
  const stage = (await stages(portal, entityTypeId, null, options)).find((s) => s.statusId === change.stageId);
  if (!stage) throw new FieldInputError('stageId', `stage "${change.stageId}" does not exist for type ${entityTypeId}`);
  const funnel = current ? current.categoryId : (change.categoryId ?? null);
  if (funnel !== null && stage.categoryId !== funnel) {
    throw new FieldInputError(
      'stageId',
      `stage "${change.stageId}" belongs to funnel ${stage.categoryId}, not to the record's funnel ${funnel}`,
    );
  }
}

/** Fields that have their own input (and rules) may not arrive through the generic `fields`. */
export function assertNoPlacementInFields(converted: Record<string, unknown>): void {
  for (const name of Object.keys(converted)) {
    if (/^(stageId|categoryId)$/.test(name))
      throw new FieldInputError(name, `set ${name} with its own input field, not through \`fields\``);
  }
}
