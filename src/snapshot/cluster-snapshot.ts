// One read of the cluster (or of manifest files), with the lookups every
// check needs built once, so no check scans lists inside loops.
import type {
  Claim,
  KubeEvent,
  Node,
  Pod,
  Service,
  StatefulSet,
  StorageClass,
  Volume,
  VolumeAttachment,
  VolumeSnapshot,
  VolumeSnapshotContent,
  KubeObject,
} from '../kube/types.js';
import { addToGroup, ByNamespace, groupByNamespace, indexByNamespace } from './by-namespace.js';
import { defaultClass } from '../kube/binding.js';
import { parseOrdinalName, templateNames } from '../kube/statefulset.js';
import { timeOf } from '../kube/time.js';

import { emptyKindLists, type KindLists, type ResourceName } from '../kube/resources.js';
import { NO_OWNER_RECORDS, type OwnerRecords } from './owners/owner-records.js';

export type { ResourceName } from '../kube/resources.js';
export { ALL_RESOURCES } from '../kube/resources.js';

export interface SnapshotScope {
  /** undefined means all namespaces */
  namespace?: string;
  selector?: string;
  names?: string[];
}

/** Where an object came from when it was read from a file. */
export interface SourceLocation {
  file: string;
  document: number;
  line?: number;
}

/** Whose claim a "<template>-<set>-<ordinal>" name is. */
export interface ClaimOwner {
  sts: StatefulSet;
  template: string;
  ordinal: number;
}

export interface ServerVersion {
  major: number;
  minor: number;
  gitVersion: string;
}

/** The API server's /version answer, or undefined when it names no numeric major version. */
export function serverVersionOf(v: { major?: string; minor?: string; gitVersion?: string }): ServerVersion | undefined {
  const version = { major: parseInt(v.major ?? '', 10), minor: parseInt(v.minor ?? '', 10), gitVersion: v.gitVersion ?? '' };
  return Number.isNaN(version.major) ? undefined : version;
}

/** The objects, one list per kind of the kinds table (kube/resources.ts), and where they came from. */
export interface SnapshotData extends KindLists {
  source: 'cluster' | 'manifests';
  now: number;
  scope: SnapshotScope;
  server?: string;
  serverVersion?: ServerVersion;
  /** Resources that could not be read, with the reason (forbidden, or not available offline). */
  unavailable: Partial<Record<ResourceName, string>>;
  /** The namespaces whose namespaced objects were read in full; undefined = all. */
  namespaces?: string[];
  locations?: Map<KubeObject, SourceLocation>;
  /** --preflight: the cluster's current version of each StatefulSet the manifests replace */
  liveStatefulSets?: Map<string, StatefulSet>;
  /** who writes the sets: Helm releases, controlling resources, GitOps objects (read from a cluster only) */
  owners?: OwnerRecords;
}

function groupBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

const namespacedName = (o: KubeObject): [string | undefined, string | undefined] => [o.metadata?.namespace, o.metadata?.name];

function indexBy<T>(items: T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return map;
}

