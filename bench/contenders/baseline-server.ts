// B4's baseline: plain Yoga + Pothos serving the same GraphQL shape as the gateway for the
// benchmark query (spaCards → edges.node {title, stage {name}, assignedBy {fullName},
// contact {fullName phones {value}}, customFields {display}}, pageInfo) from memory. The data
// is the demo portal's (same seed), read once at start-up by calling the emulator's method
// handlers directly (no HTTP), then held in Maps. No portal, no scheduler, no plugins: what a
// GraphQL server costs on its own. `PORT` (default 4300), `HOST` 127.0.0.1, `PORTAL_ORIGIN` the
// emulator's origin (file values hold absolute links on it).
import { createServer } from 'node:http';
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { createYoga } from 'graphql-yoga';
import { createPortalState } from '@bitrix24-graphql/demo-portal';
import { DEMO_SIZES } from '@bitrix24-graphql/demo-portal';

interface Card {
  id: number;
  entityTypeId: number;
  title: string;
  stageId: string;
  assignedById: number | null;
  contactId: number | null;
  raw: Record<string, unknown>;
}
interface Person {
  name: string | null;
  secondName: string | null;
  lastName: string | null;
}
interface Contact extends Person {
  phones: { value: string }[];
}
interface FieldDef {
  name: string;
  type: string;
  multiple: boolean;
  options: { id: string; label: string }[];
}

// ---- data, read once from the demo portal's handlers
const state = createPortalState({ seed: 42, sizes: DEMO_SIZES.large, utcOffset: '+03:00', userId: 1 });
// Absolute links in answers (file fields) name the portal's origin: the emulator's, when given.
if (process.env.PORTAL_ORIGIN) state.setOrigin?.(process.env.PORTAL_ORIGIN);
const ctx = { userId: 1, now: () => new Date(), inBatch: false };
const call = (method: string, params: Record<string, unknown>) =>
  state.methods[method](params, ctx) as { result: any; next?: number };

function readAll(
  method: string,
  params: Record<string, unknown>,
  idKey: string,
  rowsOf: (result: any) => any[],
): any[] {
  const rows: any[] = [];
  let last = 0;
  for (;;) {
    const page = rowsOf(
      call(method, {
        ...params,
        order: { [idKey]: 'ASC' },
        filter: { ...((params.filter as object) ?? {}), [`>${idKey}`]: last },
        start: -1,
      }).result,
    );
    rows.push(...page);
    if (page.length < 50) return rows;
    last = Number(page[page.length - 1][idKey]);
  }
}

const cards = new Map<number, Card[]>();
const fieldDefs = new Map<number, FieldDef[]>();
for (const entityTypeId of [128, 130, 1032]) {
  const items = readAll('crm.item.list', { entityTypeId, select: ['*'] }, 'id', (r) => r.items);
  cards.set(
    entityTypeId,
    items.map((i) => ({
      id: i.id,
      entityTypeId,
      title: i.title,
      stageId: i.stageId,
      assignedById: i.assignedById ?? null,
      contactId: i.contactId ?? null,
      raw: i,
    })),
  );
  const fields = call('crm.item.fields', { entityTypeId }).result.fields as Record<string, any>;
  fieldDefs.set(
    entityTypeId,
    Object.entries(fields)
      .filter(([, f]) => String(f.upperName ?? '').startsWith('UF_'))
      .map(([name, f]) => ({
        name,
        type: f.type,
        multiple: Boolean(f.isMultiple),
        options: (f.items ?? []).map((o: any) => ({ id: String(o.ID), label: o.VALUE })),
      })),
  );
}
const contacts = new Map<number, Contact>(
  readAll('crm.contact.list', { select: ['ID', 'NAME', 'SECOND_NAME', 'LAST_NAME', 'PHONE'] }, 'ID', (r) => r).map(
    (c) => [
      Number(c.ID),
      {
        name: c.NAME || null,
        secondName: c.SECOND_NAME || null,
        lastName: c.LAST_NAME || null,
        phones: (c.PHONE ?? []).map((p: any) => ({ value: p.VALUE })),
      },
    ],
  ),
);
const users = new Map<number, Person>(
  (call('user.get', {}).result as any[])
    .concat(...Array.from({ length: 4 }, (_, k) => call('user.get', { start: 50 * (k + 1) }).result as any[]))
    .map((u) => [
      Number(u.ID),
      { name: u.NAME || null, secondName: u.SECOND_NAME || null, lastName: u.LAST_NAME || null },
    ]),
);
const stages = new Map<string, string>((call('crm.status.list', {}).result as any[]).map((s) => [s.STATUS_ID, s.NAME]));

const fullName = (p: Person) => [p.name, p.secondName, p.lastName].filter((x) => x?.trim()).join(' ');

