// What would delete a StatefulSet's data: each claim's owner references read
// the way the garbage collector and the StatefulSet controller read them, the
// retention policy for ordinals in and out of range, the PV behind each claim,
// and the classes that would provision new claims with reclaimPolicy Delete.
import { describe, expect, it } from 'vitest';
import { deletesData, setExposure, volumeOfClaim } from '../../../src/analysis/deletion-paths.js';
import type { Claim, KubeObject, StatefulSet, StorageClass, Volume } from '../../../src/kube/types.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';

const set = (
  policy: { whenDeleted?: string; whenScaled?: string } = {},
  templates: Array<{ name: string; className?: string }> = [{ name: 'data' }],
): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'shop', uid: 's1' },
  spec: {
    replicas: 2,
    serviceName: 'web',
    selector: { matchLabels: { app: 'web' } },
    persistentVolumeClaimRetentionPolicy: policy,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'i', volumeMounts: templates.map((t) => ({ name: t.name, mountPath: `/${t.name}` })) }] },
    },
    volumeClaimTemplates: templates.map((t) => ({
      metadata: { name: t.name },
      spec: { ...(t.className !== undefined ? { storageClassName: t.className } : {}), resources: { requests: { storage: '1Gi' } } },
    })),
  },
});
type Ref = { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean };
const claim = (name: string, ownerReferences: Ref[] = [], volumeName?: string): Claim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'shop', uid: `u-${name}`, ...(ownerReferences.length ? { ownerReferences } : {}) },
  spec: { ...(volumeName ? { volumeName } : {}) },
  status: { phase: 'Bound' },
});
const pv = (name: string, policy: string, claimRef?: { namespace: string; name: string }): Volume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { persistentVolumeReclaimPolicy: policy, ...(claimRef ? { claimRef } : {}) },
});
const sc = (name: string, over: Partial<StorageClass> = {}, isDefault = false): StorageClass => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
  provisioner: 'ebs.csi.aws.com',
  ...over,
});
const setRef: Ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 's1', controller: true };
const exposureOf = (sts: StatefulSet, objects: KubeObject[]) => setExposure(snapshotFromObjects([sts, ...objects]), sts);
const threatsOf = (sts: StatefulSet, c: Claim) => exposureOf(sts, [c]).claims[0]!.ownerThreats;

describe('owner threats', () => {
  it("the set's own reference is a threat only against whenDeleted: Retain", () => {
    expect(threatsOf(set({ whenDeleted: 'Delete' }), claim('data-web-0', [setRef]))).toEqual([]);
    expect(threatsOf(set(), claim('data-web-0', [setRef]))).toEqual([{ kind: 'set-against-policy', owner: setRef }]);
  });

  it('a reference to a previous set of the name is stale, whatever the policy', () => {
    const old = { ...setRef, uid: 's0' };
    expect(threatsOf(set({ whenDeleted: 'Delete' }), claim('data-web-0', [old]))).toEqual([{ kind: 'stale-set', owner: old, liveUid: 's1' }]);
  });

  it("a reference that is not quite the set's, or a pod of another ordinal, is foreign", () => {
    const lookalikes: Ref[] = [
      { ...setRef, apiVersion: 'apps/v1beta1' },
      { ...setRef, kind: 'Deployment' },
      { ...setRef, name: 'web2' },
      { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'p1' },
      { apiVersion: 'v2', kind: 'Pod', name: 'web-0', uid: 'p0' },
    ];
    expect(threatsOf(set({ whenDeleted: 'Delete' }), claim('data-web-0', lookalikes))).toEqual([{ kind: 'foreign', owners: lookalikes, controller: true }]);
    expect(threatsOf(set({ whenDeleted: 'Delete' }), claim('data-web-0', [lookalikes[3]!]))).toEqual([
      { kind: 'foreign', owners: [lookalikes[3]], controller: false },
    ]);
  });

  it("the ordinal's own pod is a threat while the ordinal is in range, and none beyond it", () => {
    const pod0: Ref = { apiVersion: 'v1', kind: 'Pod', name: 'web-0', uid: 'p0' };
    expect(threatsOf(set({ whenDeleted: 'Delete' }), claim('data-web-0', [pod0]))).toEqual([{ kind: 'pod-in-range', owner: pod0 }]);
    const pod5: Ref = { apiVersion: 'v1', kind: 'Pod', name: 'web-5', uid: 'p5' };
    expect(threatsOf(set({ whenDeleted: 'Delete' }), claim('data-web-5', [pod5]))).toEqual([]);
  });
});