// The lists are declared once, by KindLists; the constructor copies them in.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface ClusterSnapshot extends KindLists {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ClusterSnapshot implements SnapshotData {
  source!: SnapshotData['source'];
  now!: number;
  scope!: SnapshotScope;
  server?: string;
  serverVersion?: ServerVersion;
  unavailable!: SnapshotData['unavailable'];
  namespaces?: string[];
  locations?: Map<KubeObject, SourceLocation>;
  liveStatefulSets?: Map<string, StatefulSet>;
  owners!: OwnerRecords;

  private readonly claimsByKey: ByNamespace<Claim>;
  private readonly volumesByName: Map<string, Volume>;
  private readonly volumesByClaimRef: ByNamespace<Volume[]>;
  private readonly classesByName: Map<string, StorageClass>;
  private readonly servicesByKey: ByNamespace<Service>;
  private readonly nodesByName: Map<string, Node>;
  /** by the involved object's kind, then its namespace and name */
  private readonly eventsByObject: Map<string, ByNamespace<KubeEvent[]>>;
  private readonly podsByClaim: ByNamespace<Pod[]>;
  private readonly podsByOwner: ByNamespace<Pod[]>;
  private readonly setsByClaimPrefix: ByNamespace<{ sts: StatefulSet; template: string }>;
  private defaultStorageClass: StorageClass | undefined;
  private openVolumes: Volume[] | undefined;
  // The snapshot lookups are built on first use: most audits never ask.
  private snapshotsByKey: ByNamespace<VolumeSnapshot> | undefined;
  private contentsByName: Map<string, VolumeSnapshotContent> | undefined;
  private snapshotsBySource: ByNamespace<VolumeSnapshot[]> | undefined;

  constructor(data: SnapshotData) {
    Object.assign(this, data);
    this.owners ??= NO_OWNER_RECORDS;
    this.claimsByKey = indexByNamespace(this.claims, namespacedName);
    this.volumesByName = indexBy(this.volumes, (v) => v.metadata?.name ?? '');
    this.volumesByClaimRef = groupByNamespace(this.volumes, (v) => (v.spec?.claimRef ? [v.spec.claimRef.namespace, v.spec.claimRef.name] : undefined));
    this.classesByName = indexBy(this.storageClasses, (s) => s.metadata?.name ?? '');
    this.servicesByKey = indexByNamespace(this.services, namespacedName);
    this.nodesByName = indexBy(this.nodes, (n) => n.metadata?.name ?? '');
    this.eventsByObject = new Map();
    for (const [kind, events] of groupBy(this.events, (e) => e.involvedObject.kind ?? '')) {
      this.eventsByObject.set(
        kind,
        groupByNamespace(events, (e) => [e.involvedObject.namespace, e.involvedObject.name]),
      );
    }
    this.podsByClaim = new ByNamespace();
    this.podsByOwner = new ByNamespace();
    for (const pod of this.pods) {
      const ns = pod.metadata?.namespace;
      for (const v of pod.spec?.volumes ?? []) {
        if (v.persistentVolumeClaim?.claimName) {
          addToGroup(this.podsByClaim, ns, v.persistentVolumeClaim.claimName, pod);
        }
      }
      for (const owner of pod.metadata?.ownerReferences ?? []) {
        if (owner.kind === 'StatefulSet' && owner.controller) {
          addToGroup(this.podsByOwner, ns, owner.name, pod);
        }
      }
    }
    // "<template>-<set>" -> set, so a claim name finds its set by stripping
    // the ordinal: one map lookup per claim instead of a scan over the sets.
    this.setsByClaimPrefix = new ByNamespace();
    for (const sts of this.statefulSets) {
      for (const template of templateNames(sts)) {
        this.setsByClaimPrefix.set(sts.metadata?.namespace, `${template}-${sts.metadata?.name ?? ''}`, { sts, template });
      }
    }
    this.defaultStorageClass = defaultClass(this.storageClasses);
  }

  has(resource: ResourceName): boolean {
    return this.unavailable[resource] === undefined;
  }

  claim(namespace: string | undefined, name: string | undefined): Claim | undefined {
    return this.claimsByKey.get(namespace, name);
  }

  volume(name: string | undefined): Volume | undefined {
    return name ? this.volumesByName.get(name) : undefined;
  }

  /** PVs whose claimRef names this namespace/name, whatever their uid. */
  volumesReferencing(namespace: string | undefined, name: string | undefined): Volume[] {
    return this.volumesByClaimRef.get(namespace, name) ?? [];
  }

  /**
   * PVs a claim could bind or nearly bind: free ones, ones reserved without a
   * uid (pre-bound), and any whose claimRef names this claim.
   */
  candidateVolumes(claim: Claim): Volume[] {
    this.openVolumes ??= this.volumes.filter((v) => !v.spec?.claimRef || !v.spec.claimRef.uid);
    const own = this.volumesReferencing(claim.metadata?.namespace, claim.metadata?.name).filter((v) => v.spec?.claimRef?.uid);
    return own.length ? [...this.openVolumes, ...own] : this.openVolumes;
  }

  volumeSnapshot(namespace: string | undefined, name: string | undefined): VolumeSnapshot | undefined {
    this.snapshotsByKey ??= indexByNamespace(this.volumeSnapshots, namespacedName);
    return this.snapshotsByKey.get(namespace, name);
  }

  snapshotContent(name: string | undefined): VolumeSnapshotContent | undefined {
    this.contentsByName ??= indexBy(this.volumeSnapshotContents, (c) => c.metadata?.name ?? '');
    return name ? this.contentsByName.get(name) : undefined;
  }

  /** The VolumeSnapshots taken of a claim (spec.source.persistentVolumeClaimName). */
  snapshotsOfClaim(namespace: string | undefined, claim: string): VolumeSnapshot[] {
    this.snapshotsBySource ??= groupByNamespace(this.volumeSnapshots, (s) =>
      s.spec?.source?.persistentVolumeClaimName ? [s.metadata?.namespace, s.spec.source.persistentVolumeClaimName] : undefined,
    );
    return this.snapshotsBySource.get(namespace, claim) ?? [];
  }

  storageClass(name: string | undefined): StorageClass | undefined {
    return name ? this.classesByName.get(name) : undefined;
  }

  defaultClass(): StorageClass | undefined {
    return this.defaultStorageClass;
  }

  service(namespace: string | undefined, name: string | undefined): Service | undefined {
    return this.servicesByKey.get(namespace, name);
  }

  node(name: string): Node | undefined {
    return this.nodesByName.get(name);
  }

  /** Events about one object, matched by kind, namespace, name and (when both carry one) uid, newest first. */
  eventsFor(kind: string, object: KubeObject, reasons?: string[]): KubeEvent[] {
    const uid = object.metadata?.uid;
    const list = this.eventsByObject.get(kind)?.get(object.metadata?.namespace, object.metadata?.name) ?? [];
    return list
      .filter((e) => !uid || !e.involvedObject.uid || e.involvedObject.uid === uid)
      .filter((e) => !reasons || reasons.includes(e.reason ?? ''))
      .sort((a, b) => (eventTime(b) ?? 0) - (eventTime(a) ?? 0));
  }

  podsUsingClaim(claim: Claim): Pod[] {
    return this.podsByClaim.get(claim.metadata?.namespace, claim.metadata?.name) ?? [];
  }

  podsOf(sts: StatefulSet): Pod[] {
    return this.podsByOwner.get(sts.metadata?.namespace, sts.metadata?.name) ?? [];
  }

  /**
   * The StatefulSet, template and ordinal whose "<template>-<set>-<ordinal>"
   * name this is. Remembered per name: a dozen checks ask it of every claim
   * and volume, and parsing each name each time was a large share of a big
   * audit's time and garbage.
   */
  claimOwner(namespace: string | undefined, name: string): Readonly<ClaimOwner> | undefined {
    let owner = this.ownerByClaimName.get(namespace, name);
    if (owner === undefined) {
      const shape = parseOrdinalName(name);
      const hit = shape && this.setsByClaimPrefix.get(namespace, shape.prefix);
      owner = hit ? { ...hit, ordinal: shape.ordinal } : null;
      this.ownerByClaimName.set(namespace, name, owner);
    }
    return owner ?? undefined;
  }
  /** null: the name is no claim of a set */
  private readonly ownerByClaimName = new ByNamespace<ClaimOwner | null>();

  /** The existing claims of a set ("<template>-<set>-<n>", any ordinal), indexed on first use. */
  claimsOf(sts: StatefulSet): Claim[] {
    if (!this.claimsBySet) {
      this.claimsBySet = new Map();
      for (const claim of this.claims) {
        const owner = this.claimOwner(claim.metadata?.namespace, claim.metadata?.name ?? '');
        if (!owner) continue;
        const claims = this.claimsBySet.get(owner.sts);
        if (claims) claims.push(claim);
        else this.claimsBySet.set(owner.sts, [claim]);
      }
    }
    return this.claimsBySet.get(sts) ?? [];
  }
  private claimsBySet: Map<StatefulSet, Claim[]> | undefined;

  /** The VolumeAttachments of a PV, indexed on first use. */
  attachmentsOf(volumeName: string | undefined): VolumeAttachment[] {
    this.attachmentsByVolume ??= groupBy(this.volumeAttachments, (a) => a.spec?.source?.persistentVolumeName);
    return volumeName ? (this.attachmentsByVolume.get(volumeName) ?? []) : [];
  }
  private attachmentsByVolume: Map<string, VolumeAttachment[]> | undefined;

  statefulSetOfClaim(claim: Claim): StatefulSet | undefined {
    return this.claimOwner(claim.metadata?.namespace, claim.metadata?.name ?? '')?.sts;
  }

  /** Was this namespace's namespaced data read (so "not found" really means absent)? */
  coversNamespace(namespace: string | undefined): boolean {
    return this.namespaces === undefined || (namespace !== undefined && this.namespaces.includes(namespace));
  }

  /** A PV is in scope when its claim's namespace was read, or every namespace was. */
  volumeInScope(volume: Volume): boolean {
    if (this.namespaces === undefined && !this.scope.names && !this.scope.selector) return true;
    const ref = volume.spec?.claimRef;
    if (!ref?.namespace || !this.coversNamespace(ref.namespace)) return false;
    if (!this.scope.names && !this.scope.selector) return true;
    return this.claimInScope(ref.namespace, ref.name ?? '');
  }

  /** With StatefulSet names or a selector, only those sets' claims are in scope. */
  claimInScope(namespace: string | undefined, name: string): boolean {
    if (!this.coversNamespace(namespace)) return false;
    if (!this.scope.names && !this.scope.selector) return true;
    return this.claimOwner(namespace, name) !== undefined;
  }

  /**
   * Is an object the audit was asked about? `-n` keeps one namespace (a PV
   * counts where its claimRef points); StatefulSet names or `-l` keep those
   * sets, their claims and their PVs.
   */
  objectInScope(ref: { kind: string; namespace?: string; name: string }): boolean {
    switch (ref.kind) {
      case 'PersistentVolume': {
        const volume = this.volume(ref.name);
        return volume ? this.volumeInScope(volume) : this.namespaces === undefined && !this.scope.names && !this.scope.selector;
      }
      case 'PersistentVolumeClaim':
        return this.claimInScope(ref.namespace, ref.name);
      case 'VolumeAttachment': {
        // An attachment counts where its PV does; one whose PV is gone only in a whole-cluster audit.
        const pv = this.volumeAttachments.find((a) => a.metadata?.name === ref.name)?.spec?.source?.persistentVolumeName;
        const volume = this.volume(pv);
        return volume ? this.volumeInScope(volume) : this.namespaces === undefined && !this.scope.names && !this.scope.selector;
      }
      case 'VolumeSnapshot': {
        // A snapshot counts where the claim it was taken of does.
        const claim = this.volumeSnapshot(ref.namespace, ref.name)?.spec?.source?.persistentVolumeClaimName;
        return claim ? this.claimInScope(ref.namespace, claim) : this.coversNamespace(ref.namespace) && !this.scope.names && !this.scope.selector;
      }
      case 'VolumeSnapshotContent': {
        // A content counts where its VolumeSnapshot does.
        const snap = this.snapshotContent(ref.name)?.spec?.volumeSnapshotRef;
        return snap?.namespace && snap.name
          ? this.objectInScope({ kind: 'VolumeSnapshot', namespace: snap.namespace, name: snap.name })
          : this.namespaces === undefined && !this.scope.names && !this.scope.selector;
      }
      case 'StatefulSet':
        return (
          this.coversNamespace(ref.namespace) &&
          (!(this.scope.names || this.scope.selector) ||
            this.statefulSets.some((s) => s.metadata?.namespace === ref.namespace && s.metadata?.name === ref.name))
        );
      default:
        return ref.namespace === undefined || this.coversNamespace(ref.namespace);
    }
  }

  locationOf(object: KubeObject): SourceLocation | undefined {
    return this.locations?.get(object);
  }
}

export function eventTime(e: KubeEvent): number | undefined {
  return (
    timeOf(e.series?.lastObservedTime) ?? timeOf(e.lastTimestamp) ?? timeOf(e.eventTime) ?? timeOf(e.firstTimestamp) ?? timeOf(e.metadata?.creationTimestamp)
  );
}

export function emptySnapshotData(overrides: Partial<SnapshotData> = {}): SnapshotData {
  return {
    source: 'manifests',
    now: Date.now(),
    scope: {},
    ...emptyKindLists(),
    unavailable: {},
    ...overrides,
  };
}
