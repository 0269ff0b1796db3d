// The names file: every name the gateway generated from the portal's labels, pinned so that a
// label renamed in Bitrix24 does not rename (and break) a client's field. An operator commits it
// (`npm run schema -- --lock` writes it) and may edit it: another name renames a type, field or
// value; `false` hides it. Anything new on the portal gets a generated name that avoids the pinned ones.
import { readFileSync } from 'node:fs';

/** Names of one smart process; `false` hides the type. */
export interface TypeNamesEntry {
  type: string;
  one: string;
  many: string;
}

export interface NamesFile {
  /** Smart processes by entityTypeId. */
  types: Record<string, TypeNamesEntry | false>;
  /** Custom fields by entityTypeId, then by UPPER_CASE name (`UF_CRM_…`). */
  fields: Record<string, Record<string, string | false>>;
  /** List values by entityTypeId, field name, then item id; stages by entityTypeId under `stages`
   * (statusId → name) and funnels under `funnels` (category id → name). */
  values: Record<string, Record<string, Record<string, string>>>;
}

export function emptyNames(): NamesFile {
  return { types: {}, fields: {}, values: {} };
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export class NamesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NamesFileError';
  }
}

function check(name: unknown, where: string): void {
  if (name !== false && (typeof name !== 'string' || !NAME.test(name) || name.startsWith('__')))
    throw new NamesFileError(`${where}: "${String(name)}" is not a GraphQL name (or false to hide it)`);
}

/** Validates a parsed names file: a broken one stops the start with a message naming the entry. */
export function parseNames(json: unknown): NamesFile {
  const root = (json ?? {}) as Partial<NamesFile>;
  const names: NamesFile = { types: root.types ?? {}, fields: root.fields ?? {}, values: root.values ?? {} };
  for (const [id, entry] of Object.entries(names.types)) {
    if (entry === false) continue;
    for (const key of ['type', 'one', 'many'] as const) check(entry?.[key], `types.${id}.${key}`);
  }
  for (const [id, fields] of Object.entries(names.fields))
    for (const [field, name] of Object.entries(fields)) check(name, `fields.${id}.${field}`);
  for (const [id, byField] of Object.entries(names.values))
    for (const [field, values] of Object.entries(byField))
      for (const [value, name] of Object.entries(values)) check(name, `values.${id}.${field}.${value}`);
  return names;
}

/** The names file at `path`; none (every name generated) when there is no file. */
export function readNamesFile(path: string | undefined): NamesFile {
  if (!path) return emptyNames();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyNames();
    throw error;
  }
  try {
    return parseNames(JSON.parse(text));
  } catch (error) {
    if (error instanceof NamesFileError) throw new NamesFileError(`${path}: ${error.message}`);
    throw new NamesFileError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The file's text, keys in a stable order so that a diff shows only what changed. */
export function formatNames(names: NamesFile): string {
  const sorted = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
            .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
        )
      : value;
  return `${JSON.stringify(sorted(names), null, 2)}\n`;
}
