// Why a Pending claim does not bind, in the order syncUnboundClaim decides it:
// a stale claimRef to its name, a spec.volumeName that cannot be honoured, a
// class that does not exist, nothing that matches and nothing that
// provisions; and what cannot be decided when a kind could not be read.
import { describe, expect, it } from 'vitest';
import { canProvision, effectiveClass, matchVolumes, pendingCause, staleClaimRefVolumes, volumeNameProblem } from '../../../src/analysis/claim-analysis.js';
import type { Claim, KubeObject, StorageClass, Volume } from '../../../src/kube/types.js';
import type { SnapshotData } from '../../../src/snapshot/cluster-snapshot.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';

const claim = (spec: Partial<NonNullable<Claim['spec']>> = {}, phase = 'Pending'): Claim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-db-0', namespace: 'shop', uid: 'c-new' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  status: { phase },
});
const pv = (name: string, spec: Partial<NonNullable<Volume['spec']>> = {}, phase = 'Available'): Volume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' }, ...spec },
  status: { phase },
});
const sc = (name: string, provisioner = 'ebs.csi.aws.com', isDefault = false): StorageClass => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
  provisioner,
});
const local = sc('local', 'kubernetes.io/no-provisioner');
const snapshot = (objects: KubeObject[], unavailable: SnapshotData['unavailable'] = {}) => snapshotFromObjects(objects, { unavailable });
/** The cause of the claim among these objects (the claim first, so each test builds its own snapshot). */
const causeOf = (c: Claim, objects: KubeObject[], unavailable: SnapshotData['unavailable'] = {}) => pendingCause(snapshot([c, ...objects], unavailable), c);

describe('pendingCause', () => {
  it('has none for a claim that is not Pending', () => {
    expect(causeOf(claim({ storageClassName: 'gone' }, 'Bound'), [])).toBeUndefined();
  });

  it('a Released PV naming the claim with another uid comes first', () => {
    const stale = pv('pv-old', { claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'c-old' } }, 'Released');
    expect(causeOf(claim({ storageClassName: 'gone' }), [stale])).toBe('stale-claim-ref');
    // the same uid is this claim's own reservation; another name is another claim's
    expect(
      causeOf(claim({ storageClassName: 'local' }), [
        local,
        pv('pv-own', { storageClassName: 'local', claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'c-new' } }),
      ]),
    ).toBeUndefined();
    expect(
      causeOf(claim({ storageClassName: 'fast' }), [sc('fast'), pv('pv-x', { claimRef: { namespace: 'shop', name: 'data-db-1', uid: 'u' } }, 'Released')]),
    ).toBeUndefined();
  });

  it('then a spec.volumeName the binder cannot honour: missing, another claim’s, or not fitting', () => {
    expect(causeOf(claim({ volumeName: 'pv-gone' }), [])).toBe('volume-name');
    const others = pv('pv-a', { claimRef: { namespace: 'shop', name: 'other', uid: 'o' } }, 'Bound');
    expect(causeOf(claim({ volumeName: 'pv-a' }), [others])).toBe('volume-name');
    expect(causeOf(claim({ volumeName: 'pv-small', storageClassName: '' }), [pv('pv-small', { capacity: { storage: '500Mi' } })])).toBe('volume-name');
  });

  it('a volumeName that fits, or a PV reserved for this claim by name, is no cause: the binder will bind it', () => {
    expect(causeOf(claim({ volumeName: 'pv-ok', storageClassName: '' }), [pv('pv-ok')])).toBeUndefined();
    expect(causeOf(claim({ volumeName: 'pv-r' }), [pv('pv-r', { claimRef: { namespace: 'shop', name: 'data-db-0' } })])).toBeUndefined();
  });

  it('cannot decide the PV causes when PVs could not be read, nor the class causes when classes could not', () => {
    const stale = pv('pv-old', { claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'c-old' } }, 'Released');
    expect(causeOf(claim({ storageClassName: 'fast' }), [sc('fast'), stale], { persistentvolumes: 'forbidden' })).toBeUndefined();
    expect(causeOf(claim({ volumeName: 'pv-gone', storageClassName: 'fast' }), [sc('fast')], { persistentvolumes: 'forbidden' })).toBeUndefined();
    expect(causeOf(claim({ storageClassName: 'gone' }), [], { storageclasses: 'forbidden' })).toBeUndefined();
    expect(causeOf(claim({ storageClassName: 'local' }), [local], { persistentvolumes: 'forbidden' })).toBeUndefined();
  });

  it('a class that does not exist, unless a static PV of that class name matches', () => {
    expect(causeOf(claim({ storageClassName: 'gone' }), [])).toBe('class-missing');
    expect(causeOf(claim({ storageClassName: 'gone' }), [pv('pv-gone-class', { storageClassName: 'gone' })])).toBeUndefined();
    expect(causeOf(claim({ storageClassName: 'gone' }), [], { persistentvolumes: 'forbidden' })).toBe('class-missing');
  });

  it('nothing that matches, for a class that does not provision or the empty class', () => {
    expect(causeOf(claim({ storageClassName: 'local' }), [local])).toBe('no-match');
    expect(causeOf(claim({ storageClassName: 'local' }), [local, pv('pv-l', { storageClassName: 'local' })])).toBeUndefined();
    expect(causeOf(claim({ storageClassName: '' }), [sc('fast', 'ebs.csi.aws.com', true)])).toBe('no-match');
    expect(causeOf(claim({ storageClassName: 'fast' }), [sc('fast')])).toBeUndefined();
    // no class at all: the default class provisions it
    expect(causeOf(claim(), [sc('fast', 'ebs.csi.aws.com', true)])).toBeUndefined();
    expect(causeOf(claim(), [])).toBe('no-match');
  });

  it('is decided once per claim and snapshot', () => {
    const c = claim({ storageClassName: 'gone' });
    const s = snapshot([c, local]);
    expect(pendingCause(s, c)).toBe('class-missing');
    // decided again, it would now be no-match
    c.spec!.storageClassName = 'local';
    expect(pendingCause(s, c)).toBe('class-missing');
    expect(pendingCause(snapshot([c, local]), c)).toBe('no-match');
  });

  it('a volumeName the PV is already bound to is no cause, even when nothing else would match', () => {
    const c = claim({ volumeName: 'pv-b', storageClassName: 'local' });
    const boundToIt = pv(
      'pv-b',
      { storageClassName: 'local', capacity: { storage: '500Mi' }, claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'c-new' } },
      'Bound',
    );
    expect(causeOf(c, [local, boundToIt])).toBeUndefined();
  });

  it('a volumeName naming a free PV of another class is a volume-name cause', () => {
    expect(causeOf(claim({ volumeName: 'pv-f', storageClassName: 'fast' }), [sc('fast'), pv('pv-f', { storageClassName: 'slow' })])).toBe('volume-name');
  });
});

