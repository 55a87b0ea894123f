// A cursor over the OpenAPI v3 definitions that decoding and defaulting walk
// beside the object: which definition a value is, its properties, its items.
// Only what the API server's Go types decide is read from it (the shape);
// the verdict on values is the server's validation code, not the schema.

export type SchemaNode = {
  $ref?: string;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  format?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
};

export type Definitions = Record<string, SchemaNode>;

/** A node with its $ref and single allOf followed, and the definition name it came from. */
export function resolve(node: SchemaNode | undefined, definitions: Definitions, name?: string): { node: SchemaNode | undefined; name?: string } {
  let at = node;
  let named = name;
  for (let hops = 0; at && hops < 8; hops++) {
    if (at.$ref) {
      named = at.$ref.split('/').pop()!;
      at = definitions[named];
    } else if (at.allOf?.length === 1 && !at.properties) at = at.allOf[0];
    else break;
  }
  return { node: at, name: named };
}

/** The JSON type a node's values take: "object", "array", "string", "integer", "number", "boolean", or undefined (any). */
export function typeOf(node: SchemaNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type) return node.type;
  if (node.properties || node.additionalProperties) return 'object';
  return undefined;
}

export function renderPath(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The schema node at a path inside an object of the root definition (undefined past what the schema describes). */
export function nodeAt(definitions: Definitions, root: string, path: Array<string | number>): SchemaNode | undefined {
  let at = resolve({ $ref: `#/components/schemas/${root}` }, definitions).node;
  for (const segment of path) {
    if (!at) return undefined;
    if (typeof segment === 'number') at = resolve(at.items, definitions).node;
    else at = resolve(at.properties?.[segment] ?? (typeof at.additionalProperties === 'object' ? at.additionalProperties : undefined), definitions).node;
  }
  return at;
}
