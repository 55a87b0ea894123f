// Why a claim restoring from a VolumeSnapshot cannot be provisioned, each
// problem in external-provisioner's order and words (getSnapshotSource), and
// the sources it leaves to the provisioner.
import { describe, expect, it } from 'vitest';
import { restoreSourceProblem } from '../../../src/analysis/restore-source.js';
import type { Claim, KubeObject, StorageClass, VolumeSnapshot, VolumeSnapshotContent } from '../../../src/kube/types.js';
import type { SnapshotData } from '../../../src/snapshot/cluster-snapshot.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';

const claim = (dataSource: Record<string, unknown> | undefined, request = '1Gi', storageClassName = 'fast'): Claim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-db-0', namespace: 'shop', uid: 'c' },
  spec: {
    storageClassName,
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: request } },
    ...(dataSource ? { dataSourceRef: dataSource } : {}),
  },
  status: { phase: 'Pending' },
});
const source = (name = 'snap', namespace?: string) => ({
  apiGroup: 'snapshot.storage.k8s.io',
  kind: 'VolumeSnapshot',
  name,
  ...(namespace ? { namespace } : {}),
});
const vs = (status: Record<string, unknown> | undefined, meta: Record<string, unknown> = {}): VolumeSnapshot =>
  ({
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    metadata: { name: 'snap', namespace: 'shop', uid: 'vs-uid', ...meta },
    spec: { source: { persistentVolumeClaimName: 'data-db-0' } },
    ...(status ? { status } : {}),
  }) as VolumeSnapshot;
const content = (ref: Record<string, unknown>, driver = 'ebs.csi.aws.com', status?: Record<string, unknown>): VolumeSnapshotContent =>
  ({
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotContent',
    metadata: { name: 'snapcontent-1' },
    spec: { driver, deletionPolicy: 'Retain', source: { snapshotHandle: 'h' }, volumeSnapshotRef: ref },
    ...(status ? { status } : {}),
  }) as VolumeSnapshotContent;
const fast: StorageClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'ebs.csi.aws.com' };
const ownRef = { name: 'snap', namespace: 'shop', uid: 'vs-uid' };
const bound = (extra: Record<string, unknown> = {}) => ({ boundVolumeSnapshotContentName: 'snapcontent-1', readyToUse: true, ...extra });
const problemOf = (c: Claim, objects: KubeObject[], unavailable: SnapshotData['unavailable'] = {}) =>
  restoreSourceProblem(snapshotFromObjects([c, fast, ...objects], { unavailable }), c);

