// `audit -f` reads every document of a kind it reads as the API server would,
// in the server's order (manifest/decode.ts, manifest/defaults.ts,
// manifest/server-rules.ts): decode (null is absent), apply the defaults of
// empty values, then validate. The OpenAPI v3 schema serves the shape: the
// schema of the newest supported release shipped with the tool
// (src/schema/kubernetes.json, written by `npm run schema` from that release's
// own API server), or with --preflight the one the cluster's API server
// publishes. A hurried file (`volumeMounts: "oops"`, `spec: {}`) gets a precise
// error instead of a crash or an all-clear, and a chart the server accepts
// (`annotations:` with nothing under it) is never refused.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import shipped from '../schema/kubernetes.json' with { type: 'json' };
import type { ReadClient } from '../kube/read-client.js';
import { KINDS, type ManifestSchema } from '../kube/resources.js';
import type { Definitions, SchemaNode } from './manifest/schema-node.js';
import { decodeObject, unknownFieldMessage } from './manifest/decode.js';
import { applyDefaults } from './manifest/defaults.js';
import { isReplacedByTemplate, validateLikeServer } from './manifest/server-rules.js';

export interface KubernetesSchema {
  version: string;
  /** kind -> its schema's name */
  kinds: Record<string, string>;
  components: { schemas: Record<string, unknown> };
}

export interface SchemaProblem {
  /** JSON path segments, for locating the line */
  path: Array<string | number>;
  /** ".spec.template.spec.containers[0].volumeMounts: must be array" */
  message: string;
  /** whose words: the published schema's shape, or the server's validation code */
  source?: 'schema' | 'validation' | 'decoding';
  /** the schema keyword that failed (type, required, enum, …) */
  keyword?: string;
}

/**
 * Up to 1.33 the API server validated a StatefulSet's pod template only for
 * its labels and annotations (ValidatePodTemplateSpecForStatefulSet: "TODO:
 * Add validation for PodSpec"), and its claim templates not at all; 1.34
 * added ValidatePodTemplateSpec and validateVolumeClaimTemplates. Below that
 * release, only what decoding refuses (a wrong type, a quantity that does not
 * parse) refuses either.
 */
function templateValidated(version: string): boolean {
  const m = /^v?1\.(\d+)/.exec(version);
  return !m || Number(m[1]) >= 34;
}

const DECODING_KEYWORDS = new Set(['type', 'pattern', 'oneOf']);

/** One object as the API server would take it: refused, or decoded and defaulted, with warnings. */
export interface Admission {
  /** the object as the server would store it (nulls dropped, empty values defaulted); absent when refused */
  object?: Record<string, unknown>;
  problems: SchemaProblem[];
  /** what the server warns about by default (unknown and duplicate fields); problems under --strict */
  warnings: SchemaProblem[];
}

/** The kinds audit -f reads, and the OpenAPI v3 document that defines each. */
export const SCHEMA_KINDS: Record<string, ManifestSchema> = Object.fromEntries(KINDS.flatMap((k) => (k.manifest ? [[k.kind, k.manifest]] : [])));

// resource.ParseQuantity: a signed decimal number, then an optional binary, decimal or exponent suffix.
// The published schema says only "string or number".
const QUANTITY = {
  oneOf: [{ type: 'string', pattern: '^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$' }, { type: 'number' }],
};

/** The definitions the kinds reach, without descriptions, from the API server's OpenAPI v3 documents. */
export function schemaFromDocuments(version: string, documents: Array<{ components?: { schemas?: Record<string, unknown> } }>): KubernetesSchema {
  const all = Object.assign({}, ...documents.map((d) => d.components?.schemas ?? {})) as Record<string, unknown>;
  const keep: Record<string, unknown> = {};
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'description') continue;
      if (k === '$ref' && typeof v === 'string') visit(v.split('/').pop()!);
      out[k] = strip(v);
    }
    return out;
  };
  const visit = (name: string) => {
    if (name in keep) return;
    keep[name] = {};
    keep[name] = strip(all[name]);
  };
  for (const { schema } of Object.values(SCHEMA_KINDS)) visit(schema);
  keep['io.k8s.apimachinery.pkg.api.resource.Quantity'] = QUANTITY;
  return { version, kinds: Object.fromEntries(Object.entries(SCHEMA_KINDS).map(([k, v]) => [k, v.schema])), components: { schemas: keep } };
}

/** --preflight: the schema the cluster's own API server publishes. */
export async function serverSchema(client: ReadClient): Promise<KubernetesSchema> {
  const documents = [...new Set(Object.values(SCHEMA_KINDS).map((k) => k.document))];
  const [version, ...docs] = await Promise.all([
    client.get<{ gitVersion?: string }>('/version'),
    ...documents.map((d) => client.get<{ components?: { schemas?: Record<string, unknown> } }>(`/openapi/v3/${d}`)),
  ]);
  return schemaFromDocuments(
    (version as { gitVersion?: string }).gitVersion ?? 'unknown',
    docs as Array<{ components?: { schemas?: Record<string, unknown> } }>,
  );
}

