import { describe, expect, it } from 'vitest';
import { planProtect } from '../../../src/fixes/protect.js';
import { setExposure } from '../../../src/analysis/deletion-paths.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import type { KubeObject } from '../../../src/kube/types.js';

const sts = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'shop', uid: 's1', generation: 1 },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
} as KubeObject;
const claim = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-web-0', namespace: 'shop', uid: 'c0', resourceVersion: '5' },
  spec: { volumeName: 'pv-0', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  status: { phase: 'Bound' },
} as KubeObject;

describe('planProtect', () => {
  it('says so when --owner-references finds nothing to remove, instead of staying silent', () => {
    const snapshot = snapshotFromObjects([sts, claim]);
    const plan = planProtect(setExposure(snapshot, snapshot.statefulSets[0]!), { retention: false, ownerReferences: true }, 'protect web');
    expect(plan.refusals).toContainEqual({
      target: { kind: 'StatefulSet', namespace: 'shop', name: 'web' },
      reasons: ['--owner-references: no claim of this set has an ownerReference that would delete it'],
      noop: true,
    });
  });

  it('names both fields of the retention policy it sets', () => {
    const snapshot = snapshotFromObjects([sts]);
    const plan = planProtect(setExposure(snapshot, snapshot.statefulSets[0]!), { retention: true, ownerReferences: false }, 'protect web --retention');
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'set persistentVolumeClaimRetentionPolicy of statefulset web from whenDeleted: Delete, whenScaled: Delete to whenDeleted: Retain, whenScaled: Retain',
    ]);
  });
});
