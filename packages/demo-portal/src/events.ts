// Outgoing webhooks (bitrix24-api.md §9.3): every committed change (and every metadata change:
// a custom field or a smart process added) is POSTed to the configured
// handler as Bitrix does it — form-encoded, PHP-style nested keys, only ids in the payload,
// and `auth[application_token]` for the handler to verify. No redelivery on failure (§3.3).
import qs from 'qs';
import type { ChangeEvent, MetaEvent, PortalState } from './types.js';
import { rng } from './util.js';

export interface OutgoingWebhook {
  handlerUrl: string;
  applicationToken: string;
  /** Share of events never delivered (0–1), as a slow or absent receiver loses them: Bitrix24
   * does not send an event twice. Chosen by a seeded generator, so runs repeat. @default 0 */
  lossRate?: number;
  /** @default 1 */
  lossSeed?: number;
}

const NAMES: Record<number, string> = { 1: 'LEAD', 2: 'DEAL', 3: 'CONTACT', 4: 'COMPANY' };

/** ONCRMCONTACTUPDATE, ONCRMDYNAMICITEMADD, … */
export function eventName(change: ChangeEvent): string {
  const entity = NAMES[change.entityTypeId] ?? 'DYNAMICITEM';
  return `ONCRM${entity}${change.action.toUpperCase()}`;
}

export function eventBody(change: ChangeEvent, token: string, origin: string, handlerId = 1): string {
  const fields: Record<string, string> = { ID: String(change.id) };
  if (!NAMES[change.entityTypeId]) fields.ENTITY_TYPE_ID = String(change.entityTypeId);
  return body(eventName(change), fields, token, origin, handlerId);
}

/** A metadata event (ONCRMTYPEADD, ONCRMCONTACTUSERFIELDADD, …) as its page shows it. */
export function metaEventBody(event: MetaEvent, token: string, origin: string, handlerId = 1): string {
  return body(event.event, event.fields, token, origin, handlerId);
}

function body(event: string, fields: Record<string, string>, token: string, origin: string, handlerId: number): string {
  return qs.stringify({
    event,
    event_handler_id: String(handlerId),
    data: { FIELDS: fields },
    ts: String(Math.floor(Date.now() / 1000)),
    auth: {
      domain: new URL(origin).host,
      client_endpoint: `${origin}/rest/`,
      server_endpoint: 'https://oauth.bitrix.info/rest/',
      member_id: 'demo0member0id',
      application_token: token,
    },
  });
}

/** Subscribes to the portal's changes and delivers them while a webhook is configured. */
export class EventDispatcher {
  private config: OutgoingWebhook | null = null;
  delivered = 0;
  failed = 0;
  /** Events dropped by `lossRate`. */
  lost = 0;
  /** The last 10,000 events dropped, with when (benchmarks tell lost from delivered changes). */
  readonly lostEvents: (ChangeEvent & { at: number })[] = [];
  private chance: () => number = rng(1);
  private pending = new Set<Promise<void>>();

  constructor(
    state: PortalState,
    private readonly origin: () => string,
  ) {
    state.onChange((change) => {
      if (!this.config) return;
      if (this.drop()) {
        this.lostEvents.push({ ...change, at: Date.now() });
        if (this.lostEvents.length > 10_000) this.lostEvents.shift();
        return;
      }
      this.deliver((token) => eventBody(change, token, this.origin()));
    });
    state.onMeta?.((event) => {
      if (!this.config || this.drop()) return;
      this.deliver((token) => metaEventBody(event, token, this.origin()));
    });
  }

  /** True (and counted as lost) when `lossRate` drops this event. */
  private drop(): boolean {
    const { lossRate = 0 } = this.config ?? {};
    if (lossRate > 0 && this.chance() < lossRate) {
      this.lost++;
      return true;
    }
    return false;
  }

  private deliver(bodyFor: (token: string) => string): void {
    const { handlerUrl, applicationToken } = this.config!;
    // Asynchronous, after the answer to the call that made the change: like the queue server.
    const delivery = new Promise<void>((resolve) => setTimeout(resolve, 5))
      .then(() =>
        fetch(handlerUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: bodyFor(applicationToken),
          signal: AbortSignal.timeout(5_000),
        }),
      )
      .then(
        (res) => void (res.ok ? this.delivered++ : this.failed++),
        () => void this.failed++,
      );
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  configure(config: OutgoingWebhook | null): void {
    this.config = config;
    this.chance = rng(config?.lossSeed ?? 1);
  }

  /** Waits for deliveries in flight (tests, shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