describe('restoreSourceProblem', () => {
  it('has nothing to say about a claim without a snapshot source, or one from another namespace, or when snapshots could not be read', () => {
    expect(problemOf(claim(undefined), [])).toBeUndefined();
    expect(problemOf(claim({ kind: 'PersistentVolumeClaim', name: 'other' }), [])).toBeUndefined();
    expect(problemOf(claim(source('snap', 'elsewhere')), [])).toBeUndefined();
    expect(problemOf(claim(source()), [], { volumesnapshots: 'the CRD is not installed' })).toBeUndefined();
  });

  it('a snapshot named in the claim’s own namespace, explicitly, is judged like one without a namespace', () => {
    expect(problemOf(claim(source('snap', 'shop')), [])?.problem).toBe('VolumeSnapshot snap does not exist');
  });

  it('a snapshot that does not exist', () => {
    expect(problemOf(claim(source()), [])).toEqual({
      snapshotName: 'snap',
      problem: 'VolumeSnapshot snap does not exist',
      provisionerSays: 'error getting snapshot snap from api server: not found',
      mayResolve: false,
    });
  });

  it('a snapshot being deleted', () => {
    const deleting = vs(bound(), { deletionTimestamp: '2026-12-07T00:00:00Z' });
    expect(problemOf(claim(source()), [deleting])).toEqual({
      snapshotName: 'snap',
      snapshot: deleting,
      problem: 'VolumeSnapshot snap is being deleted',
      provisionerSays: 'snapshot snap is being deleted',
      mayResolve: false,
    });
  });

  it('a snapshot not bound yet may still resolve', () => {
    const unbound = vs({ readyToUse: false });
    expect(problemOf(claim(source()), [unbound])).toEqual({
      snapshotName: 'snap',
      snapshot: unbound,
      problem: 'VolumeSnapshot snap is not bound to a content yet',
      provisionerSays: 'snapshot snap not bound',
      mayResolve: true,
    });
    expect(problemOf(claim(source()), [vs(undefined)])?.problem).toBe('VolumeSnapshot snap is not bound to a content yet');
  });

  it('a content that belongs to another snapshot: by name, by namespace, or by uid', () => {
    const s = vs(bound());
    for (const [ref, said] of [
      [{ ...ownRef, name: 'other' }, 'shop/other uid vs-uid'],
      [{ ...ownRef, namespace: 'else' }, 'else/snap uid vs-uid'],
      [{ ...ownRef, uid: 'old-uid' }, 'shop/snap uid old-uid'],
      [{ name: 'other', namespace: 'shop' }, 'shop/other'],
    ] as const) {
      const c = content(ref);
      expect(problemOf(claim(source()), [s, c])).toEqual({
        snapshotName: 'snap',
        snapshot: s,
        content: c,
        problem: `its content snapcontent-1 belongs to another VolumeSnapshot (${said})`,
        provisionerSays: 'snapshotcontent snapcontent-1 for snapshot snap is bound to a different snapshot',
        mayResolve: false,
      });
    }
    // a content without a reference yet is not another snapshot's
    const { volumeSnapshotRef: _ref, ...bare } = content(ownRef).spec!;
    expect(problemOf(claim(source()), [s, { ...content(ownRef), spec: bare } as VolumeSnapshotContent])).toBeUndefined();
    // a reference without a uid yet names the snapshot by name alone
    expect(problemOf(claim(source()), [s, content({ name: 'snap', namespace: 'shop' })])).toBeUndefined();
  });

  it("a snapshot taken by another driver than the class's", () => {
    const s = vs(bound());
    const c = content(ownRef, 'pd.csi.storage.gke.io');
    expect(problemOf(claim(source()), [s, c])).toEqual({
      snapshotName: 'snap',
      snapshot: s,
      content: c,
      problem: 'the snapshot was taken by driver pd.csi.storage.gke.io, but StorageClass fast provisions with ebs.csi.aws.com',
      provisionerSays: 'snapshotcontent snapcontent-1 for snapshot snap is not handled by CSI driver of StorageClass fast',
      mayResolve: false,
    });
    // a class that does not exist cannot be compared
    expect(problemOf(claim(source(), '1Gi', 'gone'), [s, c])).toBeUndefined();
  });

  it('a snapshot not ready: may resolve, unless the snapshot or its content records an error', () => {
    const waiting = vs(bound({ readyToUse: false }));
    expect(problemOf(claim(source()), [waiting, content(ownRef)])).toMatchObject({
      problem: 'VolumeSnapshot snap is not ready to use',
      provisionerSays: 'snapshot snap is not Ready',
      mayResolve: true,
    });
    expect(problemOf(claim(source()), [vs(bound({ readyToUse: false, error: { message: 'quota' } })), content(ownRef)])).toMatchObject({
      problem: 'VolumeSnapshot snap is not ready to use: quota',
      mayResolve: false,
    });
    expect(problemOf(claim(source()), [waiting, content(ownRef, 'ebs.csi.aws.com', { error: { message: 'backend down' } })])).toMatchObject({
      problem: 'VolumeSnapshot snap is not ready to use: backend down',
      mayResolve: false,
    });
    // a bound snapshot whose content is not in the snapshot is judged on its own
    expect(problemOf(claim(source()), [waiting])).toMatchObject({ problem: 'VolumeSnapshot snap is not ready to use', mayResolve: true });
  });

  it('a request smaller than the restoreSize, and not one equal to it', () => {
    const s = vs(bound({ restoreSize: '2Gi' }));
    const c = content(ownRef);
    expect(problemOf(claim(source(), '1Gi'), [s, c])).toEqual({
      snapshotName: 'snap',
      snapshot: s,
      content: c,
      problem: "it asks 1Gi, less than the snapshot's restoreSize 2Gi",
      provisionerSays: `requested volume size ${2 ** 30} is less than the size ${2 * 2 ** 30} for the source snapshot snap`,
      mayResolve: false,
    });
    expect(problemOf(claim(source(), '2Gi'), [s, c])).toBeUndefined();
    // a claim that asks for no size is not compared
    const noRequest = claim(source());
    delete noRequest.spec!.resources;
    expect(problemOf(noRequest, [s, c])).toBeUndefined();
    expect(problemOf(claim(source(), '1Gi'), [vs(bound()), c])).toBeUndefined();
  });
});
