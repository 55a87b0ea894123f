// One snapshot per run: every kind listed once (paginated), all in parallel.
// No per-object GETs, so the cost is (kinds read) x (pages) requests whatever
// the number of StatefulSets.
import type { ReadClient } from '../kube/read-client.js';
import { timed } from '../kube/timing.js';
import { ApiError, notFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import { collectionPath, emptyKindLists, KINDS, type KindInfo } from '../kube/resources.js';
import { unreadableReason } from '../kube/unreadable.js';
import { readOwnerRecords } from './owners/read-owner-records.js';
import { slim } from './slim.js';
import { ClusterSnapshot, serverVersionOf, type ResourceName, type ServerVersion, type SnapshotData, type SnapshotScope } from './cluster-snapshot.js';

export interface LoadOptions {
  scope: SnapshotScope;
  chunkSize?: number;
  now?: number;
}

export async function loadSnapshotFromCluster(client: ReadClient, options: LoadOptions): Promise<ClusterSnapshot> {
  const { scope } = options;
  const unavailable: SnapshotData['unavailable'] = {};
  const results: Partial<Record<ResourceName, KubeObject[]>> = {};

  const listOne = async (spec: KindInfo): Promise<void> => {
    const path = collectionPath(spec.group, spec.resource, spec.namespaced ? scope.namespace : undefined);
    try {
      results[spec.resource] = await client.list<KubeObject>(path, {
        limit: options.chunkSize,
        labelSelector: spec.resource === 'statefulsets' ? scope.selector : undefined,
        map: (item) => slim(spec.resource, item),
      });
    } catch (err) {
      // A namespace admin cannot list PVs: run what can run, say what could not.
      const reason = unreadableReason(err, spec);
      if (reason === undefined) throw err;
      unavailable[spec.resource] = reason;
      results[spec.resource] = [];
    }
  };

  // PV events are recorded in the default namespace; a namespaced audit reads
  // them with one extra filtered list.
  const pvEvents = async (): Promise<KubeObject[]> => {
    if (scope.namespace === undefined || scope.namespace === 'default') return [];
    try {
      return await client.list<KubeObject>(collectionPath('v1', 'events', 'default'), {
        limit: options.chunkSize,
        fieldSelector: 'involvedObject.kind=PersistentVolume',
      });
    } catch (err) {
      if (err instanceof ApiError && (err.forbidden || err.notFound)) return [];
      throw err;
    }
  };

  const version = async (): Promise<ServerVersion | undefined> => {
    try {
      return serverVersionOf(await client.get('/version'));
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) return undefined;
      throw err;
    }
  };

  // Lists in a namespace that does not exist just come back empty; say so instead.
  const namespaceExists = async (): Promise<void> => {
    if (scope.namespace === undefined) return;
    try {
      await client.get(`/api/v1/namespaces/${encodeURIComponent(scope.namespace)}`);
    } catch (err) {
      if (err instanceof ApiError && err.notFound) throw notFound('Namespace', [scope.namespace!]);
      if (!(err instanceof ApiError && err.forbidden)) throw err;
    }
  };

  const [serverVersion, extraEvents] = await Promise.all([version(), pvEvents(), namespaceExists(), ...KINDS.map(listOne)]);

  let statefulSets = results.statefulsets ?? [];
  if (scope.names && scope.names.length > 0) {
    const wanted = new Set(scope.names);
    statefulSets = statefulSets.filter((s) => wanted.has(s.metadata?.name ?? ''));
    const missing = scope.names.filter((n) => !statefulSets.some((s) => s.metadata?.name === n));
    if (missing.length > 0 && !unavailable.statefulsets) {
      throw notFound('StatefulSet', missing, scope.namespace ?? 'any namespace');
    }
  }
  const owners = await readOwnerRecords(client, statefulSets as SnapshotData['statefulSets']);
  const lists = emptyKindLists();
  for (const k of KINDS) (lists[k.field] as KubeObject[]) = results[k.resource] ?? [];
  lists.statefulSets = statefulSets as SnapshotData['statefulSets'];
  lists.events = [...lists.events, ...(extraEvents as KubeObject[])] as SnapshotData['events'];

  return timed(
    'index',
    () =>
      new ClusterSnapshot({
        source: 'cluster',
        now: options.now ?? Date.now(),
        scope,
        server: client.server,
        serverVersion,
        ...lists,
        unavailable,
        namespaces: scope.namespace === undefined ? undefined : [scope.namespace],
        owners,
      }),
  );
}
