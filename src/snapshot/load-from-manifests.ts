// `audit -f`: the same checks on manifest files, before they reach the
// cluster. Reads YAML or JSON files, directories (-R to recurse, as kubectl),
// or stdin ("-"); multi-document streams (helm template, kustomize build) and
// kind: List. Kinds the plugin does not read are ignored.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, type Node } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import type { SourceLocation } from './cluster-snapshot.js';
import { shippedValidator, type ManifestValidator, type SchemaProblem } from './validate-manifest.js';
import { ManifestError } from './manifest-error.js';

export { ManifestError };

const MAX_BYTES = 64 * 1024 * 1024;
const NAMESPACED = new Set(['StatefulSet', 'PersistentVolumeClaim', 'Pod', 'Service', 'Event']);

export interface ManifestInput {
  paths: string[];
  recursive: boolean;
  stdin: Readable;
  /** for objects without one, like kubectl apply -n */
  namespace: string;
  /** the schema to validate against (default: the one shipped with the tool) */
  validator?: ManifestValidator;
  /** refuse unknown and duplicate fields, as kubectl apply --validate=strict; by default they are warnings, as the API server's */
  strict?: boolean;
}

export interface ManifestLoad {
  objects: KubeObject[];
  locations: Map<KubeObject, SourceLocation>;
  files: string[];
  errors: ManifestError[];
  /** what the API server would warn about (unknown and duplicate fields), each naming its document */
  warnings: ManifestError[];
}

async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    size += b.length;
    if (size > MAX_BYTES) throw new ManifestError('<stdin>', undefined, undefined, `larger than ${MAX_BYTES / 1024 / 1024} MiB`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function listFiles(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...listFiles(full, recursive));
    } else if (/\.(ya?ml|json)$/i.test(entry.name)) out.push(full);
  }
  return out;
}

export async function readManifests(input: ManifestInput): Promise<ManifestLoad> {
  const load: ManifestLoad = { objects: [], locations: new Map(), files: [], errors: [], warnings: [] };
  const sources: Array<{ name: string; read: () => Promise<string> }> = [];
  for (const p of input.paths) {
    if (p === '-' || p === '<stdin>') {
      sources.push({ name: '<stdin>', read: () => readStream(input.stdin) });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new ManifestError(p, undefined, undefined, 'no such file or directory');
    }
    const files = stat.isDirectory() ? listFiles(p, input.recursive) : [p];
    for (const f of files) {
      sources.push({
        name: f,
        read: async () => {
          if (fs.statSync(f).size > MAX_BYTES) throw new ManifestError(f, undefined, undefined, `larger than ${MAX_BYTES / 1024 / 1024} MiB`);
          return fs.readFileSync(f, 'utf8');
        },
      });
    }
  }
  for (const source of sources) {
    load.files.push(source.name);
    let text: string;
    try {
      text = await source.read();
    } catch (err) {
      load.errors.push(err instanceof ManifestError ? err : new ManifestError(source.name, undefined, undefined, (err as Error).message));
      continue;
    }
    if (text.includes('\u0000')) {
      load.errors.push(new ManifestError(source.name, undefined, undefined, 'binary content, not YAML or JSON'));
      continue;
    }
    parseText(source.name, text, input.namespace, load, input.validator ?? shippedValidator(), !!input.strict);
  }
  return load;
}

