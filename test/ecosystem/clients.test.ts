// Real clients nobody here wrote, against the gateway on the embedded portal (issue 11.6/11.7):
// - relay-compiler with strict `nonNodeIdFields` (only Node types may have `id`, the global ID),
//   then relay-runtime normalising real answers into its store;
// - Apollo Client 4's InMemoryCache with the `possibleTypes` codegen writes, reading typed
//   mutation errors (`... on Error`) that it drops without them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import {
  Environment,
  Network,
  RecordSource,
  Store,
  createOperationDescriptor,
  fetchQuery,
  type ConcreteRequest,
  type GraphQLResponse,
} from 'relay-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import possibleTypesResult from '../../examples/consumer/src/gql/possible-types.js';
import { startStack, type Stack } from '../helpers/stack.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-artifacts/relay');

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());

/** Runs relay-compiler over test/ecosystem/relay with the given schema; artifacts go to OUT. */
function relayCompile(schema: string) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, '__generated__'), { recursive: true });
  const config = {
    src: join(ROOT, 'test/ecosystem/relay'),
    schema,
    language: 'typescript',
    artifactDirectory: join(OUT, '__generated__'),
    eagerEsModules: true,
    // Strict: an `id` field outside the Node interface is an error, whatever its type.
    schemaConfig: { nodeInterfaceIdField: 'id', nonNodeIdFields: { allowedIdTypes: {} } },
  };
  const file = join(OUT, 'relay.config.json');
  writeFileSync(file, JSON.stringify(config));
  return spawnSync(join(ROOT, 'node_modules/.bin/relay-compiler'), [file], { cwd: OUT, encoding: 'utf8' });
}

describe('Relay', () => {
  it('relay-compiler with strict nonNodeIdFields accepts schema.graphql and the documents', () => {
    const run = relayCompile(join(ROOT, 'schema.graphql'));
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  it('relay-runtime normalises real answers without collisions or id errors', async () => {
    const environment = new Environment({
      network: Network.create(
        async (params, variables) => (await s.gql(params.text!, variables)).body as GraphQLResponse,
      ),
      store: new Store(new RecordSource()),
    });
    const load = async (name: string) =>
      (await import(join(OUT, '__generated__', `${name}.graphql.ts`))).default as ConcreteRequest;
    for (const [name, variables] of [
      ['RelayClientContactQuery', { id: 3 }],
      ['RelayClientCardsQuery', {}],
    ] as const) {
      const query = await load(name);
      const answer = await fetchQuery(environment, query, variables).toPromise();
      const snapshot = environment.lookup(createOperationDescriptor(query, variables).fragment);
      expect(snapshot.isMissingData, name).toBe(false);
      expect(snapshot.data, name).toEqual(answer);
    }
  });
});

describe('Apollo Client', () => {
  const MUTATION = gql`
    mutation Refused($id: Int!) {
      updateContact(id: $id, input: { name: "x" }) {
        __typename
        ... on Error { message }
        ... on UpdateContactSuccess { data { id bitrixId } }
      }
    }
  `;
  const client = (possibleTypes?: Record<string, string[]>) =>
    new ApolloClient({
      link: new HttpLink({ uri: s.url }),
      cache: new InMemoryCache(possibleTypes ? { possibleTypes } : {}),
    });

  it('with the generated possibleTypes, reads typed errors through `... on Error`; without them it drops the message', async () => {
    const withTypes = await client(possibleTypesResult.possibleTypes).mutate({
      mutation: MUTATION,
      variables: { id: 987654 },
    });
    expect((withTypes.data as any).updateContact).toMatchObject({
      __typename: 'NotFoundError',
      message: expect.stringContaining('987654'),
    });
    const without = await client().mutate({ mutation: MUTATION, variables: { id: 987654 } });
    expect((without.data as any).updateContact.message).toBeUndefined();
  });

  it('normalises contacts, phones, fields and cards in one cache without collisions', async () => {
    const apollo = client(possibleTypesResult.possibleTypes);
    const query = gql`
      {
        contact(id: 3) { id bitrixId fullName phones { bitrixId value } type { code name } customFields { name value } }
        contactFields { name options { itemId label } }
        spaCards(entityTypeId: 128, first: 3) { edges { node { id title contact { id phones { bitrixId value } } } } }
      }
    `;
    const { data } = await apollo.query({ query });
    const raw = await s.gql(query.loc!.source.body);
    // Apollo adds __typename to every selection; the rest is the gateway's answer, unchanged.
    const withoutTypenames = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value, (key, v) => (key === '__typename' ? undefined : v)));
    expect(withoutTypenames(data)).toEqual(raw.body.data);
    expect(apollo.cache.readQuery({ query })).toEqual(data);
  });
});
