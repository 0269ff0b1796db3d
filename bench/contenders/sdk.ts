// @bitrix24/b24jssdk (the official JS SDK) used the way its docs teach: B24Hook with the webhook,
// `actions.v2.fetchList` (keyset: order id ASC, `>id`, start=-1, one request per 50 rows) for
// cards, `actions.v2.batch` for the metadata and `actions.v2.batchByChunk` (chunks of 50, sent
// one after the other) for contacts and users. Its own limiter keeps its defaults
// (ParamsFactory.getDefault(): burst 50, drain 2/s, adaptive, operating-time tracking).
//
// B24Hook only speaks https: `fromWebhookUrl` rejects any other scheme
// (JSSDK_HOOK_URL_NOT_HTTPS), and the constructor builds `https://<domain>/rest/...` whatever
// b24Url says (hook/auth.mjs). So the bench puts a TLS terminator on loopback in front of the
// emulator (bench/lib.ts startTlsFront: bytes piped through, the emulator still counts every
// request) and adds its self-signed certificate to Node's global https agent, which the SDK's
// axios uses by default. The SDK is otherwise untouched.
import https from 'node:https';
import { ApiVersion, B24Hook } from '@bitrix24/b24jssdk';

export function createSdkClient(tlsPort: number, ca: string, userId: number, secret: string): B24Hook {
  const agent = https.globalAgent as https.Agent & { options: https.AgentOptions };
  agent.options.ca = ca;
  const b24 = B24Hook.fromWebhookUrl(`https://127.0.0.1:${tlsPort}/rest/${userId}/${secret}`);
  b24.offClientSideWarning();
  return b24;
}

/** Resets the SDK's limiter state (between contenders; the emulator's bucket is reset too). */
export async function resetSdk(b24: B24Hook): Promise<void> {
  await b24.getHttpClient(ApiVersion.v2).reset();
}

export interface SdkRow {
  title: string;
  stage: string | null;
  assignedBy: string | null;
  contact: string | null;
  phones: string[];
  custom: (string | null)[];
}

/** Reads the first `first` cards (the list helper, stopped once it has them). */
export async function sdkFirstCards(
  b24: B24Hook,
  entityTypeId: number,
  first: number,
  select: string[],
): Promise<Record<string, any>[]> {
  const cards: Record<string, any>[] = [];
  for await (const chunk of b24.actions.v2.fetchList.make<Record<string, any>>({
    method: 'crm.item.list',
    params: { entityTypeId, select },
    idKey: 'id',
    customKeyForResult: 'items',
  })) {
    cards.push(...chunk);
    if (cards.length >= first) break;
  }
  return cards.slice(0, first);
}

/** B1 with the SDK: cards by the list helper; then, concurrently, the field descriptors and the
 * stage names in one batch, the contacts and the employees (assignees and employee-typed custom
 * fields) with batchByChunk. Display values are rendered like the gateway renders them. */
