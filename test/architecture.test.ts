// The layers of src/, as the README draws them: arrows point down only. Each import between
// layers is checked here, so a shortcut (the schema calling REST, the wire knowing CRM, the
// emulator sharing code with the gateway) fails the tests instead of growing quietly.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Layer of a file: its first folder under src/ (main.ts and config.ts are the top). */
function layerOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0] : 'top';
}

/** What each layer may import at run time (type-only imports are free). */
const ALLOWED: Record<string, string[]> = {
  top: ['gateway', 'schema', 'crm', 'upstream', 'replication', 'lib', 'emulator'],
  gateway: ['schema', 'crm', 'upstream', 'lib'],
  // The schema calls the domain; from the wire it only classifies errors.
  schema: ['crm', 'lib', 'upstream/errors'],
  crm: ['upstream', 'lib'],
  replication: ['crm', 'upstream', 'lib'],
  upstream: ['lib'],
  lib: [],
  emulator: [],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*import\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/gm;

describe('layers', () => {
  it('every import between layers points down (the wire knows no CRM, the schema speaks no REST, the emulator shares nothing)', () => {
    const violations: string[] = [];
    for (const file of files(SRC)) {
      const from = layerOf(file);
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        if (m[1]) continue; // import type
        const target = resolve(file, '..', m[2] ?? m[3]);
        const to = layerOf(target);
        if (to === from) continue;
        const path = relative(SRC, target).replace(/\.js$/, '');
        const ok = ALLOWED[from].some((allowed) => to === allowed || path === allowed);
        if (!ok) violations.push(`${relative(SRC, file)} → ${path}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
