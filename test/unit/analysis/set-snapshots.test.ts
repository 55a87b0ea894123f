// A set's claims as snapshot sources: only its own ordinal claims, in template
// then ordinal order, each with its PV and CSI driver when Bound; the class
// per driver; and the newest ready snapshot per claim (snapshot, STS-022/023).
import { describe, expect, it } from 'vitest';
import { classesByDriver, newestSnapshots, sourceClaims } from '../../../src/analysis/set-snapshots.js';
import type { KubeObject, StatefulSet } from '../../../src/kube/types.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';

const sts: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'shop', uid: 's' },
  spec: {
    replicas: 2,
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'logs' } }, { metadata: { name: 'data' } }],
  },
};
const claim = (name: string, phase: string, volumeName?: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'shop' },
    spec: volumeName ? { volumeName } : {},
    status: { phase },
  }) as KubeObject;
const pv = (name: string, driver?: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: driver ? { csi: { driver, volumeHandle: name } } : { hostPath: { path: '/x' } },
    status: { phase: 'Bound' },
  }) as KubeObject;
const vs = (name: string, source: string, time: string | undefined, ready = true, deleting = false): KubeObject =>
  ({
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    metadata: { name, namespace: 'shop', ...(deleting ? { deletionTimestamp: '2026-01-01T11:00:00Z' } : {}) },
    spec: { source: { persistentVolumeClaimName: source } },
    status: { readyToUse: ready, ...(time ? { creationTime: time } : {}) },
  }) as KubeObject;
const snapClass = (name: string, driver: string, isDefault = false): KubeObject =>
  ({
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotClass',
    metadata: { name, ...(isDefault ? { annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' } } : {}) },
    driver,
    deletionPolicy: 'Retain',
  }) as KubeObject;

const objects = [
  sts,
  claim('data-db-1', 'Bound', 'pv-d1'),
  claim('logs-db-0', 'Bound', 'pv-l0'),
  claim('data-db-0', 'Bound', 'pv-d0'),
  claim('data-db-2', 'Pending', 'pv-unused'),
  claim('data-other-0', 'Bound', 'pv-o'),
  pv('pv-d0', 'ebs.csi.aws.com'),
  pv('pv-d1', 'ebs.csi.aws.com'),
  pv('pv-l0'),
  pv('pv-unused', 'ebs.csi.aws.com'),
  snapClass('ebs', 'ebs.csi.aws.com', true),
  vs('d0-old', 'data-db-0', '2026-01-01T09:00:00Z'),
  vs('d0-new', 'data-db-0', '2026-01-01T10:00:00Z'),
  vs('d0-newest-not-ready', 'data-db-0', '2026-01-01T11:00:00Z', false),
  vs('d0-newest-deleting', 'data-db-0', '2026-01-01T11:30:00Z', true, true),
  vs('d0-no-time', 'data-db-0', undefined),
  vs('d1-only', 'data-db-1', '2026-01-01T08:00:00Z'),
  // listed after the newest: an older one, and one of the same time, do not replace it
  vs('d1-older', 'data-db-1', '2026-01-01T07:00:00Z'),
  vs('d1-same-time', 'data-db-1', '2026-01-01T08:00:00Z'),
];

describe("a set's claims as snapshot sources", () => {
  it('lists its own ordinal claims by template then ordinal, with the PV and driver of the Bound ones', () => {
    const snapshot = snapshotFromObjects(objects);
    expect(sourceClaims(snapshot, sts).map((s) => [s.claim.metadata?.name, s.template, s.ordinal, s.volume?.metadata?.name, s.driver])).toEqual([
      ['data-db-0', 'data', 0, 'pv-d0', 'ebs.csi.aws.com'],
      ['data-db-1', 'data', 1, 'pv-d1', 'ebs.csi.aws.com'],
      ['data-db-2', 'data', 2, undefined, undefined],
      ['logs-db-0', 'logs', 0, 'pv-l0', undefined],
    ]);
  });

  it('resolves a class once per CSI driver, none for a volume that is not CSI', () => {
    const snapshot = snapshotFromObjects(objects);
    const classes = classesByDriver(snapshot, sts);
    expect([...classes.keys()]).toEqual(['ebs.csi.aws.com']);
    expect(classes.get('ebs.csi.aws.com')).toMatchObject({ class: { metadata: { name: 'ebs' } } });
  });

  it('finds the newest ready snapshot of each claim, not one being deleted, not ready, or without a time', () => {
    const snapshot = snapshotFromObjects(objects);
    expect(newestSnapshots(snapshot, sts).map((o) => [o.source.claim.metadata?.name, o.newest?.metadata?.name, o.takenAt])).toEqual([
      ['data-db-0', 'd0-new', Date.parse('2026-01-01T10:00:00Z')],
      ['data-db-1', 'd1-only', Date.parse('2026-01-01T08:00:00Z')],
      ['data-db-2', undefined, undefined],
      ['logs-db-0', undefined, undefined],
    ]);
  });
});
