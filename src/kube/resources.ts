// The one table of the kinds this tool reads and writes: where each lives in
// the API, whether it is namespaced, and which snapshot list holds it. The
// snapshot loaders, the manifest reader, the repairs and undo all read it.

/** The snapshot lists, one per kind the audit reads. */
export type SnapshotField =
  'statefulSets' | 'claims' | 'volumes' | 'storageClasses' | 'pods' | 'events' | 'nodes' | 'services' | 'volumeAttachments' | 'csiDrivers' | 'csiNodes';

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
  | 'csinodes';

export interface KindInfo {
  kind: string;
  /** group/version as in the URL: 'v1' for core, 'apps/v1' */
  group: string;
  resource: ResourceName;
  namespaced: boolean;
  field: SnapshotField;
  /** a manifest (audit -f) can carry it; pods, events and nodes come only from a cluster */
  inManifests: boolean;
}

/** In the order the audit lists them. */
export const KINDS: readonly KindInfo[] = [
  { kind: 'StatefulSet', group: 'apps/v1', resource: 'statefulsets', namespaced: true, field: 'statefulSets', inManifests: true },
  { kind: 'PersistentVolumeClaim', group: 'v1', resource: 'persistentvolumeclaims', namespaced: true, field: 'claims', inManifests: true },
  { kind: 'Pod', group: 'v1', resource: 'pods', namespaced: true, field: 'pods', inManifests: false },
  { kind: 'Event', group: 'v1', resource: 'events', namespaced: true, field: 'events', inManifests: false },
  { kind: 'Service', group: 'v1', resource: 'services', namespaced: true, field: 'services', inManifests: true },
  { kind: 'PersistentVolume', group: 'v1', resource: 'persistentvolumes', namespaced: false, field: 'volumes', inManifests: true },
  { kind: 'StorageClass', group: 'storage.k8s.io/v1', resource: 'storageclasses', namespaced: false, field: 'storageClasses', inManifests: true },
  { kind: 'Node', group: 'v1', resource: 'nodes', namespaced: false, field: 'nodes', inManifests: false },
  // Between a bound volume and a node: attachments, and which CSI drivers exist and where.
  { kind: 'VolumeAttachment', group: 'storage.k8s.io/v1', resource: 'volumeattachments', namespaced: false, field: 'volumeAttachments', inManifests: false },
  { kind: 'CSIDriver', group: 'storage.k8s.io/v1', resource: 'csidrivers', namespaced: false, field: 'csiDrivers', inManifests: false },
  { kind: 'CSINode', group: 'storage.k8s.io/v1', resource: 'csinodes', namespaced: false, field: 'csiNodes', inManifests: false },
];

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