describe('setExposure', () => {
  it('a claim in range goes with a scale-down or the set per the policy; one out of range goes with neither', () => {
    const e = exposureOf(set({ whenDeleted: 'Delete', whenScaled: 'Delete' }), [claim('data-web-1'), claim('data-web-0'), claim('data-web-7')]);
    expect(e.whenDeleted).toBe('Delete');
    expect(e.whenScaled).toBe('Delete');
    expect(e.claims.map((c) => `${c.ordinal} ${c.byScaleDown} ${c.bySetDeletion}`)).toEqual(['0 true true', '1 true true', '7 false false']);
    const half = exposureOf(set({ whenDeleted: 'Retain', whenScaled: 'Delete' }), [claim('data-web-0')]);
    expect(half.claims.map((c) => [c.byScaleDown, c.bySetDeletion])).toEqual([[true, false]]);
    const other = exposureOf(set({ whenDeleted: 'Delete', whenScaled: 'Retain' }), [claim('data-web-0')]);
    expect(other.claims.map((c) => [c.byScaleDown, c.bySetDeletion])).toEqual([[false, true]]);
  });

  it('the controller leaves alone a claim another object controls, or a previous set owns', () => {
    const cr: Ref = { apiVersion: 'example.com/v1', kind: 'Database', name: 'db', uid: 'cr', controller: true };
    const plain: Ref = { ...cr, controller: false };
    const e = exposureOf(set({ whenDeleted: 'Delete', whenScaled: 'Delete' }), [
      claim('data-web-0', [cr]),
      claim('data-web-1', [{ ...setRef, uid: 's0' }]),
      claim('data-web-2', [plain]),
    ]);
    expect(e.claims.map((c) => `${c.claim.metadata?.name} ${c.byScaleDown} ${c.bySetDeletion}`)).toEqual([
      'data-web-0 false false',
      'data-web-1 false false',
      // not a controller: the policy still applies (ordinal 2 is out of range at replicas 2)
      'data-web-2 false false',
    ]);
    const inRange = exposureOf(set({ whenDeleted: 'Delete', whenScaled: 'Delete' }), [claim('data-web-1', [plain])]);
    expect(inRange.claims.map((c) => [c.byScaleDown, c.bySetDeletion])).toEqual([[true, true]]);
  });

  it('orders claims by ordinal, then template, skips claims of no ordinal, and finds each PV by volumeName or claimRef', () => {
    const sts = set({}, [{ name: 'logs' }, { name: 'data' }]);
    const e = exposureOf(sts, [
      claim('logs-web-0', [], 'pv-l0'),
      claim('data-web-0'),
      claim('data-web-x'),
      claim('other'),
      pv('pv-l0', 'Delete'),
      pv('pv-d0', 'Retain', { namespace: 'shop', name: 'data-web-0' }),
    ]);
    expect(e.claims.map((c) => `${c.template}/${c.ordinal} ${c.volume?.metadata?.name} ${c.volumeDeletedWithClaim}`)).toEqual([
      'data/0 pv-d0 false',
      'logs/0 pv-l0 true',
    ]);
  });

  it('is decided once per snapshot and set', () => {
    const sts = set();
    const s = snapshotFromObjects([sts, claim('data-web-0')]);
    expect(setExposure(s, sts)).toBe(setExposure(s, sts));
  });
});

describe('classes that would provision with Delete', () => {
  it("names the template's class, or the default class for a template without one, when it provisions and deletes", () => {
    const sts = set({}, [
      { name: 'data', className: 'fast' },
      { name: 'logs' },
      { name: 'keep', className: 'kept' },
      { name: 'local', className: 'local' },
      { name: 'gone', className: 'gone' },
    ]);
    const e = exposureOf(sts, [
      sc('fast'),
      sc('standard', { reclaimPolicy: 'Delete' }, true),
      sc('kept', { reclaimPolicy: 'Retain' }),
      sc('local', { provisioner: 'kubernetes.io/no-provisioner' }),
    ]);
    expect(e.deletingClasses).toEqual([
      { template: 'data', className: 'fast', provisioner: 'ebs.csi.aws.com', reclaimPolicy: undefined, isDefault: false },
      { template: 'logs', className: 'standard', provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', isDefault: true },
    ]);
  });

  it('a template without a name provisions nothing', () => {
    const sts = set({}, [{ name: 'data', className: 'fast' }]);
    delete sts.spec!.volumeClaimTemplates![0]!.metadata;
    expect(exposureOf(sts, [sc('fast')]).deletingClasses).toEqual([]);
  });

  it('deletesData: only Delete', () => {
    expect([deletesData('Delete'), deletesData('Retain'), deletesData('Recycle'), deletesData(undefined)]).toEqual([true, false, false, false]);
  });
});

describe('volumeOfClaim', () => {
  it('prefers the PV the claim is bound to over one that names it', () => {
    const c = claim('data-web-0', [], 'pv-bound');
    const s = snapshotFromObjects([c, pv('pv-bound', 'Retain'), pv('pv-naming', 'Retain', { namespace: 'shop', name: 'data-web-0' })]);
    expect(volumeOfClaim(s, c)?.metadata?.name).toBe('pv-bound');
    expect(volumeOfClaim(snapshotFromObjects([claim('data-web-1')]), claim('data-web-1'))).toBeUndefined();
  });
});
