// Step 1 of reading a manifest as the API server reads it: decoding into the
// Go types. The server decodes built-in kinds with sigs.k8s.io/json, where a
// JSON null leaves a field at its zero value: `annotations:` with nothing
// under it, `initContainers:`, `nodePort: null` are simply absent, never "not
// an object". A null inside a list or a map becomes the element's zero value
// (an empty object, "", 0). A field the type does not have is dropped with a
// warning, `unknown field "spec.foo"`: the words of the server's strict
// decoding (sigs.k8s.io/json kubernetes_patch.go), which the API server turns
// into a warning by default and a refusal under fieldValidation=Strict.
import { resolve, typeOf, renderPath, type Definitions, type SchemaNode } from './schema-node.js';

export interface Decoded {
  object: Record<string, unknown>;
  /** paths of fields the kind does not have, as the server names them ("spec.foo") */
  unknownFields: Array<Array<string | number>>;
  /**
   * Required string fields left empty. The Go types cannot tell "" from absent,
   * and validation answers both with "Required value" (a container's name,
   * a volumeMount's mountPath, an env var's name, a class's provisioner).
   */
  emptyRequired: Array<Array<string | number>>;
}

function zeroOf(node: SchemaNode | undefined, definitions: Definitions): unknown {
  const { node: at } = resolve(node, definitions);
  if (at?.format === 'int-or-string') return 0;
  switch (typeOf(at)) {
    case 'object':
      return {};
    case 'array':
      return [];
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      // A quantity (string or number) decodes null to zero.
      return at?.oneOf ? 0 : {};
  }
}

export function decodeObject(value: Record<string, unknown>, root: SchemaNode, definitions: Definitions): Decoded {
  const unknownFields: Decoded['unknownFields'] = [];
  const emptyRequired: Decoded['emptyRequired'] = [];
  const walk = (v: unknown, node: SchemaNode | undefined, path: Array<string | number>): unknown => {
    const { node: at } = resolve(node, definitions);
    if (!at || at['x-kubernetes-preserve-unknown-fields']) return v;
    if (Array.isArray(v)) {
      if (typeOf(at) !== 'array') return v;
      return v.map((item, i) => (item === null ? zeroOf(at.items, definitions) : walk(item, at.items, [...path, i])));
    }
    if (!v || typeof v !== 'object') return v;
    if (typeOf(at) !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
      const property = at.properties?.[key];
      const additional = typeof at.additionalProperties === 'object' ? at.additionalProperties : undefined;
      if (property) {
        if (child !== null) out[key] = walk(child, property, [...path, key]);
      } else if (additional) {
        out[key] = child === null ? zeroOf(additional, definitions) : walk(child, additional, [...path, key]);
      } else if (at.additionalProperties === true || !at.properties) {
        if (child !== null) out[key] = child;
      } else {
        unknownFields.push([...path, key]);
      }
    }
    for (const key of at.required ?? []) if (out[key] === '') emptyRequired.push([...path, key]);
    return out;
  };
  const object = walk(value, root, []) as Record<string, unknown>;
  return { object, unknownFields, emptyRequired };
}

/** `unknown field "spec.foo"`, as the API server words the warning. */
export function unknownFieldMessage(path: Array<string | number>): string {
  return `unknown field "${renderPath(path)}"`;
}
