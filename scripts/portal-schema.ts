// The schema a portal gets: read from its metadata (the embedded demo portal, or the portal the
// environment configures), for `npm run schema` and the test that keeps schema.graphql fresh.
import { startPortal } from '@bitrix24-graphql/demo-portal';
import type { GraphQLSchema } from 'graphql';
import { createLogger } from '../src/lib/logger.js';
import { schema as staticSchema } from '../src/schema/index.js';
import { portalSchema } from '../src/schema/portal/live-schema.js';
import type { PortalModel } from '../src/schema/portal/model.js';
import type { NamesFile } from '../src/schema/portal/names-file.js';
import type { AuthConfig } from '../src/upstream/credentials.js';
import { BitrixPortal } from '../src/upstream/portal.js';

export interface BuiltSchema {
  schema: GraphQLSchema;
  model: PortalModel;
}

/** The schema of a portal reached with `auth`. */
export async function schemaOf(auth: AuthConfig, names?: NamesFile): Promise<BuiltSchema> {
  const portal = new BitrixPortal({
    auth,
    plan: { drainPerSecond: 2, bucket: 50 },
    logger: createLogger('warn'),
  });
  try {
    return await portalSchema(portal, staticSchema, names);
  } finally {
    await portal.close();
  }
}

/** The demo portal's schema (what schema.graphql holds). */
export async function demoSchema(names?: NamesFile): Promise<BuiltSchema> {
  const demo = await startPortal({ size: 'small', rateLimit: { enabled: false } });
  try {
    return await schemaOf({ kind: 'webhook', url: demo.webhookUrl }, names);
  } finally {
    await demo.close();
  }
}
