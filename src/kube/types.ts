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
  | 'CSINode';

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
