// The cluster as `serve` holds it: one KindStore per kind the audit reads (and,
// for a namespaced watch, the PV events recorded in default), turned into the
// same ClusterSnapshot a one-shot audit reads. Owner records (Helm release
// Secrets, Argo CD and Flux objects) are read per audit, as the audit does:
// they are a few label-selected lists, and a Secret is never watched or kept.
import type { ReadClient } from '../kube/read-client.js';
import type { KubeObject } from '../kube/types.js';
import { emptyKindLists, KINDS, kindInfo, type ResourceName } from '../kube/resources.js';
import { ClusterSnapshot, type ServerVersion, type SnapshotData } from '../snapshot/cluster-snapshot.js';
import { readOwnerRecords } from '../snapshot/owners/read-owner-records.js';
import { KindStore, type KindStoreOptions, type KindStoreState } from './kind-store.js';
import { SubtreePool } from './subtree-pool.js';

/** A store's options, for every kind (namespace undefined: every namespace). */
export type WatchedClusterOptions = Omit<KindStoreOptions, 'fieldSelector' | 'pool'>;

export class WatchedCluster {
  private readonly stores: KindStore[];
  /** PVs' events live in the default namespace: a namespaced watch reads them with one more. */
  private readonly pvEvents: KindStore | undefined;

  constructor(
    private readonly client: ReadClient,
    private readonly options: WatchedClusterOptions,
  ) {
    // One pool for every kind: a claim, its volume and its pod repeat each other's names, classes and modes.
    const shared = { ...options, pool: new SubtreePool() };
    this.stores = KINDS.map((spec) => new KindStore(client, spec, shared));
    this.pvEvents =
      options.namespace !== undefined && options.namespace !== 'default'
        ? new KindStore(client, kindInfo('Event')!, { ...shared, namespace: 'default', fieldSelector: 'involvedObject.kind=PersistentVolume' })
        : undefined;
  }

  start(): void {
    for (const s of this.allStores()) s.start();
  }

  stop(): void {
    for (const s of this.allStores()) s.stop();
  }

  private allStores(): KindStore[] {
    return this.pvEvents ? [...this.stores, this.pvEvents] : this.stores;
  }

  states(): KindStoreState[] {
    return this.allStores().map((s) => ({ ...s.state }));
  }

  /** Every kind listed once (or known to be unreadable): a snapshot would be whole. */
  get listed(): boolean {
    return this.allStores().every((s) => s.state.listed);
  }

  /** Every watch open: the stores are current. */
  get connected(): boolean {
    return this.allStores().every((s) => s.state.connected || s.state.unavailable !== undefined);
  }

  /** The stores as a snapshot, with the owner records read now. */
  async snapshot(now: number, serverVersion: ServerVersion | undefined): Promise<ClusterSnapshot> {
    const lists = emptyKindLists();
    const unavailable: Partial<Record<ResourceName, string>> = {};
    for (const store of this.stores) {
      (lists[store.spec.field] as KubeObject[]) = store.objects();
      if (store.state.unavailable) unavailable[store.spec.resource] = store.state.unavailable;
    }
    if (this.pvEvents) lists.events = [...lists.events, ...(this.pvEvents.objects() as SnapshotData['events'])];
    const owners = await readOwnerRecords(this.client, lists.statefulSets);
    const { namespace } = this.options;
    return new ClusterSnapshot({
      source: 'cluster',
      now,
      scope: { namespace },
      server: this.client.server,
      serverVersion,
      ...lists,
      unavailable,
      namespaces: namespace === undefined ? undefined : [namespace],
      owners,
    });
  }
}
