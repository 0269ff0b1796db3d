// What an operation selects on each GraphQL type, so that upstream `select` lists ask the portal
// for those fields only (less operating time there, less to parse and collect here). Computed
// once per (document, operation): Yoga hands the same parsed document to repeated operations.
import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Type name → the names of the fields selected on it anywhere in the operation. */
export type Selection = ReadonlyMap<string, ReadonlySet<string>>;

const memo = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Selection>>>();

export function selectionOf(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): Selection {
  const key = operationName ?? '';
  let bySchema = memo.get(schema);
  if (!bySchema) {
    bySchema = new WeakMap();
    memo.set(schema, bySchema);
  }
  let byName = bySchema.get(document);
  const known = byName?.get(key);
  if (known) return known;
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const out = new Map<string, Set<string>>();
  if (operation?.kind === Kind.OPERATION_DEFINITION) {
    const root = schema.getRootType(operation.operation);
    if (root) walk(schema, root, operation.selectionSet, fragments, out, new Set());
  }
  if (!byName) {
    byName = new Map();
    bySchema.set(document, byName);
  }
  byName.set(key, out);
  return out;
}

function add(out: Map<string, Set<string>>, type: string, field: string): void {
  const fields = out.get(type) ?? new Set<string>();
  out.set(type, fields);
  fields.add(field);
}

/** The type names whose upstream reads serve `type`: a smart process's generated type is read
 * through the generic card's loader, so what it selects counts for `SpaCard` too. */
function readAs(type: GraphQLNamedType): string[] {
  const generatedCard =
    isObjectType(type) && type.name !== 'SpaCard' && type.getInterfaces().some((i) => i.name === 'SmartProcessCard');
  return generatedCard ? [type.name, 'SpaCard'] : [type.name];
}

function walk(
  schema: GraphQLSchema,
  type: GraphQLNamedType,
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  out: Map<string, Set<string>>,
  seen: Set<string>,
): void {
  // On an interface or union, what is selected applies to every type it may be.
  const concrete = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      for (const t of concrete) for (const as of readAs(t)) add(out, as, name);
      if (!selection.selectionSet) continue;
      for (const t of concrete) {
        if (!isObjectType(t)) continue;
        const field = t.getFields()[name];
        if (field) walk(schema, getNamedType(field.type), selection.selectionSet, fragments, out, seen);
      }
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value))) continue;
      const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
      if (!condition) continue;
      const inner = selection.kind === Kind.FRAGMENT_SPREAD ? new Set([...seen, selection.name.value]) : seen;
      walk(schema, condition, fragment.selectionSet, fragments, out, inner);
    }
  }
}

/**
 * The upstream `select` for a type: the keys each selected field needs (`fields`), plus `always`.
 * A selected field the map does not know, or one that reads any field by name, asks for
 * everything (undefined: the entity's full select) — never a missing value.
 */
export function upstreamSelect(
  selected: ReadonlySet<string> | undefined,
  fields: Readonly<Record<string, readonly string[] | 'all'>>,
  always: readonly string[],
): string[] | undefined {
  if (!selected) return undefined;
  const keys = new Set(always);
  for (const name of selected) {
    if (name === '__typename') continue;
    const need = fields[name];
    if (need === undefined || need === 'all') return undefined;
    for (const key of need) keys.add(key);
  }
  return [...keys].sort();
}
