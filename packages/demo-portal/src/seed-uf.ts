// Demo values of the custom fields of custom-fields.ts. Each entity type draws from a PRNG stream
// of its own ('uf-<entityTypeId>'), after the rest of the data: the values the other streams give
// are the same as before these fields existed. Some values are left empty (each field's `fill`).
import { crmAbbr, crmBoundTypes, type FieldDef } from './fields.js';
import { DEMO_UF_SPECS, type UfSpec } from './custom-fields.js';
import type { Db } from './store.js';
import { pick, stream } from './util.js';

const BASE = Date.parse('2024-02-01T09:00:00Z');
const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Places for address fields: `address|lat;lng`, the portal's storage of an address value. */
const PLACES: [string, number, number][] = [
  ['Av. Paulista, 1578, São Paulo', -23.5614, -46.6559],
  ['Rua XV de Novembro, 1299, Curitiba', -25.4296, -49.2713],
  ['Av. Atlântica, 1702, Rio de Janeiro', -22.9711, -43.1822],
  ['Rua dos Andradas, 1001, Porto Alegre', -30.0306, -51.2304],
  ['Тверская ул., 7, Москва', 55.7579, 37.6107],
  ['Невский пр., 28, Санкт-Петербург', 59.9357, 30.3259],
  ['350 Fifth Avenue, New York', 40.7484, -73.9857],
];
const CURRENCIES = ['BRL', 'USD', 'EUR'];
const FILE_KINDS = ['pdf', 'jpg', 'png', 'docx'];

function slug(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function seedCustomValues(db: Db, active: number[]): void {
  const count = (e: number) => db.entities.get(e)?.table.size ?? 0;
  for (const [key, specs] of Object.entries(DEMO_UF_SPECS)) {
    const e = Number(key);
    const es = db.entities.get(e);
    if (!es) continue;
    const r = stream(db.seed, `uf-${e}`);
    const defs = specs.map((spec) => {
      const def = es.schema.byUpper.get(spec.name)!;
      const bound = crmBoundTypes(def.uf?.settings);
      const hint: Hint = {
        spec,
        def,
        slug: slug(spec.label),
        bound: bound.filter((b) => count(b) > 0),
        bare: bound.length === 1,
      };
      return [spec, def, hint] as const;
    });
    // Plain loops, no closures per value: the large portal has ~300,000 of these values.
    for (const rec of es.table.rows) {
      for (const [spec, def, hint] of defs) {
        const filled = r() < (spec.fill ?? 0.7);
        if (def.multiple) {
          const n = filled ? 1 + Math.floor(r() * 3) : 0;
          const list: unknown[] = [];
          for (let k = 0; k < n; k++) {
            const v = value(db, r, hint, rec.ID, active, count);
            if (!list.includes(v)) list.push(v);
          }
          rec[def.upper] = list;
        } else {
          rec[def.upper] = filled ? value(db, r, hint, rec.ID, active, count) : null;
        }
      }
    }
  }
}

/** What the values of one field are drawn from, worked out once per field. */
interface Hint {
  spec: UfSpec;
  def: FieldDef;
  slug: string;
  /** `crm` fields: the bound types that have records. */
  bound: number[];
  /** `crm` fields bound to one type hold bare ids. */
  bare: boolean;
}

function value(
  db: Db,
  r: () => number,
  hint: Hint,
  id: number,
  active: number[],
  count: (e: number) => number,
): unknown {
  const { spec, def } = hint;
  switch (spec.type) {
    case 'string':
      return spec.sample ? pick(r, spec.sample) : `${spec.label} ${id}`;
    case 'integer': {
      const [lo, hi] = spec.range ?? [1, 500];
      return lo + Math.floor(r() * (hi - lo + 1));
    }
    case 'double':
      return Math.round(r() * 10_000) / 100;
    case 'boolean':
      return r() < 0.4;
    case 'date':
      return ymd(BASE + Math.floor(r() * 420) * DAY - 60 * DAY);
    case 'datetime':
      // Whole seconds, as a DATETIME column keeps them.
      return BASE + Math.floor(r() * 420 * 24) * 3_600_000 + Math.floor(r() * 60) * 60_000;
    case 'money':
      return `${Math.round(r() * 5_000) * 10}|${pick(r, CURRENCIES)}`;
    case 'url':
      return spec.sample ? pick(r, spec.sample) : `https://${hint.slug}.example.test/${id}`;
    case 'address': {
      const [text, lat, lng] = pick(r, PLACES);
      return `${text}|${lat};${lng}`;
    }
    case 'enumeration':
      return Number(pick(r, def.uf?.items ?? []).ID);
    case 'employee':
      return pick(r, active);
    case 'crm': {
      if (hint.bound.length === 0) return null;
      const e = pick(r, hint.bound);
      const ref = 1 + Math.floor(r() * count(e));
      // One bound type: the bare id; several: the prefixed form (write.ts, crmValue).
      return hint.bare ? String(ref) : `${crmAbbr(e)}_${ref}`;
    }
    case 'file': {
      const fileId = db.files.nextIdPeek();
      const ext = pick(r, FILE_KINDS);
      db.files.insert({
        ID: fileId,
        NAME: `${slug(spec.label)}-${id}.${ext}`,
        SIZE: 10_000 + Math.floor(r() * 900_000),
      });
      return fileId;
    }
  }
}
