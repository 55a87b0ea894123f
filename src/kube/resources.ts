// The one table of the kinds this tool reads and writes: where each lives in
// the API, whether it is namespaced, and which snapshot list holds it. The
// snapshot loaders, the manifest reader, the repairs and undo all read it.

import type {
  Claim,
  CSIDriver,
  CSINode,
  KubeEvent,
  Node,
  Pod,
  Service,
  StatefulSet,
  StorageClass,
  Volume,
  VolumeAttachment,
  VolumeSnapshot,
  VolumeSnapshotClass,
  VolumeSnapshotContent,
} from './types.js';

/**
 * The snapshot lists and the type of object each holds. A new kind is a line
 * here and a row in KINDS: the snapshot's data, its empty form, the cluster
 * loader, the manifest reader and the schema map all follow from the two.
 */
export interface KindTypes {
  statefulSets: StatefulSet;
  claims: Claim;
  volumes: Volume;
  storageClasses: StorageClass;
  pods: Pod;
  events: KubeEvent;
  nodes: Node;
  services: Service;
  volumeAttachments: VolumeAttachment;
  csiDrivers: CSIDriver;
  csiNodes: CSINode;
  volumeSnapshots: VolumeSnapshot;
  volumeSnapshotContents: VolumeSnapshotContent;
  volumeSnapshotClasses: VolumeSnapshotClass;
}

export type SnapshotField = keyof KindTypes;

/** One list per kind, as the snapshot holds them. */
export type KindLists = { [F in SnapshotField]: Array<KindTypes[F]> };

export type ResourceName =
  | 'statefulsets'
  | 'persistentvolumeclaims'
  | 'persistentvolumes'
  | 'storageclasses'
  | 'pods'
  | 'events'
  | 'nodes'
  | 'services'
  | 'volumeattachments'
  | 'csidrivers'
  | 'csinodes'
  | 'volumesnapshots'
  | 'volumesnapshotcontents'
  | 'volumesnapshotclasses';

/** Where audit -f finds a kind's schema: the API server's OpenAPI v3 document and the definition in it. */
export interface ManifestSchema {
  document: string;
  schema: string;
}

export interface KindInfo {
  kind: string;
  /** group/version as in the URL: 'v1' for core, 'apps/v1' */
  group: string;
  resource: ResourceName;
  namespaced: boolean;
  field: SnapshotField;
  /** a manifest (audit -f) can carry it, judged by this schema; pods, events and nodes come only from a cluster */
  manifest?: ManifestSchema;
  inManifests: boolean;
  /**
   * Served only when something extra is installed (a CRD): a 404 then means
   * "not installed here", which is a fact about the cluster, not a failure.
   */
  installedWith?: string;
}

const SNAPSHOT_CRDS = 'the CSI snapshot CRDs (external-snapshotter)';

/** How the loader words a kind whose CRD is not installed: a fact about the cluster, said apart from real skips. */
export const NOT_INSTALLED = 'not installed';

export function notInstalledReason(info: KindInfo): string {
  return `${NOT_INSTALLED}: the API server does not serve ${info.group} (${info.installedWith})`;
}

type Row = Omit<KindInfo, 'inManifests'>;