function parseText(file: string, text: string, namespace: string, load: ManifestLoad, validator: ManifestValidator, strict: boolean): void {
  const lineCounter = new LineCounter();
  // A duplicate key is the server's `duplicate field` (a warning, the last value
  // wins; refused under --strict), found below rather than by the parser.
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const document = i + 1;
    const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      load.errors.push(new ManifestError(file, document, lineOf(e.pos[0]), e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // An alias bomb ("Excessive alias count…") is this file's problem, not the cluster's.
      load.errors.push(new ManifestError(file, document, lineOf(doc.contents?.range?.[0]), (err as Error).message.split('\n')[0]!));
      return;
    }
    if (value === null || value === undefined) return; // empty document between separators
    if (typeof value !== 'object' || Array.isArray(value)) {
      load.errors.push(
        new ManifestError(file, document, lineOf(doc.contents?.range?.[0]), 'not a Kubernetes object (expected a mapping with apiVersion and kind)'),
      );
      return;
    }
    const object = value as KubeObject & { items?: unknown[] };
    const line = lineOf(doc.contents?.range?.[0]);
    for (const { path, offset } of duplicateKeys(doc.contents)) {
      const e = new ManifestError(file, document, lineOf(offset) ?? line, `duplicate field "${path.join('.')}"`);
      (strict ? load.errors : load.warnings).push(e);
    }
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      object.items.forEach((item, j) => {
        const node = isSeq(itemsNode) ? itemsNode.items[j] : undefined;
        const itemLine = node && typeof node === 'object' && 'range' in node ? lineOf((node as { range?: [number] }).range?.[0]) : line;
        add(item, { file, document, line: itemLine }, namespace, load, validator, strict, (p) => lineOf(rangeAt(node, p)) ?? itemLine);
      });
      return;
    }
    add(object, { file, document, line }, namespace, load, validator, strict, (p) => lineOf(rangeAt(doc.contents, p)) ?? line);
  });
}

/** Keys that appear twice in one mapping, with their path ("spec.replicas") and the offset of the second. */
function duplicateKeys(root: unknown): Array<{ path: string[]; offset?: number }> {
  const found: Array<{ path: string[]; offset?: number }> = [];
  const walk = (node: unknown, path: string[]) => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(key)) found.push({ path: [...path, key], offset: (pair.key as Node | null)?.range?.[0] });
        seen.add(key);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`]));
  };
  walk(root, []);
  return found;
}

/** Where a JSON path points in the YAML, as far as it exists there: the offset of the deepest node reached. */
function rangeAt(node: unknown, path: Array<string | number>): number | undefined {
  let at = node as { range?: [number] } | undefined;
  let offset = at?.range?.[0];
  for (const segment of path) {
    const next = isMap(at) ? at.get(segment, true) : isSeq(at) && typeof segment === 'number' ? at.items[segment] : undefined;
    if (!next || typeof next !== 'object') break;
    at = next as { range?: [number] };
    offset = at.range?.[0] ?? offset;
  }
  return offset;
}

function add(
  value: unknown,
  location: SourceLocation,
  namespace: string,
  load: ManifestLoad,
  validator: ManifestValidator,
  strict: boolean,
  lineAt: (path: Array<string | number>) => number | undefined,
): void {
  if (!value || typeof value !== 'object') return;
  const raw = value as KubeObject;
  if (typeof raw.kind !== 'string') return;
  // Checks see what the API server would store, and never an object it would refuse.
  const admission = validator.admit(raw as Record<string, unknown>, { strict });
  const name = typeof raw.metadata?.name === 'string' ? ` ${raw.metadata.name}` : '';
  const say = (p: SchemaProblem) =>
    p.source === 'decoding'
      ? `${raw.kind}${name}: ${p.message}`
      : `${raw.kind}${name}: ${p.message} (Kubernetes ${validator.version} ${p.source === 'validation' ? 'validation' : 'schema'})`;
  for (const w of admission.warnings) load.warnings.push(new ManifestError(location.file, location.document, lineAt(w.path), say(w)));
  if (!admission.object) {
    for (const p of admission.problems) load.errors.push(new ManifestError(location.file, location.document, lineAt(p.path), say(p)));
    return;
  }
  const object = admission.object as unknown as KubeObject & { kind: string };
  if (!object.metadata?.name) {
    // generateName alone cannot be audited (the name decides every claim's name); a kind we do not read is ignored.
    if (validator.schema.kinds[object.kind])
      load.errors.push(new ManifestError(location.file, location.document, location.line, `${object.kind}: .metadata.name is required`));
    return;
  }
  if (NAMESPACED.has(object.kind) && !object.metadata.namespace) object.metadata.namespace = namespace;
  load.objects.push(object);
  load.locations.set(object, location);
}