function pathOf(instancePath: string): Array<string | number> {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function renderServerPath(path: Array<string | number>): string {
  return render(path).replace(/^\./, '');
}

function render(path: Array<string | number>): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '.';
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'enum') return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'pattern' && e.schemaPath.includes('Quantity')) return 'must be a quantity such as 1Gi, 500Mi or 10';
  return e.message ?? e.keyword;
}

export class ManifestValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly schema: KubernetesSchema) {
    // Kubernetes' schemas carry x-kubernetes-* keywords and OpenAPI formats.
    this.ajv = new Ajv({ strict: false, allErrors: true });
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => void;
    addFormats(this.ajv);
    this.ajv.addFormat('int-or-string', true);
    this.ajv.addSchema({ $id: 'kubernetes', components: schema.components });
  }

  get version(): string {
    return this.schema.version;
  }

  /**
   * One object of a kind this tool reads, taken as the API server takes it:
   * decoded, defaulted, then refused for what the schema's shape or the
   * server's validation refuses (at most `max` problems). `strict` refuses
   * unknown fields, as fieldValidation=Strict (kubectl apply --validate=strict).
   */
  admit(object: Record<string, unknown>, options: { strict?: boolean; max?: number } = {}): Admission {
    const kind = object.kind;
    if (typeof kind !== 'string' || !this.schema.kinds[kind]) return { object, problems: [], warnings: [] };
    const definitions = this.schema.components.schemas as Definitions;
    const root: SchemaNode = { $ref: `#/components/schemas/${this.schema.kinds[kind]}` };
    const decoded = decodeObject(object, root, definitions);
    const warnings = decoded.unknownFields.map((path) => ({ path, message: unknownFieldMessage(path), source: 'decoding' as const }));
    const defaulted = applyDefaults(decoded.object, root, definitions);
    const max = options.max ?? 5;
    const podTemplate = kind !== 'StatefulSet' || templateValidated(this.version);
    const inTemplateSpec = (p: Array<string | number>) =>
      kind === 'StatefulSet' && p[0] === 'spec' && ((p[1] === 'template' && p[2] === 'spec') || (p[1] === 'volumeClaimTemplates' && p[3] === 'spec'));
    // A pod volume that a claim template replaces is decoded (a wrong type is refused) but never
    // validated (volumesToAddForTemplates): what it lacks does not matter. Nor, before 1.34, the template's spec.
    let problems = this.validate(defaulted, Infinity)
      .filter((p) => !(p.keyword === 'required' && isReplacedByTemplate(defaulted, p.path)))
      .filter((p) => podTemplate || !inTemplateSpec(p.path) || DECODING_KEYWORDS.has(p.keyword ?? ''))
      .slice(0, max);
    // The server decodes before it validates: a value of the wrong type is refused before any rule runs.
    if (problems.length === 0) {
      const empty = decoded.emptyRequired
        .filter((path) => !isReplacedByTemplate(defaulted, path) && (podTemplate || !inTemplateSpec(path)))
        .map((path) => ({ path, message: `${renderServerPath(path)}: Required value`, source: 'validation' as const }));
      const rules = validateLikeServer(defaulted, { podTemplate }).map((p) => ({ ...p, source: 'validation' as const }));
      const seen = new Set<string>();
      problems = [...empty, ...rules].filter((p) => !seen.has(p.message) && !!seen.add(p.message)).slice(0, max);
    }
    if (options.strict) problems = [...warnings, ...problems];
    return problems.length > 0 ? { problems, warnings: options.strict ? [] : warnings } : { object: defaulted, problems, warnings };
  }

  /**
   * What the schema says is wrong with one object of a kind this tool reads,
   * at most `max` problems. A mismatch inside a oneOf is reported once, at its
   * place, not as every branch that failed.
   */
  validate(object: { kind?: unknown }, max = 5): SchemaProblem[] {
    if (typeof object.kind !== 'string' || !this.schema.kinds[object.kind]) return [];
    let v = this.compiled.get(object.kind);
    if (!v) {
      v = this.ajv.compile({ $ref: `kubernetes#/components/schemas/${this.schema.kinds[object.kind]}` });
      this.compiled.set(object.kind, v);
    }
    if (v(object)) return [];
    const seen = new Set<string>();
    const problems: SchemaProblem[] = [];
    for (const e of (v.errors ?? []).filter((x) => x.keyword !== 'oneOf' && x.keyword !== 'anyOf')) {
      const path = pathOf(e.instancePath);
      if (e.keyword === 'required') path.push((e.params as { missingProperty: string }).missingProperty);
      const at = render(path);
      if (seen.has(at)) continue;
      seen.add(at);
      problems.push({ path, message: `${at}: ${describe(e)}`, source: 'schema', keyword: e.keyword });
      if (problems.length === max) break;
    }
    return problems;
  }
}

let offline: ManifestValidator | undefined;

/** The schema shipped with the tool: the newest supported release. */
export function shippedValidator(): ManifestValidator {
  return (offline ??= new ManifestValidator(shipped as KubernetesSchema));
}

export const SCHEMA_VERSION = (shipped as KubernetesSchema).version;
