// `audit -f`: the same checks on manifest files, before they reach the
// cluster. Reads YAML or JSON files, directories (-R to recurse, as kubectl),
// or stdin ("-"); multi-document streams (helm template, kustomize build) and
// kind: List. Kinds the plugin does not read are ignored.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LineCounter, parseAllDocuments, isMap, isSeq } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import type { SourceLocation } from './cluster-snapshot.js';
import { shippedValidator, type ManifestValidator } from './validate-manifest.js';
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
}

export interface ManifestLoad {
  objects: KubeObject[];
  locations: Map<KubeObject, SourceLocation>;
  files: string[];
  errors: ManifestError[];
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
  const load: ManifestLoad = { objects: [], locations: new Map(), files: [], errors: [] };
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
    parseText(source.name, text, input.namespace, load, input.validator ?? shippedValidator());
  }
  return load;
}

function parseText(file: string, text: string, namespace: string, load: ManifestLoad, validator: ManifestValidator): void {
  const lineCounter = new LineCounter();
  // uniqueKeys (the default) makes a duplicate key an error, as kubectl does.
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
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
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      object.items.forEach((item, j) => {
        const node = isSeq(itemsNode) ? itemsNode.items[j] : undefined;
        const itemLine = node && typeof node === 'object' && 'range' in node ? lineOf((node as { range?: [number] }).range?.[0]) : line;
        add(item, { file, document, line: itemLine }, namespace, load, validator, (p) => lineOf(rangeAt(node, p)) ?? itemLine);
      });
      return;
    }
    add(object, { file, document, line }, namespace, load, validator, (p) => lineOf(rangeAt(doc.contents, p)) ?? line);
  });
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
  lineAt: (path: Array<string | number>) => number | undefined,
): void {
  if (!value || typeof value !== 'object') return;
  const object = value as KubeObject;
  if (typeof object.kind !== 'string') return;
  // Checks never see an object the API server would refuse.
  const problems = validator.validate(object);
  if (problems.length > 0) {
    const name = typeof object.metadata?.name === 'string' ? ` ${object.metadata.name}` : '';
    for (const p of problems)
      load.errors.push(
        new ManifestError(location.file, location.document, lineAt(p.path), `${object.kind}${name}: ${p.message} (Kubernetes ${validator.version} schema)`),
      );
    return;
  }
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
