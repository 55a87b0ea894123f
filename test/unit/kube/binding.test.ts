// kube/binding.ts restates the binder's matching rules (FindMatchingVolume,
// IsVolumeBoundToClaim, checkVolumeSatisfyClaim, the class helpers); each row
// is one rule, with the reason the audit prints when it fails.
import { describe, expect, it } from 'vitest';
import {
  claimClass,
  claimHasClass,
  defaultClass,
  isVolumeBoundToClaim,
  mismatchReasons,
  requirementsOf,
  requirementsOfTemplate,
  satisfyReasons,
  type ClaimRequirements,
} from '../../../src/kube/binding.js';
import type { Claim, StorageClass, Volume } from '../../../src/kube/types.js';

const req = (over: Partial<ClaimRequirements> = {}): ClaimRequirements => ({
  namespace: 'shop',
  name: 'data-db-0',
  uid: 'uid-now',
  className: 'fast',
  accessModes: ['ReadWriteOnce'],
  request: 5 * 2 ** 30,
  volumeMode: 'Filesystem',
  volumeAttributesClassName: '',
  ...over,
});

const pv = (spec: Record<string, unknown> = {}, extra: Partial<Volume> = {}): Volume => ({
  metadata: { name: 'pv' },
  spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'fast', ...spec },
  status: { phase: 'Available' },
  ...extra,
});

describe('mismatchReasons: why FindMatchingVolume (PV controller path) skips a PV', () => {
  const rows: Array<[string, Volume, Partial<ClaimRequirements>, boolean, string[]]> = [
    ['a fitting Available PV matches', pv(), {}, false, []],
    ['too small', pv({ capacity: { storage: '1Gi' } }), {}, false, ['capacity 1Gi is smaller than the request 5Gi']],
    ['exactly the size asked for matches', pv({ capacity: { storage: '5Gi' } }), {}, false, []],
    ['one byte short', pv({ capacity: { storage: '5368709119' } }), {}, false, ['capacity 5368709119 is smaller than the request 5Gi']],
    ['no capacity at all', pv({ capacity: undefined }), {}, false, ['it states no capacity, and the claim asks for 5Gi']],
    ['a claim with no request fits any capacity', pv({ capacity: undefined }), { request: undefined }, false, []],
    ['a PV without a phase is not refused for it', pv({}, { status: {} }), {}, false, []],
    [
      'reserved for another claim and Bound: the reservation is the reason, not the phase',
      pv({ claimRef: { namespace: 'other', name: 'data-db-0', uid: 'x' } }, { status: { phase: 'Bound' } }),
      {},
      false,
      ['reserved for another claim other/data-db-0'],
    ],
    [
      "pre-bound with this claim's uid",
      pv({ claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'uid-now' }, storageClassName: 'slow' }, { status: { phase: 'Bound' } }),
      { selector: { matchLabels: { tier: 'hot' } } },
      true,
      [],
    ],
    [
      'pre-bound still needs the size',
      pv({ claimRef: { namespace: 'shop', name: 'data-db-0' }, capacity: { storage: '1Gi' } }),
      {},
      false,
      ['capacity 1Gi is smaller than the request 5Gi'],
    ],
    [
      'several access modes, one missing',
      pv({ accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] }),
      { accessModes: ['ReadWriteOnce', 'ReadWriteMany'] },
      false,
      ['access modes [ReadWriteOnce,ReadOnlyMany] lack ReadWriteMany'],
    ],
    [
      "the beta class annotation is the PV's class",
      pv({ storageClassName: 'fast' }, { metadata: { name: 'pv', annotations: { 'volume.beta.kubernetes.io/storage-class': 'slow' } } }),
      {},
      false,
      ['storageClassName "slow" differs from the claim\'s "fast"'],
    ],
    ['a selector the labels match', pv({}, { metadata: { name: 'pv', labels: { tier: 'hot' } } }), { selector: { matchLabels: { tier: 'hot' } } }, false, []],
    ['access modes', pv({ accessModes: ['ReadOnlyMany'] }), {}, false, ['access modes [ReadOnlyMany] lack ReadWriteOnce']],
    ['volumeMode', pv({ volumeMode: 'Block' }), {}, false, ["volumeMode Block differs from the claim's Filesystem"]],
    [
      'VolumeAttributesClass (unset on the claim is "")',
      pv({ volumeAttributesClassName: 'gold' }),
      {},
      false,
      ['volumeAttributesClassName "gold" differs from the claim\'s ""'],
    ],
    ['class', pv({ storageClassName: 'slow' }), {}, false, ['storageClassName "slow" differs from the claim\'s "fast"']],
    ['not Available', pv({}, { status: { phase: 'Released' } }), {}, false, ['phase is Released, not Available']],
    ['reserved for another claim', pv({ claimRef: { namespace: 'shop', name: 'other' } }), {}, false, ['reserved for another claim shop/other']],
    [
      'a stale claimRef to this claim',
      pv({ claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'uid-old' } }),
      {},
      false,
      ['claimRef names this claim but holds uid uid-old of a deleted claim (stale claimRef)'],
    ],
    [
      'pre-bound to this claim wins before phase and class',
      pv({ claimRef: { namespace: 'shop', name: 'data-db-0' }, storageClassName: 'slow' }, { status: { phase: 'Released' } }),
      {},
      false,
      [],
    ],
    ['WaitForFirstConsumer: only the scheduler binds', pv(), {}, true, ['WaitForFirstConsumer: only the scheduler binds unbound volumes of this class']],
    ['being deleted', pv({}, { metadata: { name: 'pv', deletionTimestamp: '2026-01-01T00:00:00Z' as never } }), {}, false, ['the volume is being deleted']],
    [
      'a selector the labels do not match',
      pv({}, { metadata: { name: 'pv', labels: { tier: 'cold' } } }),
      { selector: { matchLabels: { tier: 'hot' } } },
      false,
      ['labels do not match the claim selector'],
    ],
  ];
  for (const [name, volume, over, delay, want] of rows) {
    it(name, () => expect(mismatchReasons(volume, req(over), delay)).toEqual(want));
  }
});