export async function sdkNestedRead(b24: B24Hook, entityTypeId: number, first: number): Promise<SdkRow[]> {
  const cards = await sdkFirstCards(b24, entityTypeId, first, ['*']);
  const categories = [...new Set(cards.map((c) => c.categoryId))];
  const contactIds = [...new Set(cards.map((c) => Number(c.contactId)).filter((id) => id > 0))];
  const metaCalls: Record<string, [string, Record<string, unknown>]> = {
    fields: ['crm.item.fields', { entityTypeId }],
  };
  for (const c of categories)
    metaCalls[`stages${c}`] = ['crm.status.list', { filter: { ENTITY_ID: `DYNAMIC_${entityTypeId}_STAGE_${c}` } }];
  const metaP = b24.actions.v2.batch.make<any>({ calls: metaCalls, options: { isHaltOnError: true } });
  const contactsP = b24.actions.v2.batchByChunk.make<any>({
    calls: contactIds.map((id) => ['crm.contact.get', { ID: id }] as [string, Record<string, unknown>]),
  });
  const meta = (await metaP).getData() as Record<string, any>;
  const fields: Record<string, any> = meta.fields.fields;
  const custom = Object.entries(fields).filter(([name]) => name.startsWith('ufCrm'));
  const userIds = new Set<number>(cards.map((c) => Number(c.assignedById)).filter((id) => id > 0));
  for (const card of cards) {
    for (const [name, def] of custom) {
      if (def.type !== 'employee') continue;
      for (const v of [card[name]].flat()) if (Number(v) > 0) userIds.add(Number(v));
    }
  }
  const usersP = b24.actions.v2.batchByChunk.make<any>({
    calls: [...userIds].map((id) => ['user.get', { ID: id }] as [string, Record<string, unknown>]),
  });
  const [contactsR, usersR] = await Promise.all([contactsP, usersP]);
  const contacts = new Map<number, any>((contactsR.getData() as any[]).map((c) => [Number(c.ID), c]));
  const users = new Map<number, string>(
    (usersR.getData() as any[]).flat().map((u: any) => [Number(u.ID), `${u.NAME} ${u.LAST_NAME}`.trim()]),
  );
  const stages = new Map<string, string>();
  for (const [key, rows] of Object.entries(meta))
    if (key.startsWith('stages')) for (const s of rows as any[]) stages.set(s.STATUS_ID, s.NAME);
  return cards.map((card) => {
    const contact = contacts.get(Number(card.contactId));
    return {
      title: card.title,
      stage: stages.get(card.stageId) ?? null,
      assignedBy: users.get(Number(card.assignedById)) ?? null,
      contact: contact ? [contact.NAME, contact.LAST_NAME].filter(Boolean).join(' ') : null,
      phones: Array.isArray(contact?.PHONE) ? contact.PHONE.map((p: any) => p.VALUE) : [],
      custom: custom.map(([name, def]) => display(def, card[name], users)),
    };
  });
}

function display(def: any, raw: unknown, users: Map<number, string>): string | null {
  const shown = [raw]
    .flat()
    .filter((v) => v !== null && v !== undefined && v !== '')
    .map((v) => {
      switch (def.type) {
        case 'enumeration':
          return (def.items ?? []).find((i: any) => String(i.ID) === String(v))?.VALUE ?? String(v);
        case 'boolean':
          return v === 'Y' || v === true || v === 1 || v === '1' ? 'Yes' : 'No';
        case 'money': {
          const [amount, currency] = String(v).split('|');
          return `${Number(amount).toFixed(2)} ${currency ?? ''}`.trim();
        }
        case 'date':
          return String(v).slice(0, 10);
        case 'employee':
          return users.get(Number(v)) ?? String(v);
        default:
          // Objects (a file: {id, url, urlMachine}) as JSON, as the gateway's display shows them.
          return typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
    });
  return shown.length ? shown.join(', ') : null;
}

/** B2 with the SDK: every card of the type through the list helper (fetchList). */
export async function sdkAllCards(b24: B24Hook, entityTypeId: number): Promise<number> {
  let n = 0;
  for await (const chunk of b24.actions.v2.fetchList.make<Record<string, any>>({
    method: 'crm.item.list',
    params: { entityTypeId, select: ['id', 'title', 'stageId'] },
    idKey: 'id',
    customKeyForResult: 'items',
  })) {
    n += chunk.length;
  }
  return n;
}

/** An import with the SDK's batch helper: crm.item.add for every card, 50 per batch, the
 * chunks one after the other (batchByChunk). Returns how many it created and how many failed. */
export async function sdkImport(
  b24: B24Hook,
  entityTypeId: number,
  cards: readonly Record<string, unknown>[],
): Promise<{ created: number; failed: number }> {
  const result = await b24.actions.v2.batchByChunk.make<any>({
    calls: cards.map((fields) => ['crm.item.add', { entityTypeId, fields }] as [string, Record<string, unknown>]),
    options: { isHaltOnError: false },
  });
  const rows = (result.getData() ?? []) as unknown[];
  const created = rows.filter((row: any) => Number(row?.item?.id) > 0).length;
  return { created, failed: cards.length - created };
}