describe('the parts of the decision', () => {
  it('staleClaimRefVolumes: only claimRefs with a uid, and not the claim’s own', () => {
    const c = claim();
    const s = snapshot([
      c,
      pv('no-uid', { claimRef: { namespace: 'shop', name: 'data-db-0' } }),
      pv('own', { claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'c-new' } }),
      pv('old', { claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'c-old' } }, 'Released'),
    ]);
    expect(staleClaimRefVolumes(s, c).map((v) => v.metadata?.name)).toEqual(['old']);
  });

  it('volumeNameProblem says which problem, with the PV and the reasons', () => {
    const c = claim({ volumeName: 'pv-small', storageClassName: '' });
    const small = pv('pv-small', { capacity: { storage: '500Mi' } });
    expect(volumeNameProblem(snapshot([c, small]), c)).toEqual({
      kind: 'mismatch',
      name: 'pv-small',
      volume: small,
      reasons: ['capacity 500Mi is smaller than the request 1Gi'],
    });
    expect(volumeNameProblem(snapshot([claim()]), claim())).toBeUndefined();
  });

  it('effectiveClass: a claim without a class takes the default, marked as defaulted; an explicit "" does not', () => {
    const def = sc('standard', 'ebs.csi.aws.com', true);
    const s = snapshot([def]);
    expect(effectiveClass(s, claim())).toEqual({ name: 'standard', storageClass: def, defaulted: true });
    expect(effectiveClass(s, claim({ storageClassName: '' }))).toEqual({ name: '', storageClass: undefined, defaulted: false });
    expect(effectiveClass(snapshot([]), claim())).toEqual({ name: '', storageClass: undefined, defaulted: false });
    // a named class is the class, default or not
    expect(effectiveClass(s, claim({ storageClassName: 'fast' }))).toEqual({ name: 'fast', storageClass: undefined, defaulted: false });
  });

  it('canProvision: a class that exists and is not no-provisioner', () => {
    expect(canProvision({ name: 'fast', storageClass: sc('fast'), defaulted: false })).toBe(true);
    expect(canProvision({ name: 'local', storageClass: local, defaulted: false })).toBe(false);
    expect(canProvision({ name: 'gone', defaulted: false })).toBe(false);
    expect(canProvision({ name: '', storageClass: sc(''), defaulted: false })).toBe(false);
  });

  it('matchVolumes: near misses with the fewest reasons first, then by name', () => {
    const c = claim({ storageClassName: '' });
    const s = snapshot([
      c,
      pv('b-one', { capacity: { storage: '500Mi' } }),
      pv('c-two', { capacity: { storage: '500Mi' }, accessModes: ['ReadOnlyMany'] }),
      pv('a-one', { accessModes: ['ReadOnlyMany'] }),
      pv('fits'),
    ]);
    const { matches, nearMisses } = matchVolumes(s, c);
    expect(matches.map((v) => v.metadata?.name)).toEqual(['fits']);
    expect(nearMisses.map((m) => `${m.volume.metadata?.name} ${m.reasons.length}`)).toEqual(['a-one 1', 'b-one 1', 'c-two 2']);
  });
});