describe('satisfyReasons: what prebind checks of a chosen pair', () => {
  it('compares the class only when asked', () => {
    const v = pv({ storageClassName: 'slow', capacity: { storage: '1Gi' } });
    expect(satisfyReasons(v, req(), { compareClass: false })).toEqual(['capacity 1Gi is smaller than the request 5Gi']);
    expect(satisfyReasons(v, req(), { compareClass: true })).toEqual([
      'capacity 1Gi is smaller than the request 5Gi',
      'storageClassName "slow" differs from the claim\'s "fast"',
    ]);
  });
});

describe('claims, classes and binding', () => {
  const claim = (spec: Claim['spec'], annotations?: Record<string, string>): Claim => ({
    metadata: { name: 'data-db-0', namespace: 'shop', uid: 'uid-now', annotations },
    spec,
  });
  it('GetPersistentVolumeClaimClass: the beta annotation wins; nil and "" both mean no class', () => {
    expect(claimClass(claim({ storageClassName: 'fast' }, { 'volume.beta.kubernetes.io/storage-class': 'old' }))).toBe('old');
    expect(claimClass(claim({}))).toBe('');
    expect(claimClass(claim({ storageClassName: '' }))).toBe('');
  });
  it('PersistentVolumeClaimHasClass: only a nil class can be defaulted', () => {
    expect(claimHasClass(claim({}))).toBe(false);
    expect(claimHasClass(claim({ storageClassName: '' }))).toBe(true);
    expect(claimHasClass(claim({}, { 'volume.beta.kubernetes.io/storage-class': '' }))).toBe(true);
  });
  it('GetDefaultClass: with several defaults the newest wins', () => {
    const sc = (name: string, created: string): StorageClass => ({
      metadata: { name, creationTimestamp: created as never, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'x',
    });
    expect(defaultClass([sc('a', '2026-01-01T00:00:00Z'), sc('b', '2026-02-01T00:00:00Z')])?.metadata?.name).toBe('b');
    expect(defaultClass([sc('b', '2026-02-01T00:00:00Z'), sc('a', '2026-01-01T00:00:00Z')])?.metadata?.name).toBe('b');
    // Created in the same second: by name.
    expect(defaultClass([sc('z', '2026-01-01T00:00:00Z'), sc('m', '2026-01-01T00:00:00Z')])?.metadata?.name).toBe('m');
    // The beta annotation counts; only the exact "true" does; no default among none.
    const beta: StorageClass = { metadata: { name: 'beta', annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } }, provisioner: 'x' };
    const notQuite: StorageClass = { metadata: { name: 'nq', annotations: { 'storageclass.kubernetes.io/is-default-class': 'True' } }, provisioner: 'x' };
    expect(defaultClass([notQuite, beta])?.metadata?.name).toBe('beta');
    expect(defaultClass([notQuite])).toBeUndefined();
  });
  it('IsVolumeBoundToClaim: name and namespace, and the uid when the claimRef has one', () => {
    const c = claim({});
    expect(isVolumeBoundToClaim(pv({ claimRef: { namespace: 'shop', name: 'data-db-0' } }), c)).toBe(true);
    expect(isVolumeBoundToClaim(pv({ claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'uid-now' } }), c)).toBe(true);
    expect(isVolumeBoundToClaim(pv({ claimRef: { namespace: 'shop', name: 'data-db-0', uid: 'uid-old' } }), c)).toBe(false);
    expect(isVolumeBoundToClaim(pv({ claimRef: { namespace: 'other', name: 'data-db-0' } }), c)).toBe(false);
  });
  it("a claim that does not exist yet has its template's requirements", () => {
    const template = { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, volumeAttributesClassName: 'gold' } };
    expect(requirementsOfTemplate(template, { namespace: 'shop', name: 'data-db-3', className: 'fast' })).toEqual(
      req({ name: 'data-db-3', uid: undefined, volumeAttributesClassName: 'gold', selector: undefined }),
    );
    expect(requirementsOf(claim({ storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } }))).toEqual(
      req({ selector: undefined }),
    );
  });
});
