// The reads behind "who owns this set": a fixed number of label-selected
// lists, whatever the cluster's size: Helm release Secrets in each release
// namespace the sets name (never a cluster-wide Secret read), one list of
// Argo CD Applications, Flux Kustomizations and HelmReleases per namespace the
// sets name, and one list per kind and namespace of the custom resources that
// control sets. What cannot be read is skipped and said.
import type { ReadClient } from '../../kube/read-client.js';
import { ApiError } from '../../kube/errors.js';
import { collectionPath } from '../../kube/resources.js';
import type { KubeObject, StatefulSet } from '../../kube/types.js';
import { argoMarks, controllerOwner, fluxMarks, helmMarks, isBuiltInOwner } from '../../kube/owner-marks.js';
import { decodeReleaseData, distillRelease, type HelmReleaseRecord } from './helm-release.js';
import type { ArgoApplication, ControllerResource, FluxObject, OwnerRecords } from './owner-records.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ARGO_APPLICATIONS = collectionPath('argoproj.io/v1alpha1', 'applications');
const FLUX_PATHS = {
  Kustomization: (ns: string) => collectionPath('kustomize.toolkit.fluxcd.io/v1', 'kustomizations', ns),
  HelmRelease: (ns: string) => collectionPath('helm.toolkit.fluxcd.io/v2', 'helmreleases', ns),
};

function why(err: unknown): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  if (err.forbidden) return 'forbidden';
  if (err.notFound) return 'not served by this API server';
  return undefined;
}

export async function readOwnerRecords(client: ReadClient, sets: StatefulSet[]): Promise<OwnerRecords> {
  const skipped: string[] = [];
  /**
   * A list, or [] with the reason said when RBAC or the API refuses it. A
   * kind the API server does not serve (no Argo CD, no Flux installed) is an
   * answer, not a gap: nothing of it owns anything.
   */
  const listOr = async <T>(path: string, what: string, judgedBy: string, options: { labelSelector?: string; map?: (item: T) => T } = {}): Promise<T[]> => {
    try {
      return await client.list<T>(path, options);
    } catch (err) {
      const reason = why(err);
      if (!reason) throw err;
      if (reason === 'forbidden') skipped.push(`${what}: ${reason}; ${judgedBy}`);
      return [];
    }
  };
  const namespaces = (pick: (s: StatefulSet) => string | undefined) => [...new Set(sets.map(pick).filter((n): n is string => !!n))];

  // The resources that control sets have owners of their own (a Prometheus rendered by a Helm release).
  const [fluxObjects, controllers] = await Promise.all([readFlux(sets, listOr, namespaces), readControllers(client, sets, listOr, skipped)]);
  const written: KubeObject[] = [...sets, ...controllers];
  const [helmReleases, argoApplications] = await Promise.all([
    readHelm(written, fluxObjects, listOr, skipped),
    written.some((o) => argoMarks(o, o.kind ?? 'StatefulSet'))
      ? listOr<Loose>(ARGO_APPLICATIONS, 'Argo CD Applications', 'judged by the tracking annotation or label alone').then((apps) => apps.map(toArgoApplication))
      : Promise.resolve([] as ArgoApplication[]),
  ]);
  return { helmReleases, argoApplications, fluxObjects, controllers, skipped };
}

type ListOr = <T>(path: string, what: string, judgedBy: string, options?: { labelSelector?: string; map?: (item: T) => T }) => Promise<T[]>;

async function readFlux(sets: StatefulSet[], listOr: ListOr, namespaces: (pick: (s: StatefulSet) => string | undefined) => string[]): Promise<FluxObject[]> {
  const out: FluxObject[] = [];
  for (const kind of ['Kustomization', 'HelmRelease'] as const) {
    const inNamespaces = namespaces((s) => {
      const m = fluxMarks(s);
      return m?.kind === kind ? m.namespace : undefined;
    });
    const lists = await Promise.all(inNamespaces.map((ns) => listOr<Loose>(FLUX_PATHS[kind](ns), `Flux ${kind}s in ${ns}`, 'judged by the Flux labels alone')));
    for (const item of lists.flat()) out.push(toFluxObject(kind, item));
  }
  return out;
}

function toFluxObject(kind: FluxObject['kind'], item: Loose): FluxObject {
  const spec = item['spec'] ?? {};
  return {
    kind,
    name: String(item['metadata']?.['name'] ?? ''),
    namespace: String(item['metadata']?.['namespace'] ?? ''),
    suspended: spec['suspend'] === true,
    force: spec['force'] === true,
    driftCorrection: spec['driftDetection']?.['mode'] === 'enabled',
    ...(kind === 'HelmRelease' ? { storageNamespace: String(spec['storageNamespace'] ?? item['metadata']?.['namespace'] ?? '') } : {}),
  };
}