const ROWS: readonly Row[] = [
  {
    kind: 'StatefulSet',
    group: 'apps/v1',
    resource: 'statefulsets',
    namespaced: true,
    field: 'statefulSets',
    manifest: { document: 'apis/apps/v1', schema: 'io.k8s.api.apps.v1.StatefulSet' },
  },
  {
    kind: 'PersistentVolumeClaim',
    group: 'v1',
    resource: 'persistentvolumeclaims',
    namespaced: true,
    field: 'claims',
    manifest: { document: 'api/v1', schema: 'io.k8s.api.core.v1.PersistentVolumeClaim' },
  },
  { kind: 'Pod', group: 'v1', resource: 'pods', namespaced: true, field: 'pods' },
  { kind: 'Event', group: 'v1', resource: 'events', namespaced: true, field: 'events' },
  {
    kind: 'Service',
    group: 'v1',
    resource: 'services',
    namespaced: true,
    field: 'services',
    manifest: { document: 'api/v1', schema: 'io.k8s.api.core.v1.Service' },
  },
  {
    kind: 'PersistentVolume',
    group: 'v1',
    resource: 'persistentvolumes',
    namespaced: false,
    field: 'volumes',
    manifest: { document: 'api/v1', schema: 'io.k8s.api.core.v1.PersistentVolume' },
  },
  {
    kind: 'StorageClass',
    group: 'storage.k8s.io/v1',
    resource: 'storageclasses',
    namespaced: false,
    field: 'storageClasses',
    manifest: { document: 'apis/storage.k8s.io/v1', schema: 'io.k8s.api.storage.v1.StorageClass' },
  },
  { kind: 'Node', group: 'v1', resource: 'nodes', namespaced: false, field: 'nodes' },
  // Between a bound volume and a node: attachments, and which CSI drivers exist and where.
  { kind: 'VolumeAttachment', group: 'storage.k8s.io/v1', resource: 'volumeattachments', namespaced: false, field: 'volumeAttachments' },
  { kind: 'CSIDriver', group: 'storage.k8s.io/v1', resource: 'csidrivers', namespaced: false, field: 'csiDrivers' },
  { kind: 'CSINode', group: 'storage.k8s.io/v1', resource: 'csinodes', namespaced: false, field: 'csiNodes' },
  // The data's safety net: CSI snapshots of the claims, served only where the snapshot CRDs are installed.
  {
    kind: 'VolumeSnapshot',
    group: 'snapshot.storage.k8s.io/v1',
    resource: 'volumesnapshots',
    namespaced: true,
    field: 'volumeSnapshots',
    installedWith: SNAPSHOT_CRDS,
  },
  {
    kind: 'VolumeSnapshotContent',
    group: 'snapshot.storage.k8s.io/v1',
    resource: 'volumesnapshotcontents',
    namespaced: false,
    field: 'volumeSnapshotContents',
    installedWith: SNAPSHOT_CRDS,
  },
  {
    kind: 'VolumeSnapshotClass',
    group: 'snapshot.storage.k8s.io/v1',
    resource: 'volumesnapshotclasses',
    namespaced: false,
    field: 'volumeSnapshotClasses',
    installedWith: SNAPSHOT_CRDS,
  },
];

/** In the order the audit lists them. */
export const KINDS: readonly KindInfo[] = ROWS.map((row) => ({ ...row, inManifests: row.manifest !== undefined }));

/** Every list empty: the start of a snapshot built from objects. */
export function emptyKindLists(): KindLists {
  return Object.fromEntries(KINDS.map((k) => [k.field, []])) as unknown as KindLists;
}

export const ALL_RESOURCES: ResourceName[] = KINDS.map((k) => k.resource);

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k]));
const BY_RESOURCE = new Map(KINDS.map((k) => [k.resource, k]));

export function kindInfo(kind: string | undefined): KindInfo | undefined {
  return kind === undefined ? undefined : BY_KIND.get(kind);
}

export function resourceInfo(resource: ResourceName): KindInfo {
  return BY_RESOURCE.get(resource)!;
}

export function collectionPath(group: string, resource: string, namespace?: string): string {
  const prefix = group === 'v1' ? '/api/v1' : `/apis/${group}`;
  return namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${prefix}/${resource}`;
}

/** The API group of a kind, as RBAC names it ('' for core, 'apps'). */
export function apiGroupOf(kind: string): string {
  const group = kindInfo(kind)?.group ?? 'v1';
  return group.includes('/') ? group.slice(0, group.indexOf('/')) : '';
}

/** The URL of one object of a kind in the table. */
export function objectPath(kind: string, name: string, namespace?: string): string {
  const k = kindInfo(kind);
  if (!k) throw new Error(`no API path for kind ${kind}`);
  return `${collectionPath(k.group, k.resource, k.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
}
