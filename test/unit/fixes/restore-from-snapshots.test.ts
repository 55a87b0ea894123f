// restore --from-snapshots: each ordinal from its own ordinal's snapshot, all or nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planAsShown } from './plan-as-shown.js';
import { planSnapshotRestore, snapshotSetIds, type SnapshotRestoreInput } from '../../../src/fixes/restore-from-snapshots.js';
import type { Claim, StatefulSet, StorageClass, VolumeSnapshot } from '../../../src/kube/types.js';

const sts = (replicas: number): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'shop' },
  spec: {
    replicas,
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    volumeClaimTemplates: [
      { metadata: { name: 'data' }, spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    ],
  },
});
const snap = (ordinal: number, opts: { ready?: boolean; size?: string; set?: string; name?: string } = {}): VolumeSnapshot => ({
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshot',
  metadata: {
    name: opts.name ?? `data-db-${ordinal}-s1`,
    namespace: 'shop',
    uid: `vs-${ordinal}-${opts.name ?? ''}`,
    resourceVersion: '7',
    labels: {
      'sts-storage.kubectl.io/snapshot-set': opts.set ?? 's1',
      'sts-storage.kubectl.io/ordinal': String(ordinal),
      'sts-storage.kubectl.io/template': 'data',
    },
    annotations: { 'sts-storage.kubectl.io/template': 'data' },
  },
  spec: { source: { persistentVolumeClaimName: `data-db-${ordinal}` }, volumeSnapshotClassName: 'snap' },
  status: { readyToUse: opts.ready ?? true, restoreSize: opts.size ?? '2Gi', boundVolumeSnapshotContentName: `c-${ordinal}` },
});
const classes: StorageClass[] = [
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'csi.example.com' },
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'other' }, provisioner: 'other.example.com' },
];
const input = (over: Partial<SnapshotRestoreInput>): SnapshotRestoreInput => ({
  sts: sts(2),
  live: false,
  setId: 's1',
  snapshots: [snap(0), snap(1)],
  snapshotClasses: [{ apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshotClass', metadata: { name: 'snap' }, driver: 'csi.example.com' }],
  classes,
  claims: new Map(),
  ...over,
});
const created = (p: ReturnType<typeof planSnapshotRestore>) => p.changes.map((c) => (c.steps[0]!.kind === 'create' ? (c.steps[0]!.body as Claim) : undefined)!);

describe('restore --from-snapshots', () => {
  it("creates each ordinal's claim from its own snapshot, asking max(template, restoreSize), in the template's class", () => {
    const p = planSnapshotRestore(input({}), 'restore db -n shop --from-snapshots s1');
    expect(p.refusals).toEqual([]);
    expect(created(p).map((c) => [c.metadata?.name, c.spec?.dataSource?.name, c.spec?.resources?.requests?.['storage'], c.spec?.storageClassName])).toEqual([
      ['data-db-0', 'data-db-0-s1', '2Gi', 'fast'],
      ['data-db-1', 'data-db-1-s1', '2Gi', 'fast'],
    ]);
    expect(created(p)[0]!.metadata?.labels).toEqual({ app: 'db' });
    expect(p.warnings).toEqual(['then create (or scale up) statefulset db: it takes the restored claims as they are']);
    expect(p.headline).toBe("Plan: 2 claim(s) to create from snapshot set s1, each from its own ordinal's snapshot");
    // Other snapshot sets of the namespace are not this one; a live set scaled to 0 creates no claims meanwhile.
    const mixed = planSnapshotRestore(input({ live: true, sts: sts(0), snapshots: [snap(0, { set: 's2', name: 'other' })] }), 'x');
    expect(mixed.refusals).toEqual([]);
    expect(mixed.changes).toEqual([]);
    expect(mixed.warnings).toEqual([]);
    const scaledDown = sts(2);
    scaledDown.spec!.replicas = 0;
    expect(planSnapshotRestore(input({ live: true, sts: scaledDown }), 'x').refusals).toEqual([]);
    expect(p.changes.every((c) => c.irreversible?.includes('never deletes a claim'))).toBe(true);
  });

  it('refuses everything for one missing ordinal, an existing claim, a snapshot not ready, a class of another driver, or a running set', () => {
    const reasons = (over: Partial<SnapshotRestoreInput>) => {
      const p = planSnapshotRestore(input(over), 'x');
      expect(p.changes).toEqual([]);
      return p.refusals.flatMap((r) => r.reasons).join('\n');
    };
    expect(reasons({ snapshots: [snap(0)] })).toContain('snapshot set s1 has no snapshot of ordinal 1 of template "data": it would start empty');
    expect(reasons({ claims: new Map([['data-db-1', {} as Claim]]) })).toContain('claim data-db-1 already exists');
    expect(reasons({ snapshots: [snap(0), snap(1, { ready: false })] })).toContain('VolumeSnapshot data-db-1-s1 is not ready to use');
    const otherClass = sts(2);
    otherClass.spec!.volumeClaimTemplates![0]!.spec!.storageClassName = 'other';
    expect(reasons({ sts: otherClass })).toContain(
      "the template's class other provisions with other.example.com, not with the snapshot's driver csi.example.com (classes of that driver: fast)",
    );
    expect(reasons({ live: true })).toContain('statefulset db runs 2 replica(s)');
    expect(planSnapshotRestore(input({ live: true }), 'x').refusals.map((r) => r.target)).toContainEqual({
      kind: 'StatefulSet',
      namespace: 'shop',
      name: 'db',
    });
    expect(reasons({ snapshots: [snap(0), snap(1), snap(1, { name: 'dup' })] })).toContain(
      'snapshot set s1 has 2 snapshots of ordinal 1 of template "data" (data-db-1-s1, dup)',
    );
    // Refused whole: the claims that could have been made are not, and the plan says so.
    const partial = planSnapshotRestore(input({ snapshots: [snap(0)] }), 'x');
    expect(partial.refusals.map((r) => r.target)).toEqual([{ kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-1' }]);
    expect(partial.warnings).toContain('1 claim(s) were ready to restore, but a set is restored whole or not at all: nothing will be created');
  });

  it('refuses a snapshot being deleted, a missing class, no size at all; says what it leaves out and what it cannot size', () => {
    const refusal = (over: Partial<SnapshotRestoreInput>) => planSnapshotRestore(input(over), 'x').refusals.flatMap((r) => r.reasons);
    const deleting = snap(1);
    deleting.metadata!.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(refusal({ snapshots: [snap(0), deleting] })).toEqual(['VolumeSnapshot data-db-1-s1 is being deleted']);
    const noClass = sts(2);
    noClass.spec!.volumeClaimTemplates![0]!.spec!.storageClassName = 'gone';
    expect(refusal({ sts: noClass })[0]).toBe(
      "the template's class gone does not exist, not with the snapshot's driver csi.example.com (classes of that driver: fast)",
    );
    const noSize = sts(2);
    delete noSize.spec!.volumeClaimTemplates![0]!.spec!.resources;
    const unsized = [0, 1].map((o) => {
      const s = snap(o);
      delete s.status!.restoreSize;
      return s;
    });
    expect(refusal({ sts: noSize, snapshots: unsized })).toEqual([
      'neither the template nor VolumeSnapshot data-db-0-s1 says a size',
      'neither the template nor VolumeSnapshot data-db-1-s1 says a size',
    ]);

    const extra = planSnapshotRestore(input({ snapshots: [snap(0), snap(1), snap(2)] }), 'x');
    expect(extra.changes).toHaveLength(2);
    expect(extra.warnings).toContain("data-db-2-s1: ordinal 2 is beyond the set's 2 replica(s) and is not restored");
    const foreign = snap(0, { name: 'logs-0' });
    foreign.metadata!.annotations!['sts-storage.kubectl.io/template'] = 'logs';
    const other = planSnapshotRestore(input({ snapshots: [snap(0), snap(1), foreign] }), 'x');
    expect(other.changes).toHaveLength(2);
    expect(other.warnings).toContain('logs-0 is of template "logs" ordinal 0, which statefulset db does not have: not restored');
    const sizeless = planSnapshotRestore(input({ snapshots: unsized }), 'x');
    expect(sizeless.changes[0]!.warnings).toEqual(["VolumeSnapshot data-db-0-s1 states no restoreSize: the claim asks the template's size"]);
    expect(created(sizeless)[0]!.spec?.resources?.requests?.['storage']).toBe('1Gi');
    // The snapshot's own class gives the driver when no content can be read, whichever class comes first.
    const classFirst = { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshotClass', metadata: { name: 'first' }, driver: 'other.example.com' };
    const viaClass = planSnapshotRestore(input({ snapshotClasses: [classFirst, ...input({}).snapshotClasses] }), 'x');
    expect(viaClass.refusals).toEqual([]);
    // The content's driver wins over the class's.
    const moved = planSnapshotRestore(input({ contents: [{ metadata: { name: 'c-0' }, spec: { driver: 'other.example.com' } }], snapshotClasses: [] }), 'x');
    expect(moved.refusals.flatMap((r) => r.reasons)).toContain(
      "the template's class fast provisions with csi.example.com, not with the snapshot's driver other.example.com (classes of that driver: other)",
    );
    expect(moved.refusals.flatMap((r) => r.reasons)).toContain('the CSI driver of VolumeSnapshot data-db-1-s1 is unknown (no readable content or class)');
  });

  it('clones into another namespace through a Retain copy of each snapshot, waited for before its claim; refused without the snapshot handle', () => {
    const contents = [0, 1].map((o) => ({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotContent',
      metadata: { name: `c-${o}` },
      spec: { driver: 'csi.example.com', deletionPolicy: 'Delete' as const, volumeSnapshotClassName: 'snap' },
      status: { snapshotHandle: `h-${o}`, readyToUse: true },
    }));
    const target = sts(2);
    target.metadata!.namespace = 'staging';
    const p = planSnapshotRestore(input({ sts: target, contents, fromNamespace: 'shop', targetSnapshotNames: new Set() }), 'x');
    expect(p.refusals).toEqual([]);
    const steps = p.changes[1]!.steps;
    expect(steps.map((st) => st.kind)).toEqual(['create', 'create', 'wait-snapshot-ready', 'create']);
    const [content, snapshot, , claim] = steps.map((st) => (st.kind === 'create' ? st.body : undefined));
    expect(content).toMatchObject({
      kind: 'VolumeSnapshotContent',
      metadata: { name: 'sts-storage-staging-data-db-1-s1' },
      spec: {
        deletionPolicy: 'Retain',
        driver: 'csi.example.com',
        source: { snapshotHandle: 'h-1' },
        volumeSnapshotRef: { name: 'data-db-1-s1', namespace: 'staging' },
      },
    });
    expect(snapshot).toMatchObject({
      kind: 'VolumeSnapshot',
      metadata: { namespace: 'staging' },
      spec: { source: { volumeSnapshotContentName: 'sts-storage-staging-data-db-1-s1' } },
    });
    expect((claim as Claim).spec?.dataSource?.name).toBe('data-db-1-s1');
    // The snapshots' own namespace named as the one to restore from is no clone: the claims use them in place.
    const same = planSnapshotRestore(input({ contents, fromNamespace: 'shop', targetSnapshotNames: new Set() }), 'x');
    expect(same.changes.map((c) => c.steps.map((st) => st.kind))).toEqual([['create'], ['create']]);
    expect(same.headline).toBe("Plan: 2 claim(s) to create from snapshot set s1, each from its own ordinal's snapshot");
    // The copy is waited for ten minutes unless told otherwise.
    expect(steps[2]).toMatchObject({ kind: 'wait-snapshot-ready', timeoutMs: 600_000 });
    // A content's name is at most 253 characters, however long the namespace and the snapshot's name.
    const long = snap(0, { name: `data-db-0-${'s'.repeat(240)}` });
    const longTarget = sts(1);
    longTarget.metadata!.namespace = 'n'.repeat(63);
    const longContents = [{ ...contents[0]!, metadata: { name: 'c-0' } }];
    const copied = planSnapshotRestore(
      input({ sts: longTarget, snapshots: [long], contents: longContents, fromNamespace: 'shop', targetSnapshotNames: new Set() }),
      'x',
    );
    const contentName = (copied.changes[0]!.steps[0] as { body: { metadata: { name: string } } }).body.metadata.name;
    expect(contentName).toBe(`sts-storage-${'n'.repeat(63)}-data-db-0-${'s'.repeat(240)}`.slice(0, 253));
    expect(contentName).toHaveLength(253);

    const blind = planSnapshotRestore(input({ sts: target, contents: undefined, fromNamespace: 'shop', targetSnapshotNames: new Set() }), 'x');
    expect(blind.changes).toEqual([]);
    expect(blind.refusals[0]!.reasons[0]).toMatch(/needs its content's snapshotHandle, and VolumeSnapshotContents cannot be read/);
    const taken = planSnapshotRestore(input({ sts: target, contents, fromNamespace: 'shop', targetSnapshotNames: new Set(['data-db-0-s1']) }), 'x');
    expect(taken.refusals[0]!.reasons[0]).toBe('VolumeSnapshot data-db-0-s1 already exists in namespace staging: the copy would need its name');
  });

  it('on generated snapshot sets: every created claim takes the snapshot of its own ordinal, never another', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 0, maxLength: 5 }),
        fc.boolean(),
        (replicas, ordinals, live) => {
          const p = planSnapshotRestore(input({ sts: sts(replicas), live, snapshots: ordinals.map((o) => snap(o)) }), 'x');
          if (p.refusals.length > 0) expect(p.changes).toEqual([]);
          for (const c of created(p)) {
            const ordinal = /-(\d+)$/.exec(c.metadata!.name!)![1];
            expect(c.spec?.dataSource?.name).toBe(`data-db-${ordinal}-s1`);
          }
          if (p.changes.length > 0) expect(p.changes).toHaveLength(replicas);
        },
      ),
      { numRuns: 300, seed: 20261206 },
    );
  });
});

describe('snapshotSetIds (what restore offers when the named set has no snapshot)', () => {
  it('lists each snapshot set of the namespace once, sorted, and ignores snapshots of no set', () => {
    const unlabelled = snap(0, { name: 'by-hand' });
    delete unlabelled.metadata!.labels;
    const bare = { spec: {} } as VolumeSnapshot;
    expect(snapshotSetIds([snap(0, { set: 's2' }), snap(1, { set: 's1' }), snap(2, { set: 's2' }), unlabelled, bare])).toEqual(['s1', 's2']);
    expect(snapshotSetIds([])).toEqual([]);
  });
});

describe('restore --from-snapshots, the whole plan as the user confirms it', () => {
  it('in place', () => {
    const one = sts(1);
    one.spec!.volumeClaimTemplates![0]!.metadata!.annotations = { team: 'a' };
    one.spec!.volumeClaimTemplates![0]!.metadata!.labels = { tier: 'db' };
    one.spec!.volumeClaimTemplates![0]!.spec!.volumeMode = 'Block';
    expect(planAsShown(planSnapshotRestore(input({ sts: one, snapshots: [snap(0)] }), 'restore db -n shop --from-snapshots s1'))).toMatchInlineSnapshot(`
      {
        "atomic": true,
        "changes": [
          {
            "irreversible": "the restored claim is kept: this tool never deletes a claim (delete it with kubectl before the set uses it, if it is not wanted)",
            "notes": [],
            "owned": [],
            "permissions": [
              {
                "group": "",
                "namespace": "shop",
                "resource": "persistentvolumeclaims",
                "verb": "create",
              },
            ],
            "steps": [
              {
                "body": {
                  "apiVersion": "v1",
                  "kind": "PersistentVolumeClaim",
                  "metadata": {
                    "annotations": {
                      "team": "a",
                    },
                    "labels": {
                      "app": "db",
                      "tier": "db",
                    },
                    "name": "data-db-0",
                    "namespace": "shop",
                  },
                  "spec": {
                    "accessModes": [
                      "ReadWriteOnce",
                    ],
                    "dataSource": {
                      "apiGroup": "snapshot.storage.k8s.io",
                      "kind": "VolumeSnapshot",
                      "name": "data-db-0-s1",
                    },
                    "resources": {
                      "requests": {
                        "storage": "2Gi",
                      },
                    },
                    "storageClassName": "fast",
                    "volumeMode": "Block",
                  },
                },
                "description": "create PersistentVolumeClaim data-db-0",
                "kind": "create",
                "path": "/api/v1/namespaces/shop/persistentvolumeclaims",
              },
            ],
            "summary": "new claim data-db-0 (ordinal 0) from it: 2Gi (restoreSize 2Gi, template 1Gi), class fast",
            "target": {
              "kind": "VolumeSnapshot",
              "name": "data-db-0-s1",
              "namespace": "shop",
              "resourceVersion": "7",
              "uid": "vs-0-",
            },
            "warnings": [],
          },
        ],
        "command": "restore db -n shop --from-snapshots s1",
        "headline": "Plan: 1 claim(s) to create from snapshot set s1, each from its own ordinal's snapshot",
        "refusals": [],
        "warnings": [
          "then create (or scale up) statefulset db: it takes the restored claims as they are",
        ],
      }
    `);
  });

  it('cloned into another namespace', () => {
    const target = sts(1);
    target.metadata!.namespace = 'staging';
    const contents = [
      {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotContent',
        metadata: { name: 'c-0' },
        spec: { driver: 'csi.example.com', deletionPolicy: 'Delete' as const, volumeSnapshotClassName: 'snap', sourceVolumeMode: 'Filesystem' },
        status: { snapshotHandle: 'h-0', readyToUse: true },
      },
    ];
    expect(
      planAsShown(
        planSnapshotRestore(
          input({ sts: target, snapshots: [snap(0)], contents, fromNamespace: 'shop', targetSnapshotNames: new Set(), copyReadyMs: 90_000 }),
          'restore db -n staging --from-snapshots s1 --from-namespace shop',
        ),
      ),
    ).toMatchInlineSnapshot(`
      {
        "atomic": true,
        "changes": [
          {
            "irreversible": "the restored claim is kept: this tool never deletes a claim (delete it with kubectl before the set uses it, if it is not wanted); the copy VolumeSnapshotContent sts-storage-staging-data-db-0-s1, VolumeSnapshot data-db-0-s1 is kept too (deletionPolicy Retain: deleting it leaves the backend snapshot)",
            "notes": [],
            "owned": [],
            "permissions": [
              {
                "group": "snapshot.storage.k8s.io",
                "resource": "volumesnapshotcontents",
                "verb": "create",
              },
              {
                "group": "snapshot.storage.k8s.io",
                "namespace": "staging",
                "resource": "volumesnapshots",
                "verb": "create",
              },
              {
                "group": "",
                "namespace": "staging",
                "resource": "persistentvolumeclaims",
                "verb": "create",
              },
            ],
            "steps": [
              {
                "body": {
                  "apiVersion": "snapshot.storage.k8s.io/v1",
                  "kind": "VolumeSnapshotContent",
                  "metadata": {
                    "name": "sts-storage-staging-data-db-0-s1",
                  },
                  "spec": {
                    "deletionPolicy": "Retain",
                    "driver": "csi.example.com",
                    "source": {
                      "snapshotHandle": "h-0",
                    },
                    "sourceVolumeMode": "Filesystem",
                    "volumeSnapshotClassName": "snap",
                    "volumeSnapshotRef": {
                      "name": "data-db-0-s1",
                      "namespace": "staging",
                    },
                  },
                },
                "description": "create VolumeSnapshotContent sts-storage-staging-data-db-0-s1 (snapshotHandle h-0, Retain)",
                "kind": "create",
                "path": "/apis/snapshot.storage.k8s.io/v1/volumesnapshotcontents",
              },
              {
                "body": {
                  "apiVersion": "snapshot.storage.k8s.io/v1",
                  "kind": "VolumeSnapshot",
                  "metadata": {
                    "annotations": {
                      "sts-storage.kubectl.io/template": "data",
                    },
                    "labels": {
                      "sts-storage.kubectl.io/ordinal": "0",
                      "sts-storage.kubectl.io/snapshot-set": "s1",
                      "sts-storage.kubectl.io/template": "data",
                    },
                    "name": "data-db-0-s1",
                    "namespace": "staging",
                  },
                  "spec": {
                    "source": {
                      "volumeSnapshotContentName": "sts-storage-staging-data-db-0-s1",
                    },
                  },
                },
                "description": "create VolumeSnapshot data-db-0-s1 in staging, bound to it",
                "kind": "create",
                "path": "/apis/snapshot.storage.k8s.io/v1/namespaces/staging/volumesnapshots",
              },
              {
                "description": "wait until VolumeSnapshot data-db-0-s1 is ready to use",
                "kind": "wait-snapshot-ready",
                "path": "/apis/snapshot.storage.k8s.io/v1/namespaces/staging/volumesnapshots/data-db-0-s1",
                "timeoutMs": 90000,
              },
              {
                "body": {
                  "apiVersion": "v1",
                  "kind": "PersistentVolumeClaim",
                  "metadata": {
                    "labels": {
                      "app": "db",
                    },
                    "name": "data-db-0",
                    "namespace": "staging",
                  },
                  "spec": {
                    "accessModes": [
                      "ReadWriteOnce",
                    ],
                    "dataSource": {
                      "apiGroup": "snapshot.storage.k8s.io",
                      "kind": "VolumeSnapshot",
                      "name": "data-db-0-s1",
                    },
                    "resources": {
                      "requests": {
                        "storage": "2Gi",
                      },
                    },
                    "storageClassName": "fast",
                  },
                },
                "description": "create PersistentVolumeClaim data-db-0",
                "kind": "create",
                "path": "/api/v1/namespaces/staging/persistentvolumeclaims",
              },
            ],
            "summary": "copy it to staging (VolumeSnapshotContent sts-storage-staging-data-db-0-s1, VolumeSnapshot data-db-0-s1), then new claim data-db-0 (ordinal 0) from it: 2Gi (restoreSize 2Gi, template 1Gi), class fast",
            "target": {
              "kind": "VolumeSnapshot",
              "name": "data-db-0-s1",
              "namespace": "shop",
              "resourceVersion": "7",
              "uid": "vs-0-",
            },
            "warnings": [],
          },
        ],
        "command": "restore db -n staging --from-snapshots s1 --from-namespace shop",
        "headline": "Plan: 1 claim(s) to create from snapshot set s1 of namespace shop, each from its own ordinal's snapshot",
        "refusals": [],
        "warnings": [
          "then create (or scale up) statefulset db: it takes the restored claims as they are",
        ],
      }
    `);
  });
});
