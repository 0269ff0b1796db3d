// The schema the gateway serves, following the portal: built from its metadata at start (one
// chained batch), rebuilt when the metadata changes — checked every `refreshMs` and at once when the
// portal says a field or type changed. A request runs on the schema it started with; the next one
// gets the new. Until the first build (or when it fails) the static, generic schema serves.
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { readMetadataSnapshot } from '../../crm/metadata-snapshot.js';
import type { BitrixPortal } from '../../upstream/portal.js';
import { stableJson } from '../../lib/stable-json.js';
import { buildPortalSchema } from './build.js';
import { portalModel, type PortalModel, type ReservedNames } from './model.js';
import type { NamesFile } from './names-file.js';

export interface LiveSchemaOptions {
  names?: NamesFile;
  /** How often the metadata is read again (it comes from the metadata cache, itself refreshed on
   * its TTL). 0 = only on events. @default 300000 */
  refreshMs?: number;
  logger?: Logger;
}

/** What the static schema already names: generated names avoid them. */
export function reservedNames(base: GraphQLSchema): ReservedNames {
  const fieldsOf = (name: string) => {
    const type = base.getType(name);
    return type && 'getFields' in type ? Object.keys(type.getFields()) : [];
  };
  return {
    types: Object.keys(base.getTypeMap()),
    fields: fieldsOf,
    roots: [...fieldsOf('Query'), ...fieldsOf('Mutation'), ...fieldsOf('Subscription')],
  };
}

/** The portal's model and schema, read now. */
export async function portalSchema(
  portal: BitrixPortal,
  base: GraphQLSchema,
  names?: NamesFile,
): Promise<{ model: PortalModel; schema: GraphQLSchema }> {
  const metadata = await readMetadataSnapshot(portal);
  const model = portalModel(metadata, reservedNames(base), names);
  return { model, schema: buildPortalSchema(base, model) };
}

/** What of a model shapes the schema: when it is unchanged the schema is kept. */
function signature(model: PortalModel): string {
  return stableJson(model.entities);
}

export class LiveSchema {
  current: GraphQLSchema;
  model: PortalModel | null = null;
  /** Settles when the first build is done (or failed: the static schema then serves). */
  readonly ready: Promise<void>;
  private signature = '';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly portal: BitrixPortal,
    private readonly base: GraphQLSchema,
    private readonly options: LiveSchemaOptions = {},
  ) {
    this.current = base;
    this.ready = this.refresh();
    const every = options.refreshMs ?? 300_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.refresh(), every);
      this.timer.unref();
    }
  }

  /** Reads the metadata again and swaps the schema when it changed; calls during a refresh
   * coalesce into one more. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.rebuild().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  /** The portal changed a field or a type: forget the cached metadata and rebuild. */
  metadataChanged(): Promise<void> {
    this.portal.metadata.invalidate('fields:');
    this.portal.metadata.invalidate('spaTypes');
    this.portal.metadata.invalidate('categories:');
    this.portal.metadata.invalidate('status:');
    return this.refresh();
  }

  private async rebuild(): Promise<void> {
    const log = this.options.logger;
    try {
      const { model, schema } = await portalSchema(this.portal, this.base, this.options.names);
      const next = signature(model);
      if (next === this.signature) return;
      if (this.model) this.logChanges(this.model, model);
      for (const gone of model.gone) log?.warn(`the names file pins ${gone}, which the portal no longer has`);
      this.model = model;
      this.signature = next;
      this.current = schema;
      log?.info(
        {
          types: model.entities.filter((e) => e.generated).length,
          fields: model.entities.reduce((n, e) => n + e.fields.length, 0),
        },
        'schema built from the portal metadata',
      );
      this.failures = 0;
    } catch (error) {
      // Tried again soon (5 s, doubling up to the refresh interval), not only at the next refresh:
      // a portal that was down at start gets its typed schema once it answers.
      this.failures++;
      const retryMs = Math.min(5_000 * 2 ** (this.failures - 1), this.options.refreshMs || 300_000);
      log?.warn(
        { err: error, retryMs },
        'could not build the schema from the portal metadata: serving the previous one, trying again',
      );
      if (!this.closed) setTimeout(() => void this.refresh(), retryMs).unref();
    }
  }

  private logChanges(before: PortalModel, after: PortalModel): void {
    const log = this.options.logger;
    const names = (m: PortalModel) =>
      new Set(m.entities.flatMap((e) => [`type ${e.names.type}`, ...e.fields.map((f) => `${e.names.type}.${f.name}`)]));
    const old = names(before);
    const now = names(after);
    for (const n of now) if (!old.has(n)) log?.info(`schema: ${n} appeared on the portal`);
    for (const n of old) if (!now.has(n)) log?.warn(`schema: ${n} is gone from the portal: removed from the schema`);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
