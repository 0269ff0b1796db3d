// `npm run schema`: writes schema.graphql, the schema of the embedded demo portal (a test fails
// when it is stale).
//   npm run schema -- --portal          prints the schema of the portal BITRIX_WEBHOOK_URL names
//                                       (for codegen against your own portal) to stdout
//   npm run schema -- --lock [file]     writes the names file (default SCHEMA_NAMES_FILE or
//                                       bitrix24-names.json) pinning every generated name of that
//                                       portal (the demo one unless --portal): commit it
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { formatNames, readNamesFile } from '../src/schema/portal/names-file.js';
import { demoSchema, schemaOf } from './portal-schema.js';

const args = process.argv.slice(2);
const fromPortal = args.includes('--portal');
const lockAt = args.indexOf('--lock');
const namesPath =
  lockAt >= 0 && args[lockAt + 1] && !args[lockAt + 1].startsWith('--')
    ? args[lockAt + 1]
    : (process.env.SCHEMA_NAMES_FILE ?? 'bitrix24-names.json');
const webhook = process.env.BITRIX_WEBHOOK_URL;
if (fromPortal && !webhook) {
  console.error('--portal reads the portal BITRIX_WEBHOOK_URL names: set it');
  process.exit(2);
}
// The demo schema is the code's own: no names file shapes it. A portal's honours its file.
const names = fromPortal ? readNamesFile(namesPath) : undefined;
const built = fromPortal && webhook ? await schemaOf({ kind: 'webhook', url: webhook }, names) : await demoSchema();
const text = `${printSchema(built.schema)}\n`;
if (lockAt >= 0) {
  writeFileSync(namesPath, formatNames(built.model.names));
  console.error(`wrote ${namesPath}: every generated name pinned (edit a name to rename it, false to hide it)`);
} else if (fromPortal) process.stdout.write(text);
else {
  const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
