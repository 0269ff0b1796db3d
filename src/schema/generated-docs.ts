// Descriptions for the types and fields plugins generate (Relay: Node, PageInfo, edges,
// connections; errors: mutation result unions and success wrappers), so GraphiQL documents
// every field. Hand-written types carry their own.
import { isObjectType, isInterfaceType, type GraphQLSchema } from 'graphql';

const FIELDS: Record<string, string> = {
  'PageInfo.hasNextPage': 'True when more items follow this page (exact: never a guess).',
  'PageInfo.hasPreviousPage': 'True when this page was requested with a cursor (items precede it).',
  'PageInfo.startCursor': 'Cursor of the first item of this page.',
  'PageInfo.endCursor': 'Cursor of the last item of this page: pass it as `after` for the next page.',
  'Query.node': 'Any object by its global id.',
  'Query.nodes': 'Several objects by global id, in the same order; null where an id matches nothing.',
  'Query.node(id)': 'A global id as returned in `id` fields.',
  'Query.nodes(ids)': 'Global ids as returned in `id` fields.',
};

export function describeGeneratedTypes(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (type.name === 'Node') type.description ??= 'An object with a global id, fetchable with `node(id:)`.';
    if (type.name === 'PageInfo') type.description ??= 'Where a page sits in a list.';
    if (type.name.endsWith('Connection'))
      type.description ??= `A page of ${type.name.slice(0, -'Connection'.length)} items.`;
    if (type.name.endsWith('Edge'))
      type.description ??= `One ${type.name.slice(0, -'Edge'.length)} in a page, with its cursor.`;
    const mutation = type.name.replace(/(Result|Success)$/, '');
    const field = mutation.charAt(0).toLowerCase() + mutation.slice(1);
    if (type.name.endsWith('Result'))
      type.description ??= `What \`${field}\` returns: the success, or one of the typed errors (query \`... on Error { message }\`).`;
    if (type.name.endsWith('Success')) type.description ??= `\`${field}\` succeeded.`;
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      if (!field.description) {
        if (FIELDS[key]) field.description = FIELDS[key];
        else if (field.name === 'id') field.description = 'Global id (Relay): opaque, stable, accepted by `node(id:)`.';
        else if (field.name === 'edges') field.description = 'The items of this page, each with its cursor.';
        else if (field.name === 'pageInfo') field.description = 'Cursors and whether more pages exist.';
        else if (field.name === 'cursor') field.description = 'Opaque cursor of this item, valid for the same filter.';
        else if (field.name === 'node' && type.name.endsWith('Edge')) field.description = 'The item.';
        else if (field.name === 'data' && type.name.endsWith('Success'))
          field.description = 'The record as it is after the change.';
      }
      for (const arg of field.args)
        if (!arg.description && FIELDS[`${key}(${arg.name})`]) arg.description = FIELDS[`${key}(${arg.name})`];
    }
  }
  return schema;
}
