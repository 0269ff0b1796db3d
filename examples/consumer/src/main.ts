// A small backend job over the gateway: lists employees and the cards of a smart process (with
// stage and contact), and creates a card with an idempotency key (a retry after a lost answer
// returns the same card). Prints one JSON object per step.
//
//   GATEWAY_URL=http://localhost:4000/graphql npx tsx examples/consumer/src/main.ts
//
// Env: GATEWAY_URL, GATEWAY_API_KEY, SPA_ENTITY_TYPE_ID (default 128), CREATE_CARD=1 to also
// create a card (read only by default), IDEMPOTENCY_KEY (default: a new one per run),
// PERSISTED=1 to send document hashes only.
import { randomUUID } from 'node:crypto';
import { createClient, GatewayRequestError, GatewayUnreachableError, required, type Execute } from './client.js';
import { CreateCard, ListCards, ListEmployees } from './operations.js';

export async function listEmployees(execute: Execute, pageSize = 50) {
  const employees: { id: number; name: string; position: string | null; departments: string[] }[] = [];
  let after: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof fetchEmployees>> = await fetchEmployees(execute, pageSize, after);
    for (const edge of page.edges ?? []) {
      if (!edge?.node) continue;
      const { bitrixId, fullName, position, departments } = edge.node;
      employees.push({
        id: bitrixId,
        name: fullName,
        position: position ?? null,
        departments: departments.map((d) => d.name),
      });
    }
    after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
  } while (after);
  return employees;
}

async function fetchEmployees(execute: Execute, first: number, after: string | null) {
  return required((await execute(ListEmployees, { first, after })).employees, 'employees');
}

export async function listCards(execute: Execute, entityTypeId: number, first = 200) {
  const spaCards = required((await execute(ListCards, { entityTypeId, first })).spaCards, 'spaCards');
  return {
    total: spaCards.totalCount,
    cards: (spaCards.edges ?? []).flatMap((edge) =>
      edge?.node
        ? [
            {
              id: edge.node.bitrixId,
              title: edge.node.title ?? null,
              stage: edge.node.stage ? `${edge.node.stage.name} (${edge.node.stage.semantics})` : null,
              contact: edge.node.contact?.fullName ?? null,
              phone: edge.node.contact?.phones[0]?.value ?? null,
            },
          ]
        : [],
    ),
  };
}

export async function createCard(execute: Execute, entityTypeId: number, title: string, idempotencyKey: string) {
  const { createSpaCard } = await execute(CreateCard, { entityTypeId, input: { title, idempotencyKey } });
  if (!createSpaCard) throw new Error('createSpaCard returned null');
  if (createSpaCard.__typename !== 'CreateSpaCardSuccess') {
    throw new Error(`${createSpaCard.__typename}: ${'message' in createSpaCard ? createSpaCard.message : ''}`);
  }
  return {
    id: createSpaCard.data.bitrixId,
    title: createSpaCard.data.title ?? null,
    stage: createSpaCard.data.stage?.name ?? null,
  };
}

async function main(): Promise<void> {
  const url = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
  const execute = createClient({
    url,
    apiKey: process.env.GATEWAY_API_KEY || undefined,
    persisted: process.env.PERSISTED === '1',
  });
  const entityTypeId = Number(process.env.SPA_ENTITY_TYPE_ID ?? 128);
  const print = (step: string, value: unknown) => console.log(JSON.stringify({ step, ...(value as object) }));

  const employees = await listEmployees(execute);
  print('employees', { count: employees.length, first: employees.slice(0, 3) });

  const { total, cards } = await listCards(execute, entityTypeId);
  print('cards', { entityTypeId, total, count: cards.length, first: cards.slice(0, 3) });

  if (process.env.CREATE_CARD === '1') {
    const key = process.env.IDEMPOTENCY_KEY ?? randomUUID();
    const created = await createCard(execute, entityTypeId, `Consumer example ${key.slice(0, 8)}`, key);
    // The same key again (as after a lost answer): the same card, not a second one.
    const retried = await createCard(execute, entityTypeId, `Consumer example ${key.slice(0, 8)}`, key);
    print('created', { card: created, retriedSameCard: retried.id === created.id });
  }
}

main().catch((error: unknown) => {
  if (error instanceof GatewayRequestError) console.error(JSON.stringify({ error: error.message, codes: error.codes }));
  else if (error instanceof GatewayUnreachableError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
