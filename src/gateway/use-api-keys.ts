// Gateway authentication: API keys with scopes `read` and `write`. The configuration holds only
// SHA-256 hashes of the keys, so a leaked config or log does not leak a key. A caller sends
// `Authorization: Bearer <key>` or `x-api-key: <key>`; the presented key is hashed and compared
// with every configured hash in constant time. No key or an unknown key: 401 UNAUTHENTICATED.
// A key without `write` calling a mutation: FORBIDDEN before anything is sent upstream.
import { createHash, timingSafeEqual } from 'node:crypto';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode, requestError } from '../schema/error-codes.js';
import { clientAddress, stateOf, type Caller, type Scope } from './request-state.js';

export interface ApiKey {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** SHA-256 of the key. */
  hash: Buffer;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const SCOPES: readonly Scope[] = ['read', 'write'];

/** Parses `name:scope1+scope2:sha256hex[,…]`. Messages name the entry by position and name,
 * never echo the hash. */
export function parseApiKeys(spec: string | undefined): ApiKey[] {
  if (!spec?.trim()) return [];
  const keys: ApiKey[] = [];
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const [name, scopeList, hash, ...rest] = entry.split(':');
    const where = `GATEWAY_API_KEYS entry ${i + 1}`;
    if (rest.length || !name || scopeList === undefined || hash === undefined)
      throw new Error(`${where}: expected name:scopes:sha256hex`);
    if (!/^[\w.-]{1,64}$/.test(name)) throw new Error(`${where}: the name may use letters, digits, _ . - (at most 64)`);
    const scopes = scopeList.split('+').filter(Boolean);
    if (!scopes.length || scopes.some((s) => !SCOPES.includes(s as Scope)))
      throw new Error(`${where} (${name}): scopes are read and/or write, joined with +`);
    if (!/^[0-9a-fA-F]{64}$/.test(hash))
      throw new Error(`${where} (${name}): the hash must be 64 hex digits (npm run hash-key -- <key>)`);
    if (keys.some((k) => k.name === name)) throw new Error(`${where}: the name ${name} is used twice`);
    keys.push({ name, scopes: new Set(scopes as Scope[]), hash: Buffer.from(hash, 'hex') });
  });
  return keys;
}

/** The key presented by a request, if any. */
export function presentedKey(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  return bearer ?? request.headers.get('x-api-key')?.trim() ?? undefined;
}

/** The configured key matching `presented`. Every hash is compared (no early exit), each in
 * constant time, so timing says nothing about which or how much matched. */
export function findKey(keys: readonly ApiKey[], presented: string | undefined): ApiKey | undefined {
  if (!presented) return undefined;
  const hash = createHash('sha256').update(presented, 'utf8').digest();
  let found: ApiKey | undefined;
  for (const key of keys) if (timingSafeEqual(hash, key.hash) && !found) found = key;
  return found;
}

export interface AuthOptions {
  keys: readonly ApiKey[];
  trustProxy: boolean;
}

const OPEN: ReadonlySet<Scope> = new Set(SCOPES);

export function unauthenticated(): Error {
  return requestError(
    ErrorCode.UNAUTHENTICATED,
    'An API key is required: send `Authorization: Bearer <key>` or `x-api-key: <key>`.',
    401,
    {
      'WWW-Authenticate': 'Bearer realm="bitrix24-graphql"',
    },
  );
}

/** Resolves the caller of a GraphQL request (or rejects it), then checks the operation's scope. */
export function useAuth(options: AuthOptions): Plugin {
  const open = options.keys.length === 0;
  return {
    onRequestParse({ request, serverContext }) {
      const state = stateOf(request);
      if (open) {
        state.caller = {
          name: 'anonymous',
          scopes: OPEN,
          bucket: `ip:${clientAddress(request, serverContext, options.trustProxy)}`,
        };
        return;
      }
      const key = findKey(options.keys, presentedKey(request));
      if (!key) throw unauthenticated();
      state.caller = { name: key.name, scopes: key.scopes, bucket: `key:${key.name}` };
    },
    onExecute({ args, setResultAndStopExecution }) {
      const error = scopeError(args.contextValue as { request?: Request }, args.document, args.operationName);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = scopeError(args.contextValue as { request?: Request }, args.document, args.operationName);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

function scopeError(
  ctx: { request?: Request },
  document: DocumentNode,
  operationName?: string | null,
): Error | undefined {
  const caller: Caller | undefined = ctx.request ? stateOf(ctx.request).caller : undefined;
  if (!caller) return undefined;
  const needed: Scope = getOperationAST(document, operationName)?.operation === 'mutation' ? 'write' : 'read';
  if (caller.scopes.has(needed)) return undefined;
  return requestError(ErrorCode.FORBIDDEN, `This API key (${caller.name}) lacks the \`${needed}\` scope.`, 403);
}