function toArgoApplication(item: Loose): ArgoApplication {
  const automated = item['spec']?.['syncPolicy']?.['automated'];
  // automated: {} is on; enabled: false (Argo CD 3.x) turns it off without removing it.
  const on = !!automated && automated['enabled'] !== false;
  return {
    name: String(item['metadata']?.['name'] ?? ''),
    namespace: String(item['metadata']?.['namespace'] ?? ''),
    automated: on,
    selfHeal: on && automated['selfHeal'] === true,
  };
}

/**
 * Release Secrets: labels owner=helm,status=deployed and the release names,
 * in each namespace a set's annotations (or its Flux HelmRelease's
 * storageNamespace) point to. Each item is decoded and cut down inside the
 * list's map, so no value of it outlives this call.
 */
async function readHelm(sets: KubeObject[], flux: FluxObject[], listOr: ListOr, skipped: string[]): Promise<HelmReleaseRecord[]> {
  const byNamespace = new Map<string, Set<string>>();
  const want = (ns: string, release: string) => byNamespace.set(ns, (byNamespace.get(ns) ?? new Set()).add(release));
  for (const s of sets) {
    const h = helmMarks(s);
    if (!h) continue;
    want(h.namespace, h.release);
    const f = fluxMarks(s);
    const hr = f?.kind === 'HelmRelease' ? flux.find((o) => o.kind === 'HelmRelease' && o.name === f.name && o.namespace === f.namespace) : undefined;
    if (hr?.storageNamespace && hr.storageNamespace !== h.namespace) want(hr.storageNamespace, h.release);
  }
  const records: HelmReleaseRecord[] = [];
  await Promise.all(
    [...byNamespace].map(async ([ns, releases]) => {
      const distilled = await listOr<Loose>(
        collectionPath('v1', 'secrets', ns),
        `Helm release Secrets in ${ns}`,
        'judged by the meta.helm.sh annotations alone',
        {
          labelSelector: `owner=helm,status=deployed,name in (${[...releases].sort().join(',')})`,
          map: (item) => {
            try {
              return { record: distillRelease(decodeReleaseData(String(item['data']?.['release'] ?? '')), ns) };
            } catch {
              return { undecodable: String(item['metadata']?.['name'] ?? '') };
            }
          },
        },
      );
      for (const d of distilled) {
        if (d['record']) records.push(d['record'] as HelmReleaseRecord);
        else skipped.push(`Helm release Secret ${ns}/${d['undecodable']}: not a release this tool can decode; judged by the meta.helm.sh annotations alone`);
      }
    }),
  );
  return records;
}

/** The custom resources that control the sets: one discovery read per group/version, one list per kind and namespace. */
async function readControllers(client: ReadClient, sets: StatefulSet[], listOr: ListOr, skipped: string[]): Promise<ControllerResource[]> {
  const wanted = new Map<string, { apiVersion: string; kind: string; namespace: string }>();
  for (const s of sets) {
    const c = controllerOwner(s);
    if (!c || isBuiltInOwner(c.apiVersion)) continue;
    const ns = s.metadata?.namespace ?? '';
    wanted.set(`${c.apiVersion}|${c.kind}|${ns}`, { apiVersion: c.apiVersion, kind: c.kind, namespace: ns });
  }
  const resources = new Map<string, string | undefined>();
  const resourceOf = async (apiVersion: string, kind: string): Promise<string | undefined> => {
    const key = `${apiVersion}|${kind}`;
    if (!resources.has(key)) {
      try {
        const d = await client.get<{ resources?: Array<{ name: string; kind: string }> }>(`/apis/${apiVersion}`);
        resources.set(key, d.resources?.find((r) => r.kind === kind && !r.name.includes('/'))?.name);
      } catch (err) {
        if (!why(err)) throw err;
        resources.set(key, undefined);
      }
    }
    return resources.get(key);
  };
  const out: ControllerResource[] = [];
  await Promise.all(
    [...wanted.values()].map(async ({ apiVersion, kind, namespace }) => {
      const resource = await resourceOf(apiVersion, kind);
      if (!resource) {
        skipped.push(`${kind} (${apiVersion}): not served by this API server; the owner is judged by the ownerReference alone`);
        return;
      }
      const items = await listOr<Loose>(collectionPath(apiVersion, resource, namespace), `${kind}s in ${namespace}`, 'judged by the ownerReference alone');
      for (const item of items) {
        const meta = item['metadata'] ?? {};
        out.push({
          apiVersion,
          kind,
          resource,
          metadata: {
            name: meta['name'],
            namespace: meta['namespace'],
            uid: meta['uid'],
            resourceVersion: meta['resourceVersion'],
            generation: meta['generation'],
            labels: meta['labels'],
            annotations: meta['annotations'],
          },
          spec: item['spec'],
        });
      }
    }),
  );
  return out;
}
