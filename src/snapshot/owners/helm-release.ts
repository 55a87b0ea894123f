// A Helm release as stored in its release Secret (Helm 3 and Helm 4 write the
// same format: helm pkg/storage/driver/secrets.go, util.go): data.release is
// base64(gzip(JSON)), base64-encoded once more by the API. The release holds
// the chart's values and every rendered object, Secrets and passwords
// included, so it is decoded here and cut down at once to what the owner
// checks need: the rendered StatefulSets' claim templates and the values
// keys behind their sizes. Nothing else of it is kept, printed or logged.
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';

/** The values key behind a claim template's size: certain when the chart's template names it. */
export type SizeKey = { key: string; certain: true } | { candidates: string[]; certain: false };

export interface RenderedSet {
  name: string;
  /** the namespace the manifest gives, else the release's */
  namespace: string;
  /** "# Source:" of its document: chart/templates/statefulset.yaml */
  source: string;
  volumeClaimTemplates: V1PersistentVolumeClaim[];
  /** per claim template name */
  sizeKeys: Record<string, SizeKey>;
}

export interface HelmReleaseRecord {
  release: string;
  /** the release's namespace (where `helm upgrade -n` points) */
  namespace: string;
  /** where its Secret lives (a Flux HelmRelease may store it elsewhere) */
  storedIn: string;
  revision: number;
  status: string;
  chart: { name: string; version: string };
  /** Helm 4: "ssa" or "csa" (absent from Helm 3 releases) */
  applyMethod?: string;
  statefulSets: RenderedSet[];
}

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The release JSON inside a Secret's data.release (as the API returns it). */
export function decodeReleaseData(data: string): Loose {
  const inner = Buffer.from(Buffer.from(data, 'base64').toString('latin1'), 'base64');
  const json = inner[0] === 0x1f && inner[1] === 0x8b ? gunzipSync(inner) : inner;
  return JSON.parse(json.toString('utf8')) as Loose;
}

/** The documents of a release manifest with their "# Source:" line. */
function manifestDocuments(manifest: string): Array<{ source: string; object: Loose }> {
  const out: Array<{ source: string; object: Loose }> = [];
  for (const text of manifest.split(/^---\s*$/m)) {
    const source = /^# Source: (.+)$/m.exec(text)?.[1]?.trim() ?? '';
    if (!/^kind:\s*StatefulSet\s*$/m.test(text)) continue; // never parse a Secret's document
    for (const doc of parseAllDocuments(text)) {
      const object = doc.toJS() as Loose | null;
      if (object && object['kind'] === 'StatefulSet') out.push({ source, object });
    }
  }
  return out;
}

/** A leaf of nested values by its dotted key. */
function leaf(values: Loose | undefined, key: string): unknown {
  let node: unknown = values;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Loose)[part];
  }
  return node;
}

/** chart values overridden by the user's (`helm get values --all`, for maps: chartutil.CoalesceValues). */
function coalesce(defaults: unknown, overrides: unknown): unknown {
  if (overrides === undefined) return defaults;
  if (overrides === null) return undefined;
  if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)) return overrides;
  if (typeof overrides !== 'object' || Array.isArray(overrides)) return overrides;
  const out: Loose = { ...(defaults as Loose) };
  for (const [k, v] of Object.entries(overrides as Loose)) out[k] = coalesce((defaults as Loose)[k], v);
  return out;
}

/** Dotted keys of the leaves equal to `value` whose last part reads like a size. */
function leavesEqual(values: unknown, value: string, prefix = ''): string[] {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(values as Loose)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object') out.push(...leavesEqual(v, value, key));
    else if (String(v) === value && /size|storage|capacity/i.test(k)) out.push(key);
  }
  return out;
}

/**
 * The `.Values.` keys on the `storage:` lines after `volumeClaimTemplates:`
 * in the chart's template, in order: bitnami's
 * `storage: {{ .Values.primary.persistence.size | quote }}` gives
 * primary.persistence.size. Undefined when the template is not stored (a
 * subchart's: Chart.dependencies is not serialized).
 */
function templateSizeKeys(release: Loose, source: string): Array<string | undefined> | undefined {
  const chartName = release['chart']?.['metadata']?.['name'] ?? '';
  if (!source.startsWith(`${chartName}/templates/`)) return undefined;
  const file = source.slice(chartName.length + 1);
  const template = (release['chart']?.['templates'] ?? []).find((t: Loose) => t['name'] === file);
  if (!template) return undefined;
  const text = Buffer.from(String(template['data'] ?? ''), 'base64').toString('utf8');
  const at = text.indexOf('volumeClaimTemplates:');
  if (at < 0) return undefined;
  return [...text.slice(at).matchAll(/^\s*storage:(.*)$/gm)].map((m) => {
    const keys = [...new Set([...m[1]!.matchAll(/\.Values\.([\w.]+)/g)].map((k) => k[1]!))];
    return keys.length === 1 ? keys[0] : undefined;
  });
}

function sizeKeysOf(release: Loose, source: string, templates: V1PersistentVolumeClaim[]): Record<string, SizeKey> {
  const values = coalesce(release['chart']?.['values'] ?? {}, release['config'] ?? {});
  const fromTemplate = templateSizeKeys(release, source);
  const out: Record<string, SizeKey> = {};
  templates.forEach((t, i) => {
    const size = String(t.spec?.resources?.requests?.['storage'] ?? '');
    const named = fromTemplate?.length === templates.length ? fromTemplate[i] : undefined;
    // Certain only when the key the template reads holds the rendered value.
    if (named && String(leaf(values as Loose, named)) === size) out[t.metadata?.name ?? ''] = { key: named, certain: true };
    else out[t.metadata?.name ?? ''] = { candidates: size ? leavesEqual(values, size) : [], certain: false };
  });
  return out;
}

/** What the owner checks need of one release; `storedIn` is the Secret's namespace. */
export function distillRelease(release: Loose, storedIn: string): HelmReleaseRecord {
  const namespace = String(release['namespace'] ?? storedIn);
  const statefulSets: RenderedSet[] = manifestDocuments(String(release['manifest'] ?? '')).map(({ source, object }) => {
    const templates = (object['spec']?.['volumeClaimTemplates'] ?? []) as V1PersistentVolumeClaim[];
    return {
      name: String(object['metadata']?.['name'] ?? ''),
      namespace: String(object['metadata']?.['namespace'] ?? namespace),
      source,
      volumeClaimTemplates: templates,
      sizeKeys: sizeKeysOf(release, source, templates),
    };
  });
  return {
    release: String(release['name'] ?? ''),
    namespace,
    storedIn,
    revision: Number(release['version'] ?? 0),
    status: String(release['info']?.['status'] ?? ''),
    chart: { name: String(release['chart']?.['metadata']?.['name'] ?? ''), version: String(release['chart']?.['metadata']?.['version'] ?? '') },
    ...(release['apply_method'] ? { applyMethod: String(release['apply_method']) } : {}),
    statefulSets,
  };
}
