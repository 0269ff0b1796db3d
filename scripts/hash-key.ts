// Prints the SHA-256 hash of an API key, for GATEWAY_API_KEYS (`name:read+write:<hash>`).
// `npm run hash-key -- <key>`; without a key, makes a new random one and prints both.
// Same as: printf %s "$KEY" | sha256sum
import { randomBytes } from 'node:crypto';
import { hashKey } from '../src/gateway/use-api-keys.js';

const given = process.argv[2];
const key = given ?? randomBytes(32).toString('base64url');
if (!given) console.log(`key:  ${key}   (give it to the client; it is not stored anywhere)`);
console.log(given ? hashKey(key) : `hash: ${hashKey(key)}`);
