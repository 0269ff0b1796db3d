// GraphQL names from the portal's human labels: transliterated to ASCII by any-ascii (every
// script, "Дата договора" → "Data dogovora", "Data de início" → "Data de inicio"), then cased.
// Plurals come from pluralize (English rules) for titles written in ASCII only; a title in another
// language is not guessed at: its list field gets a `List` suffix (the names file can rename it).
import anyAscii from 'any-ascii';
import pluralize from 'pluralize';

/** The words of a label, ASCII letters and digits only. */
export function words(label: string): string[] {
  return anyAscii(label)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** "Data de início" → `dataDeInicio`; empty when the label has no letter or digit at all. */
export function camelName(label: string): string {
  const parts = words(label);
  if (parts.length === 0) return '';
  const name = parts[0].toLowerCase() + parts.slice(1).map(capital).join('');
  return /^[0-9]/.test(name) ? `n${name}` : name;
}

/** "Projects" → `Projects`; the words capitalised and joined. */
export function pascalName(label: string): string {
  const name = words(label).map(capital).join('');
  return /^[0-9]/.test(name) ? `N${name}` : name;
}

/** "Em andamento" → `EM_ANDAMENTO`. */
export function constantName(label: string): string {
  const name = words(label)
    .map((w) => w.toUpperCase())
    .join('_');
  return /^[0-9]/.test(name) ? `N_${name}` : name;
}

export interface TypeNames {
  /** The object type, e.g. `Project`. */
  type: string;
  /** The single-record root field, e.g. `project`. */
  one: string;
  /** The list root field, e.g. `projects`. */
  many: string;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Names of a smart process from its title: "Projects" → Project / project / projects;
 * "Договоры" → Dogovory / dogovory / dogovoryList. `fallback` names a title without letters. */
export function typeNames(title: string, fallback: string): TypeNames {
  const ascii = /^[\x20-\x7e]*$/.test(title);
  const parts = words(title);
  if (parts.length === 0) return typeNames(fallback, fallback);
  if (ascii) parts[parts.length - 1] = pluralize.singular(parts[parts.length - 1]);
  const type = pascalName(parts.join(' '));
  const one = lowerFirst(type);
  const plural = ascii
    ? lowerFirst(pascalName([...parts.slice(0, -1), pluralize.plural(parts.at(-1) ?? '')].join(' ')))
    : one;
  return { type, one, many: plural === one ? `${one}List` : plural };
}

/** Makes `wanted` unique among `taken` by a numeric suffix (`status`, `status2`, …) and takes it. */
export function claim(taken: Set<string>, wanted: string): string {
  let name = wanted;
  for (let i = 2; taken.has(name); i++) name = `${wanted}${i}`;
  taken.add(name);
  return name;
}
