import type { KubeClient } from '../kube/client.js';
import { ApiError } from '../kube/errors.js';
import { collectionPath } from '../snapshot/load-from-cluster.js';
import type { StatefulSet } from '../kube/types.js';
import { UsageError } from '../cli/errors.js';

const PATHS: Record<string, { group: string; resource: string; namespaced: boolean }> = {
  PersistentVolume: { group: 'v1', resource: 'persistentvolumes', namespaced: false },
  PersistentVolumeClaim: { group: 'v1', resource: 'persistentvolumeclaims', namespaced: true },
  StatefulSet: { group: 'apps/v1', resource: 'statefulsets', namespaced: true },
  Pod: { group: 'v1', resource: 'pods', namespaced: true },
};

export function objectPath(kind: string, name: string, namespace?: string): string {
  const p = PATHS[kind];
  if (!p) throw new Error(`no API path for kind ${kind}`);
  return `${collectionPath(p.group, p.resource, p.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
}

/** GET one object; undefined when it does not exist. Repairs read exactly what they change. */
export async function getObject<T>(client: KubeClient, kind: string, name: string, namespace?: string): Promise<T | undefined> {
  try {
    return await client.request<T>('GET', objectPath(kind, name, namespace));
  } catch (err) {
    if (err instanceof ApiError && err.notFound) return undefined;
    throw err;
  }
}

/** The StatefulSet a repair is about, in -n or the context's namespace; a missing one is a usage error (exit 2). */
export async function readStatefulSet(client: KubeClient, name: string, namespace: string | undefined): Promise<{ sts: StatefulSet; namespace: string }> {
  const ns = namespace || client.namespace;
  const sts = await getObject<StatefulSet>(client, 'StatefulSet', name, ns);
  if (!sts) throw new UsageError(`statefulset ${ns}/${name} not found`);
  return { sts, namespace: ns };
}
