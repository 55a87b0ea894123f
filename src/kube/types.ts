// The snapshot holds objects exactly as the API server sends them (JSON wire
// format), so the same checks run on objects read from the cluster and on
// objects parsed from manifest files. client-node's model types describe
// that shape, except that timestamps stay ISO strings on the wire: read them
// through timeOf() (time.ts), never as Date methods.
import type {
  CoreV1Event,
  V1CSIDriver,
  V1CSINode,
  V1VolumeAttachment,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodSpec,
  V1Service,
  V1StatefulSet,
  V1StorageClass,
} from '@kubernetes/client-node';

export type StatefulSet = V1StatefulSet;
export type Claim = V1PersistentVolumeClaim;
export type Volume = V1PersistentVolume;
export type StorageClass = V1StorageClass;
export type Pod = V1Pod;
export type PodSpec = V1PodSpec;
export type KubeEvent = CoreV1Event;
export type Node = V1Node;
export type Service = V1Service;
export type VolumeAttachment = V1VolumeAttachment;
export type CSIDriver = V1CSIDriver;
export type CSINode = V1CSINode;

// snapshot.storage.k8s.io/v1 (the CSI snapshot CRDs, external-snapshotter
// client/v8): client-node has no types for them, so these are the fields of
// the CRD schema this tool reads and writes. Times on a VolumeSnapshot are
// RFC 3339 strings; on a VolumeSnapshotContent's status, creationTime is Unix
// nanoseconds and restoreSize bytes, as the CSI sidecar writes them.
export interface SnapshotError {
  time?: string;
  message?: string;
}

export interface VolumeSnapshot extends KubeObject {
  spec?: {
    source?: { persistentVolumeClaimName?: string; volumeSnapshotContentName?: string };
    volumeSnapshotClassName?: string;
  };
  status?: {
    boundVolumeSnapshotContentName?: string;
    creationTime?: string;
    readyToUse?: boolean;
    restoreSize?: string;
    error?: SnapshotError;
    volumeGroupSnapshotName?: string;
  };
}

export interface VolumeSnapshotContent extends KubeObject {
  spec?: {
    volumeSnapshotRef?: { name?: string; namespace?: string; uid?: string; kind?: string; apiVersion?: string };
    source?: { volumeHandle?: string; snapshotHandle?: string };
    driver?: string;
    deletionPolicy?: 'Delete' | 'Retain' | string;
    volumeSnapshotClassName?: string;
    sourceVolumeMode?: string;
  };
  status?: {
    snapshotHandle?: string;
    creationTime?: number;
    readyToUse?: boolean;
    restoreSize?: number;
    error?: SnapshotError;
  };
}

export interface VolumeSnapshotClass extends KubeObject {
  driver?: string;
  deletionPolicy?: 'Delete' | 'Retain' | string;
  parameters?: Record<string, string>;
}

export type Kind =
  | 'StatefulSet'
  | 'PersistentVolumeClaim'
  | 'PersistentVolume'
  | 'StorageClass'
  | 'Pod'
  | 'Event'
  | 'Node'
  | 'Service'
  | 'VolumeAttachment'
  | 'CSIDriver'
  | 'CSINode'
  | 'VolumeSnapshot'
  | 'VolumeSnapshotContent'
  | 'VolumeSnapshotClass';

export interface ObjectRef {
  kind: Kind | string;
  namespace?: string;
  name: string;
  uid?: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: unknown;
    deletionTimestamp?: unknown;
    generation?: number;
    finalizers?: string[];
  };
}

export function refOf(kind: Kind, object: KubeObject): ObjectRef {
  const ref: ObjectRef = { kind, name: object.metadata?.name ?? '' };
  if (object.metadata?.namespace) ref.namespace = object.metadata.namespace;
  return ref;
}

export function nameOf(object: KubeObject): string {
  return object.metadata?.name ?? '';
}

export function namespaceOf(object: KubeObject): string {
  return object.metadata?.namespace ?? '';
}

export function keyOf(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

export function objectKey(object: KubeObject): string {
  return keyOf(object.metadata?.namespace, object.metadata?.name);
}

export function isBeingDeleted(object: KubeObject): boolean {
  return object.metadata?.deletionTimestamp != null;
}

export function annotation(object: KubeObject, key: string): string | undefined {
  return object.metadata?.annotations?.[key];
}
