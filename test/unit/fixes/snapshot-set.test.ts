// snapshot: one VolumeSnapshot per ordinal and template, all or nothing, and
// refused before any write for what the snapshot-controller would refuse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planAsShown } from './plan-as-shown.js';
import { planSnapshotSet, snapshotSetId } from '../../../src/fixes/snapshot-set.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { SNAPSHOT_SET_LABEL } from '../../../src/kube/volume-snapshot.js';
import type { Claim, KubeObject, StatefulSet, Volume, VolumeSnapshotClass } from '../../../src/kube/types.js';

const sts = (replicas: number, templates = ['data']): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'shop', uid: 'set-uid', resourceVersion: '1' },
  spec: {
    replicas,
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    volumeClaimTemplates: templates.map((name) => ({
      metadata: { name },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    })),
  },
});
const claim = (name: string, phase = 'Bound'): Claim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'shop', uid: `uid-${name}`, resourceVersion: '5' },
  spec: { volumeName: `pv-${name}`, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  status: { phase },
});
const volume = (claimName: string, driver: string | null = 'csi.example.com'): Volume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: `pv-${claimName}`, uid: `pv-uid-${claimName}`, resourceVersion: '3' },
  spec: {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteOnce'],
    ...(driver ? { csi: { driver, volumeHandle: `h-${claimName}` } } : { hostPath: { path: '/d' } }),
    claimRef: { namespace: 'shop', name: claimName, uid: `uid-${claimName}` },
  },
  status: { phase: 'Bound' },
});
const snapClass = (name: string, driver: string, isDefault: boolean): VolumeSnapshotClass => ({
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshotClass',
  metadata: { name, ...(isDefault ? { annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' } } : {}) },
  driver,
  deletionPolicy: 'Retain',
});
const plan = (objects: KubeObject[], set: StatefulSet, className?: string) =>
  planSnapshotSet(snapshotFromObjects([set, ...objects], { source: 'cluster' }), set, { setId: '20261206-201500', className }, 'snapshot db -n shop');

describe('snapshot STS', () => {
  it('names the set id after the UTC time, usable in names and labels', () => {
    expect(snapshotSetId(Date.parse('2026-12-06T20:15:00.123Z'))).toBe('20261206-201500');
  });

  it('creates one VolumeSnapshot per ordinal and template, labelled as one set, with the class named', () => {
    const claims = ['data-db-0', 'data-db-1', 'logs-db-0', 'logs-db-1'];
    const p = plan([...claims.map((c) => claim(c)), ...claims.map((c) => volume(c)), snapClass('snap', 'csi.example.com', true)], sts(2, ['data', 'logs']));
    expect(p.refusals).toEqual([]);
    expect(p.atomic).toBe(true);
    const bodies = p.changes.map((c) => (c.steps[0]!.kind === 'create' ? c.steps[0]!.body : undefined));
    expect(bodies.map((b) => b?.metadata?.name)).toEqual(claims.map((c) => `${c}-20261206-201500`));
    expect(bodies.map((b) => (b as { spec: { source: { persistentVolumeClaimName: string } } }).spec.source.persistentVolumeClaimName)).toEqual(claims);
    for (const b of bodies) {
      expect(b?.metadata?.labels?.[SNAPSHOT_SET_LABEL]).toBe('20261206-201500');
      expect((b as { spec: { volumeSnapshotClassName: string } }).spec.volumeSnapshotClassName).toBe('snap');
    }
    expect(p.changes.map((c) => c.irreversible)).toEqual(
      claims.map((c) => expect.stringContaining(`its data is in VolumeSnapshot ${c}-20261206-201500, which is kept`)),
    );
  });

  it('refuses the whole set for one claim not Bound, one PV not CSI, or no class; nothing is created', () => {
    const pending = plan([claim('data-db-0'), volume('data-db-0'), claim('data-db-1', 'Pending'), snapClass('snap', 'csi.example.com', true)], sts(2));
    expect(pending.changes).toEqual([]);
    expect(pending.refusals.map((r) => r.reasons[0])).toEqual([expect.stringContaining('the PVC data-db-1 is not yet bound to a PV')]);
    expect(pending.warnings.join(' ')).toMatch(/snapshotted whole or not at all/);

    const hostPath = plan([claim('data-db-0'), volume('data-db-0', null), snapClass('snap', 'csi.example.com', true)], sts(1));
    expect(hostPath.refusals[0]!.reasons[0]).toMatch(/^snapshotting non-CSI volumes is not supported/);

    const twoDefaults = plan(
      [claim('data-db-0'), volume('data-db-0'), snapClass('a', 'csi.example.com', true), snapClass('b', 'csi.example.com', true)],
      sts(1),
    );
    expect(twoDefaults.refusals[0]!.reasons[0]).toMatch(/2 default snapshot classes were found/);
    // --class picks one of them.
    expect(
      plan([claim('data-db-0'), volume('data-db-0'), snapClass('a', 'csi.example.com', true), snapClass('b', 'csi.example.com', true)], sts(1), 'b').changes,
    ).toHaveLength(1);

    const missing = plan([claim('data-db-0'), volume('data-db-0'), snapClass('snap', 'csi.example.com', true)], sts(2));
    expect(missing.refusals[0]!.reasons[0]).toBe('ordinal 1 has no claim data-db-1: there is nothing to snapshot for it');
  });

  it('refuses a claim being deleted, a claim Bound to no PV, a name taken, a name too long; labels only what a label can hold', () => {
    const classes = [snapClass('snap', 'csi.example.com', true)];
    const deleting = { ...claim('data-db-0'), metadata: { ...claim('data-db-0').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    expect(plan([deleting, volume('data-db-0'), ...classes], sts(1)).refusals[0]!.reasons).toEqual(['claim data-db-0 is being deleted']);
    expect(plan([claim('data-db-0'), ...classes], sts(1)).refusals[0]!.reasons[0]).toMatch(/^the PVC data-db-0 is not yet bound to a PV/);
    const taken = { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: { name: 'data-db-0-20261206-201500', namespace: 'shop' } };
    expect(plan([claim('data-db-0'), volume('data-db-0'), taken, ...classes], sts(1)).refusals[0]!.reasons).toEqual([
      'VolumeSnapshot data-db-0-20261206-201500 already exists: choose another --id',
    ]);
    const long = sts(1);
    long.metadata!.name = 'x'.repeat(70);
    const longClaim = `data-${long.metadata!.name}-0`;
    const p = plan([claim(longClaim), volume(longClaim), ...classes], long);
    const body = p.changes[0]!.steps[0]!.kind === 'create' ? p.changes[0]!.steps[0]!.body : undefined;
    expect(Object.keys(body?.metadata?.labels ?? {}).sort()).toEqual([
      'sts-storage.kubectl.io/ordinal',
      'sts-storage.kubectl.io/snapshot-set',
      'sts-storage.kubectl.io/template',
    ]);
    expect(body?.metadata?.annotations?.['sts-storage.kubectl.io/statefulset']).toBe(long.metadata!.name);
    const tooLong = sts(1);
    tooLong.metadata!.name = 'y'.repeat(240);
    const tooLongClaim = `data-${tooLong.metadata!.name}-0`;
    expect(plan([claim(tooLongClaim), volume(tooLongClaim), ...classes], tooLong).refusals[0]!.reasons[0]).toMatch(/would be longer than 253 characters$/);
  });

  it('before a repair, waits for each snapshot after creating it; says once what deleting the snapshots does', () => {
    const set = sts(2);
    const objects = [claim('data-db-0'), claim('data-db-1'), volume('data-db-0'), volume('data-db-1'), snapClass('snap', 'csi.example.com', true)];
    const p = planSnapshotSet(snapshotFromObjects([set, ...objects], { source: 'cluster' }), set, { setId: 'x', waitReadyMs: 5000 }, 'c');
    expect(p.changes[0]!.steps.map((st) => st.kind)).toEqual(['create', 'wait-snapshot-ready']);
    expect(p.changes[0]!.steps[1]).toMatchObject({ path: '/apis/snapshot.storage.k8s.io/v1/namespaces/shop/volumesnapshots/data-db-0-x', timeoutMs: 5000 });
    expect(p.warnings.filter((w) => w.startsWith('deletionPolicy'))).toEqual(['deletionPolicy Retain: the backend snapshots outlive their VolumeSnapshots']);
    expect(p.warnings.some((w) => w.includes('crash-consistent'))).toBe(true);
    const single = sts(1);
    const one = planSnapshotSet(snapshotFromObjects([single, ...objects], { source: 'cluster' }), single, { setId: 'x' }, 'c');
    expect(one.changes[0]!.steps.map((st) => st.kind)).toEqual(['create']);
    expect(one.warnings.some((w) => w.includes('crash-consistent'))).toBe(false);
  });

  it('on generated sets: either every ordinal claim gets exactly one snapshot of itself, or nothing is created and a reason is given', () => {
    const names = ['data-db-0', 'data-db-1', 'data-db-2'];
    const arb = fc.record({
      replicas: fc.integer({ min: 0, max: 3 }),
      claims: fc.subarray(names),
      phases: fc.array(fc.constantFrom('Bound', 'Pending', 'Lost'), { minLength: 3, maxLength: 3 }),
      csi: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      classes: fc.subarray([snapClass('a', 'csi.example.com', true), snapClass('b', 'csi.example.com', true), snapClass('c', 'other', true)]),
    });
    let created = 0;
    fc.assert(
      fc.property(arb, ({ replicas, claims, phases, csi, classes }) => {
        const objects = [
          ...claims.map((c) => claim(c, phases[names.indexOf(c)]!)),
          ...claims.map((c) => volume(c, csi[names.indexOf(c)] ? 'csi.example.com' : null)),
          ...classes,
        ];
        const p = plan(objects, sts(replicas));
        for (const r of p.refusals) expect(r.reasons.every((x) => x.trim().length > 0)).toBe(true);
        if (p.refusals.length > 0) {
          expect(p.changes).toEqual([]);
          return;
        }
        created++;
        expect(p.changes).toHaveLength(replicas);
        for (const c of p.changes) {
          const step = c.steps[0]!;
          expect(c.steps).toHaveLength(1);
          expect(step.kind).toBe('create');
          if (step.kind !== 'create') return;
          // Only a new VolumeSnapshot, of the claim the change names and read as Bound.
          expect(step.body.kind).toBe('VolumeSnapshot');
          expect((step.body as { spec: { source: { persistentVolumeClaimName: string } } }).spec.source.persistentVolumeClaimName).toBe(c.target.name);
          expect(c.before.metadata?.uid).toBe(c.target.uid);
          expect((c.before as Claim).status?.phase).toBe('Bound');
        }
      }),
      { numRuns: 300, seed: 20261206 },
    );
    expect(created).toBeGreaterThan(10);
  });
});

describe('snapshot STS, the whole plan as the user confirms it', () => {
  it('one ordinal, waited for before a repair, with a class that deletes its backend snapshots', () => {
    const set = sts(1, ['data']);
    const deleting = { ...snapClass('snap', 'csi.example.com', true), deletionPolicy: 'Delete' as const };
    const p = planSnapshotSet(
      snapshotFromObjects([set, claim('data-db-0'), volume('data-db-0'), deleting], { source: 'cluster' }),
      set,
      { setId: '20261206-201500', waitReadyMs: 120_000 },
      'snapshot db -n shop',
    );
    expect(planAsShown(p)).toMatchInlineSnapshot(`
      {
        "atomic": true,
        "changes": [
          {
            "irreversible": "its data is in VolumeSnapshot data-db-0-20261206-201500, which is kept: this tool never deletes a snapshot (delete it with kubectl when it is no longer wanted; with deletionPolicy Delete that also deletes the backend snapshot)",
            "notes": [],
            "owned": [],
            "permissions": [
              {
                "group": "snapshot.storage.k8s.io",
                "namespace": "shop",
                "resource": "volumesnapshots",
                "verb": "create",
              },
            ],
            "steps": [
              {
                "body": {
                  "apiVersion": "snapshot.storage.k8s.io/v1",
                  "kind": "VolumeSnapshot",
                  "metadata": {
                    "annotations": {
                      "sts-storage.kubectl.io/source-claim-uid": "uid-data-db-0",
                      "sts-storage.kubectl.io/statefulset": "db",
                      "sts-storage.kubectl.io/statefulset-uid": "set-uid",
                      "sts-storage.kubectl.io/template": "data",
                    },
                    "labels": {
                      "sts-storage.kubectl.io/ordinal": "0",
                      "sts-storage.kubectl.io/snapshot-set": "20261206-201500",
                      "sts-storage.kubectl.io/statefulset": "db",
                      "sts-storage.kubectl.io/template": "data",
                    },
                    "name": "data-db-0-20261206-201500",
                    "namespace": "shop",
                  },
                  "spec": {
                    "source": {
                      "persistentVolumeClaimName": "data-db-0",
                    },
                    "volumeSnapshotClassName": "snap",
                  },
                },
                "description": "create VolumeSnapshot data-db-0-20261206-201500",
                "kind": "create",
                "path": "/apis/snapshot.storage.k8s.io/v1/namespaces/shop/volumesnapshots",
              },
              {
                "description": "wait until VolumeSnapshot data-db-0-20261206-201500 is ready to use",
                "kind": "wait-snapshot-ready",
                "path": "/apis/snapshot.storage.k8s.io/v1/namespaces/shop/volumesnapshots/data-db-0-20261206-201500",
                "timeoutMs": 120000,
              },
            ],
            "summary": "new VolumeSnapshot data-db-0-20261206-201500 of it (ordinal 0, PV pv-data-db-0; class snap, its driver's default)",
            "target": {
              "kind": "PersistentVolumeClaim",
              "name": "data-db-0",
              "namespace": "shop",
              "resourceVersion": "5",
              "uid": "uid-data-db-0",
            },
            "warnings": [],
          },
        ],
        "command": "snapshot db -n shop",
        "headline": "Plan: 1 VolumeSnapshot(s) to create, one per claim (the claims are read, not changed)",
        "refusals": [],
        "warnings": [
          "deletionPolicy Delete: deleting a VolumeSnapshot deletes its backend snapshot",
        ],
      }
    `);
  });

  it('--template: only the templates named, and none the set does not have', () => {
    const set = sts(1, ['data', 'logs']);
    const objects = [claim('data-db-0'), volume('data-db-0'), claim('logs-db-0'), volume('logs-db-0'), snapClass('snap', 'csi.example.com', true)];
    const only = planSnapshotSet(snapshotFromObjects([set, ...objects], { source: 'cluster' }), set, { setId: 'x', templates: ['logs'] }, 'c');
    expect(only.changes.map((c) => c.target.name)).toEqual(['logs-db-0']);
    expect(() => planSnapshotSet(snapshotFromObjects([set, ...objects], { source: 'cluster' }), set, { setId: 'x', templates: ['nope'] }, 'c')).toThrow(
      'statefulset db has no volumeClaimTemplate "nope"',
    );
  });

  it('takes a snapshot whose name is 253 characters, and refuses one longer', () => {
    // "<claim>-<set id>": the claim's name, a dash and 15 characters.
    const named = (template: string) => {
      const set = sts(1, [template]);
      return plan([claim(`${template}-db-0`), volume(`${template}-db-0`), snapClass('snap', 'csi.example.com', true)], set);
    };
    const fits = named('t'.repeat(232));
    expect(fits.refusals).toEqual([]);
    expect(fits.changes[0]!.steps[0]!.kind === 'create' && fits.changes[0]!.steps[0]!.body.metadata?.name).toHaveLength(253);
    const over = named('t'.repeat(233));
    expect(over.changes).toEqual([]);
    expect(over.refusals.map((r) => [r.target, r.reasons])).toEqual([
      [
        { kind: 'PersistentVolumeClaim', namespace: 'shop', name: `${'t'.repeat(233)}-db-0` },
        [`the snapshot name ${'t'.repeat(233)}-db-0-20261206-201500 would be longer than 253 characters`],
      ],
    ]);
  });

  it('leaves out of the labels a name a label cannot hold, and keeps it in the annotations', () => {
    // A template name may be a DNS subdomain (dots, 253 characters); a label value is at most 63.
    const long = `data.${'x'.repeat(60)}`;
    const set = sts(1, [long]);
    const p = plan([claim(`${long}-db-0`), volume(`${long}-db-0`), snapClass('snap', 'csi.example.com', true)], set);
    const body = p.changes[0]!.steps[0]!.kind === 'create' ? p.changes[0]!.steps[0]!.body : undefined;
    expect(body?.metadata?.labels).toEqual({
      'sts-storage.kubectl.io/snapshot-set': '20261206-201500',
      'sts-storage.kubectl.io/ordinal': '0',
      'sts-storage.kubectl.io/statefulset': 'db',
    });
    expect(body?.metadata?.annotations?.['sts-storage.kubectl.io/template']).toBe(long);
  });
});
