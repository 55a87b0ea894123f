// Sorts a heap of Kubernetes objects (from manifests or test fixtures) into a
// snapshot. Kinds the plugin does not read are ignored, not errors.
import type { KubeObject } from '../kube/types.js';
import { ClusterSnapshot, emptySnapshotData, type SnapshotData } from './cluster-snapshot.js';

const FIELD_BY_KIND: Record<string, keyof Pick<SnapshotData, 'statefulSets' | 'claims' | 'volumes' | 'storageClasses' | 'pods' | 'events' | 'nodes' | 'services'>> = {
  StatefulSet: 'statefulSets',
  PersistentVolumeClaim: 'claims',
  PersistentVolume: 'volumes',
  StorageClass: 'storageClasses',
  Pod: 'pods',
  Event: 'events',
  Node: 'nodes',
  Service: 'services',
};

export function isKnownKind(kind: string | undefined): boolean {
  return kind !== undefined && kind in FIELD_BY_KIND;
}

export function snapshotFromObjects(objects: KubeObject[], overrides: Partial<SnapshotData> = {}): ClusterSnapshot {
  const data = emptySnapshotData(overrides);
  for (const object of objects) {
    const field = FIELD_BY_KIND[object.kind ?? ''];
    if (field) (data[field] as KubeObject[]).push(object);
  }
  return new ClusterSnapshot(data);
}