function display(def: FieldDef, raw: unknown): string | null {
  const shown = (Array.isArray(raw) ? raw : [raw])
    .filter((v) => v !== null && v !== undefined && v !== '' && !(def.type === 'money' && v === '|'))
    .map((v): string => {
      switch (def.type) {
        case 'enumeration':
          return def.options.find((o) => o.id === String(v))?.label ?? String(v);
        case 'boolean':
          return v === true || v === 'Y' || v === 1 || v === '1' ? 'Yes' : 'No';
        case 'money': {
          const [amount, currency] = String(v).split('|');
          return `${Number(amount).toFixed(2)} ${currency ?? ''}`.trim();
        }
        case 'date':
          return String(v).slice(0, 10);
        case 'employee': {
          const u = users.get(Number(v));
          return u ? fullName(u) : String(v);
        }
        default:
          return typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
    });
  if (shown.length === 0) return def.type === 'boolean' && !def.multiple ? 'No' : null;
  return shown.join(', ');
}

// ---- schema: the same names and shape as the gateway's for these fields
const builder = new SchemaBuilder<{ Connection: object }>({
  plugins: [RelayPlugin],
  relay: { clientMutationId: 'omit', cursorType: 'String' },
});
const Stage = builder.objectRef<{ statusId: string; name: string | null }>('Stage').implement({
  fields: (t) => ({ statusId: t.exposeString('statusId'), name: t.exposeString('name', { nullable: true }) }),
});
const Employee = builder.objectRef<{ id: number; person: Person }>('Employee').implement({
  fields: (t) => ({ bitrixId: t.exposeInt('id'), fullName: t.string({ resolve: (e) => fullName(e.person) }) }),
});
const Phone = builder
  .objectRef<{ value: string }>('Communication')
  .implement({ fields: (t) => ({ value: t.exposeString('value') }) });
const ContactRef = builder.objectRef<{ id: number; c: Contact }>('Contact').implement({
  fields: (t) => ({
    bitrixId: t.exposeInt('id'),
    fullName: t.string({ resolve: (c) => fullName(c.c) }),
    phones: t.field({ type: [Phone], resolve: (c) => c.c.phones }),
  }),
});
const FieldValue = builder.objectRef<{ def: FieldDef; raw: unknown }>('FieldValue').implement({
  fields: (t) => ({
    name: t.string({ resolve: (v) => v.def.name }),
    display: t.string({ nullable: true, resolve: (v) => display(v.def, v.raw) }),
  }),
});
const SpaCard = builder.objectRef<Card>('SpaCard').implement({
  fields: (t) => ({
    bitrixId: t.exposeInt('id'),
    title: t.exposeString('title'),
    stage: t.field({
      type: Stage,
      nullable: true,
      resolve: (c) => ({ statusId: c.stageId, name: stages.get(c.stageId) ?? null }),
    }),
    assignedBy: t.field({
      type: Employee,
      nullable: true,
      resolve: (c) => {
        const person = c.assignedById ? users.get(c.assignedById) : undefined;
        return person ? { id: c.assignedById!, person } : null;
      },
    }),
    contact: t.field({
      type: ContactRef,
      nullable: true,
      resolve: (card) => {
        const c = card.contactId ? contacts.get(card.contactId) : undefined;
        return c ? { id: card.contactId!, c } : null;
      },
    }),
    customFields: t.field({
      type: [FieldValue],
      resolve: (c) => (fieldDefs.get(c.entityTypeId) ?? []).map((def) => ({ def, raw: c.raw[def.name] })),
    }),
  }),
});
builder.queryType({
  fields: (t) => ({
    spaCards: t.connection({
      type: SpaCard,
      args: { entityTypeId: t.arg.int({ required: true }) },
      resolve: (_root, args) => {
        const list = cards.get(args.entityTypeId) ?? [];
        // Keyset like the gateway: the cursor is the last id seen.
        const afterId = args.after ? Number(Buffer.from(args.after, 'base64').toString().split(':')[1]) : 0;
        const start = afterId ? list.findIndex((c) => c.id > afterId) : 0;
        const first = Math.min(args.first ?? 50, 2_500);
        const slice = start < 0 ? [] : list.slice(start, start + first);
        const edges = slice.map((node) => ({ node, cursor: Buffer.from(`card:${node.id}`).toString('base64') }));
        return {
          edges,
          pageInfo: {
            hasNextPage: start >= 0 && start + first < list.length,
            hasPreviousPage: afterId > 0,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    }),
  }),
});

const yoga = createYoga({ schema: builder.toSchema(), graphiql: false, landingPage: false, logging: false });
const server = createServer(yoga);
const port = Number(process.env.PORT ?? 4300);
server.listen(port, process.env.HOST ?? '127.0.0.1', () => process.stdout.write(`baseline listening on ${port}\n`));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
