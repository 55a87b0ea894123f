// Sorts a heap of Kubernetes objects (from manifests or test fixtures) into a
// snapshot. Kinds the plugin does not read are ignored, not errors.
import type { KubeObject } from '../kube/types.js';
import { kindInfo } from '../kube/resources.js';
import { ClusterSnapshot, emptySnapshotData, type SnapshotData } from './cluster-snapshot.js';

export function isKnownKind(kind: string | undefined): boolean {
  return kindInfo(kind) !== undefined;
}

export function snapshotFromObjects(objects: KubeObject[], overrides: Partial<SnapshotData> = {}): ClusterSnapshot {
  const data = emptySnapshotData(overrides);
  for (const object of objects) {
    const field = kindInfo(object.kind)?.field;
    if (field) (data[field] as KubeObject[]).push(object);
  }
  return new ClusterSnapshot(data);
}
