// The read cache per request (src/crm/record-cache.ts): queries read through it; mutations, and
// requests that send `Cache-Control: no-cache` (or `no-store`), read the portal directly. The
// gateway's own writes make every replica's cache forget what they touched.
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { EventHub } from '../crm/changes.js';
import { RecordCache, type ReadCache, type RecordCacheOptions } from '../crm/record-cache.js';
import { invalidationsOf } from '../crm/write-effects.js';
import type { CostMeter } from '../upstream/cost.js';
import type { BitrixPortal } from '../upstream/portal.js';

export interface ReadCacheSetup {
  cache: RecordCache;
  /** This request's view of the cache, or none when it asks for fresh data. */
  forRequest(request: Request, meter: CostMeter): ReadCache | undefined;
  plugin: Plugin<{ cache?: ReadCache }>;
  close(): void;
}

/** True when the client asks for data straight from the portal. */
function wantsFresh(request: Request): boolean {
  return /\b(no-cache|no-store)\b/i.test(request.headers.get('cache-control') ?? '');
}

export function readCache(portal: BitrixPortal, hub: EventHub, options: RecordCacheOptions = {}): ReadCacheSetup {
  const cache = new RecordCache(options);
  const stop = cache.follow(hub);
  portal.onWrites((commands) => {
    for (const command of commands)
      for (const invalidation of invalidationsOf(command)) {
        cache.apply(invalidation); // here, before the writer reads on
        hub.announce(invalidation); // and on every other replica
      }
  });
  return {
    cache,
    forRequest: (request, meter) => (wantsFresh(request) ? undefined : cache.forRequest(meter)),
    plugin: {
      onExecute({ args }) {
        // A mutation reads what it is about to change, and reads back what it changed: fresh.
        const operation = getOperationAST(args.document, args.operationName);
        if (operation?.operation === 'mutation') (args.contextValue as { cache?: ReadCache }).cache = undefined;
      },
    },
    close: stop,
  };
}
