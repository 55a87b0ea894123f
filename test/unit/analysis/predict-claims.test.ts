// audit -f --preflight: what each claim a manifest's StatefulSet will create
// is going to do, decided on the cluster's objects with the manifest laid over
// them (mergeForPreflight), one outcome of each kind. The same path runs
// against the control plane in test/integration/preflight.test.ts; here every
// outcome and its wording is pinned without one.
import { describe, expect, it } from 'vitest';
import { predictClaims } from '../../../src/analysis/predict-claims.js';
import type { KubeObject, StatefulSet } from '../../../src/kube/types.js';
import { mergeForPreflight } from '../../../src/snapshot/preflight.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { statefulSet } from '../../integration/fixtures.js';

// The integration scenarios' builder: one template "data", 1Gi, ReadWriteOnce; placed in shop.
const set = (name: string, replicas: number, storageClassName?: string): StatefulSet =>
  ({ ...statefulSet(name, { replicas, storageClassName }), metadata: { name, namespace: 'shop' } }) as StatefulSet;
const cls = (name: string, provisioner: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, ...extra }) as KubeObject;
const pv = (name: string, storageClassName: string, spec: Record<string, unknown> = {}, phase = 'Available'): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName, hostPath: { path: `/${name}` }, ...spec },
    status: { phase },
  }) as KubeObject;

function predict(cluster: KubeObject[], manifest: StatefulSet[]) {
  const { snapshot, statefulSets } = mergeForPreflight(snapshotFromObjects(cluster), manifest, new Map());
  return predictClaims(snapshot, statefulSets).map(
    (p) => `${p.statefulSet} ${p.claim} ${p.ordinal} ${p.outcome}${p.cause ? ` (${p.cause})` : ''}: ${p.detail}`,
  );
}

describe('preflight: what each claim of a manifest will do', () => {
  it('reuses a claim that exists, binds an Available PV, is provisioned, or waits for its pod', () => {
    const got = predict(
      [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data-db-0', namespace: 'shop' },
          spec: { volumeName: 'pv-0' },
          status: { phase: 'Bound' },
        } as KubeObject,
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data-db-1', namespace: 'shop' },
          spec: {},
          status: { phase: 'Pending' },
        } as KubeObject,
        pv('pv-free', 'manual'),
        cls('manual', 'kubernetes.io/no-provisioner'),
        cls('gp3', 'ebs.csi.aws.com', { metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } }),
        cls('zonal', 'ebs.csi.aws.com', { volumeBindingMode: 'WaitForFirstConsumer' }),
        cls('local', 'kubernetes.io/no-provisioner', { volumeBindingMode: 'WaitForFirstConsumer' }),
        cls('fast', 'ebs.csi.aws.com'),
      ],
      [set('db', 2), set('static', 1, 'manual'), set('dflt', 1), set('named', 1, 'fast'), set('wffc', 1, 'zonal'), set('local', 1, 'local')],
    );
    expect(got).toEqual([
      'shop/db data-db-0 0 reuses-existing: claim exists (Bound, PV pv-0); the controller reuses it as it is',
      'shop/db data-db-1 1 reuses-existing: claim exists (Pending); the controller reuses it as it is',
      'shop/static data-static-0 0 binds: binds Available PV pv-free',
      // The API server writes the default class into a claim created without one, and so does the overlay.
      'shop/dflt data-dflt-0 0 provisions: provisioned by ebs.csi.aws.com (StorageClass gp3)',
      'shop/named data-named-0 0 provisions: provisioned by ebs.csi.aws.com (StorageClass fast)',
      'shop/wffc data-wffc-0 0 waits-for-consumer: StorageClass zonal binds when pod wffc-0 is scheduled',
      // WaitForFirstConsumer with nothing to bind and nothing to provision: waiting for the pod does not help.
      'shop/local data-local-0 0 stays-pending (no-match): will stay Pending: no PV matches and no StorageClass provisions it',
    ]);
  });

  it('names why a claim will stay Pending: a stale claimRef, a missing class, nothing to bind or provision', () => {
    const got = predict(
      [
        pv('pv-old', 'manual', { claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'deleted' } }, 'Released'),
        cls('manual', 'kubernetes.io/no-provisioner'),
      ],
      [set('db', 1, 'manual'), set('ghost', 1, 'nonexistent'), set('nothing', 1, 'manual')],
    );
    expect(got).toEqual([
      'shop/db data-db-0 0 stays-pending (stale-claim-ref): will stay Pending: a Released PV still holds the uid of a deleted claim of this name',
      'shop/ghost data-ghost-0 0 stays-pending (class-missing): will stay Pending: its StorageClass does not exist',
      'shop/nothing data-nothing-0 0 stays-pending (no-match): will stay Pending: no PV matches and no StorageClass provisions it',
    ]);
  });
});
