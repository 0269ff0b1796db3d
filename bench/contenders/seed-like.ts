// A client that calls the portal exactly the way the seed library bitrixUtils 0.1.8 does
// (../shared/seed-and-peers.md §1.2-1.3), translated line by line to Node:
// - `_bitrix_request`: one `POST {webhook}{method}` with a JSON body per call, sequential,
//   10 s timeout; HTTP 503 or a timeout → sleep 2, 4, 8, 16, 32 s and retry, up to 5 attempts
//   (it also sleeps after the last failed attempt); any other status → None. No batch, no
//   client-side rate limiting. (Node's fetch keeps connections alive by default; requests does
//   not without a Session. Nothing else is tuned.)
// - `listSpaCards`: offset `start` pages with the default select and no `order`; it stops on an
//   empty page (the `total` check reads `result.total`, which crm.item.list never has, so it never
//   fires) and sleeps 0.1 s between pages.
// - `getSpaCardFields`: crm.item.get, then crm.item.fields (getSpaCustomFields) for every card.
// - `getContactFields`: crm.contact.get; the assignee: user.get with its ID.
// The B1 nested read is then: list the cards, and for each card getSpaCardFields, the contact
// and the assignee, one after the other.

export interface SeedLikeStats {
  /** HTTP requests sent (including those answered 503). */
  requests: number;
  byMethod: Record<string, number>;
  answered503: number;
  retrySleepMs: number;
  failed: number;
}

export class SeedLikeClient {
  readonly stats: SeedLikeStats = { requests: 0, byMethod: {}, answered503: 0, retrySleepMs: 0, failed: 0 };

  constructor(private readonly webhookUrl: string) {}

  /** `_bitrix_request(api_method, params, url, LOG=False, max_retries=5)`. */
  async request(method: string, params: Record<string, unknown>, maxRetries = 5): Promise<any | null> {
    let delay = 2;
    for (let attempt = 0; attempt < maxRetries; attempt++) {
      this.stats.requests++;
      this.stats.byMethod[method] = (this.stats.byMethod[method] ?? 0) + 1;
      let res: Response;
      try {
        res = await fetch(`${this.webhookUrl}${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(params),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') {
          await this.sleep(delay);
          delay *= 2;
          continue;
        }
        this.stats.failed++;
        return null; // requests.RequestException
      }
      if (res.status === 200) return res.json();
      await res.arrayBuffer();
      if (res.status === 503) {
        this.stats.answered503++;
        await this.sleep(delay);
        delay *= 2;
        continue;
      }
      this.stats.failed++;
      return null;
    }
    this.stats.failed++;
    return null;
  }

  private async sleep(seconds: number): Promise<void> {
    this.stats.retrySleepMs += seconds * 1000;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }

  /** `listSpaCards(url, entity_type_id)`. `stopAfter` is a concession the seed does not make
   * (its function always reads every card of the type): the bench stops once it has enough. */
  async listSpaCards(entityTypeId: number, stopAfter = Infinity): Promise<Record<string, any>[]> {
    const items: Record<string, any>[] = [];
    let start = 0;
    let total: number | null = null;
    const select = ['id', 'title', 'categoryId', 'createdTime', 'assignedById', 'stageId', 'companyId', 'contactId'];
    for (;;) {
      const response = await this.request('crm.item.list', { entityTypeId, select, start });
      if (!response || !('result' in response)) break;
      const page: Record<string, any>[] = response.result.items ?? [];
      if (page.length === 0) break;
      if (total === null && 'total' in response.result) total = response.result.total;
      items.push(...page);
      start += page.length;
      if (total && items.length >= total) break;
      if (items.length >= stopAfter) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return items;
  }

  /** `getSpaCustomFields` */
  async getSpaCustomFields(entityTypeId: number): Promise<any | null> {
    const response = await this.request('crm.item.fields', { entityTypeId });
    return response && 'result' in response ? response.result : null;
  }

  /** `getSpaCardFields`: the card, then the type's fields (re-read for every card); the enum
   * translation is handed `{fields: {...}}` instead of the field map, so it never translates. */
  async getSpaCardFields(entityTypeId: number, itemId: number): Promise<Record<string, any> | null> {
    const response = await this.request('crm.item.get', { entityTypeId, id: itemId });
    if (response && 'result' in response && 'item' in response.result) {
      const fields = response.result.item as Record<string, any>;
      const meta = await this.getSpaCustomFields(entityTypeId);
      if (meta) mapFieldValues(fields, meta);
      return fields;
    }
    return null;
  }

  /** `getContactFields` */
  async getContactFields(contactId: number): Promise<Record<string, any> | null> {
    const response = await this.request('crm.contact.get', { ID: contactId });
    return response && 'result' in response ? response.result : null;
  }

  async getUser(userId: number): Promise<Record<string, any> | null> {
    const response = await this.request('user.get', { ID: userId });
    return response && Array.isArray(response.result) ? (response.result[0] ?? null) : null;
  }
}

/** `mapFieldValues(campos, metadados)`: translates enumeration ids when `metadados[field]` is a
 * descriptor; with the `{fields: …}` wrapper getSpaCardFields passes, nothing matches. */
function mapFieldValues(fields: Record<string, any>, meta: Record<string, any>): void {
  for (const [name, value] of Object.entries(fields)) {
    const def = meta[name];
    if (def?.type !== 'enumeration') continue;
    const options = Object.fromEntries((def.items ?? []).map((i: any) => [String(i.ID), i.VALUE]));
    fields[name] = Array.isArray(value)
      ? value.filter((v) => v !== null).map((v) => options[String(v)] ?? v)
      : value === null
        ? value
        : (options[String(value)] ?? value);
  }
}

export interface SeedLikeRow {
  title: string;
  stageId: string;
  assignedBy: string | null;
  contact: string | null;
  phones: string[];
  custom: Record<string, unknown>;
}

/** The B1 nested read as a bitrixUtils user writes it: list, then per card its fields, its
 * contact and its assignee. The seed has no stage-name lookup and its enum translation is broken
 * (see above), so the rows carry the stage id and raw custom values: less than the gateway
 * returns, for more requests. */
export async function seedLikeNestedRead(
  client: SeedLikeClient,
  entityTypeId: number,
  cards: number,
): Promise<SeedLikeRow[]> {
  const list = (await client.listSpaCards(entityTypeId, cards)).slice(0, cards);
  const rows: SeedLikeRow[] = [];
  for (const item of list) {
    const card = await client.getSpaCardFields(entityTypeId, item.id);
    if (!card) continue;
    const contact = card.contactId ? await client.getContactFields(card.contactId) : null;
    const user = card.assignedById ? await client.getUser(card.assignedById) : null;
    rows.push({
      title: card.title,
      stageId: card.stageId,
      assignedBy: user ? `${user.NAME} ${user.LAST_NAME}`.trim() : null,
      contact: contact ? [contact.NAME, contact.LAST_NAME].filter(Boolean).join(' ') : null,
      phones: Array.isArray(contact?.PHONE) ? contact.PHONE.map((p: any) => p.VALUE) : [],
      custom: Object.fromEntries(Object.entries(card).filter(([k]) => k.startsWith('ufCrm'))),
    });
  }
  return rows;
}
