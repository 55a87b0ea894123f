// Random StatefulSet/PVC/PV snapshots, valid and not, with owners' marks and
// owner records, through every check: a check must never throw, never emit a
// finding without code, severity and object, and never report an object that
// was not read. Names come from a small pool so objects refer to each other.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../src/checks/index.js';
import { runChecks } from '../../../src/checks/run-checks.js';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { buildStorageChain } from '../../../src/output/storage-chain.js';
import { renderTree } from '../../../src/output/tree.js';
import { makePaint } from '../../../src/output/colors.js';
import type { ResourceName } from '../../../src/snapshot/cluster-snapshot.js';
import { kindInfo } from '../../../src/kube/resources.js';

const name = fc.constantFrom('data', 'db', 'web', 'data-db-0', 'data-db-1', 'data-web-2', 'logs', 'pv-a', 'pv-b', 'x');
const ns = fc.constantFrom('shop', 'other', '');
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const quantity = fc.constantFrom('1Gi', '500Mi', '10G', '0', 'garbage', '1e3', '', '2Ti');
const modes = fc.subarray(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod', 'Bogus']);
const cls = maybe(fc.constantFrom('', 'fast', 'standard', 'missing'));
const uid = maybe(fc.constantFrom('u1', 'u2', 'u3', ''));
const time = maybe(fc.constantFrom('2026-01-01T11:59:59Z', '2025-01-01T00:00:00Z', 'not-a-time', ''));
// Owners' marks (Helm, Argo CD, Flux, kubectl), well-formed or not, and references that loop or dangle.
const ownerReference = fc.record({
  apiVersion: fc.constantFrom('apps/v1', 'v1', 'monitoring.coreos.com/v1', 'example.com/v1', 'elasticsearch.k8s.elastic.co/v1', 'bad'),
  kind: fc.constantFrom('StatefulSet', 'Prometheus', 'Elasticsearch', 'ConfigMap', 'Thing'),
  name,
  uid: fc.constantFrom('u1', 'u2', 'u3', 'cr-1', ''),
  controller: maybe(fc.boolean()),
});
const managedField = fc.record({
  manager: fc.constantFrom('helm', 'kubectl-client-side-apply', 'argocd-controller', 'PrometheusOperator', ''),
  operation: fc.constantFrom('Apply', 'Update'),
  time: time,
  subresource: maybe(fc.constant('status')),
  fieldsV1: maybe(fc.constantFrom({}, { 'f:spec': { 'f:volumeClaimTemplates': {} } }, { 'f:spec': 'oops' })),
});
const meta = fc.record(
  {
    name,
    namespace: ns,
    uid,
    creationTimestamp: time,
    deletionTimestamp: maybe(fc.constant('2026-01-01T11:00:00Z')),
    annotations: maybe(
      fc.dictionary(
        fc.constantFrom(
          'storageclass.kubernetes.io/is-default-class',
          'volume.beta.kubernetes.io/storage-class',
          'volume.kubernetes.io/selected-node',
          'pv.kubernetes.io/bound-by-controller',
          'meta.helm.sh/release-name',
          'meta.helm.sh/release-namespace',
          'argocd.argoproj.io/tracking-id',
          'kubectl.kubernetes.io/last-applied-configuration',
        ),
        fc.constantFrom('true', 'fast', 'node-1', 'yes', 'r', 'shop', 'app:apps/StatefulSet:shop/db', '{"spec":{}}', '{not json', ''),
      ),
    ),
    labels: maybe(
      fc.dictionary(
        fc.constantFrom(
          'app.kubernetes.io/instance',
          'kustomize.toolkit.fluxcd.io/name',
          'kustomize.toolkit.fluxcd.io/namespace',
          'helm.toolkit.fluxcd.io/name',
        ),
        fc.constantFrom('db', 'apps', 'shop', ''),
      ),
    ),
    ownerReferences: maybe(fc.array(ownerReference, { maxLength: 2 })),
    managedFields: maybe(fc.array(managedField, { maxLength: 3 })),
  },
  { requiredKeys: ['name'] },
);

// A claim's or a template's source: a snapshot, a claim, a populator, of any group.
const dataSource = fc.record({
  apiGroup: maybe(fc.constantFrom('snapshot.storage.k8s.io', '', 'example.com')),
  kind: fc.constantFrom('VolumeSnapshot', 'PersistentVolumeClaim', 'Thing'),
  name,
});
const claimSpec = fc.record({
  accessModes: maybe(modes),
  storageClassName: cls,
  volumeName: maybe(name),
  volumeMode: maybe(fc.constantFrom('Block', 'Filesystem')),
  resources: maybe(fc.record({ requests: maybe(fc.record({ storage: quantity })) })),
  dataSource: maybe(dataSource),
});
const mount = fc.record({ name, mountPath: fc.constant('/d') });
const container = fc.record({
  name: fc.constantFrom('c1', 'c2'),
  image: fc.constant('x'),
  volumeMounts: maybe(fc.array(mount, { maxLength: 3 })),
  volumeDevices: maybe(fc.array(fc.record({ name, devicePath: fc.constant('/dev/x') }), { maxLength: 1 })),
});

const statefulSet = fc.record({
  kind: fc.constant('StatefulSet'),
  metadata: meta,
  spec: maybe(
    fc.record({
      replicas: maybe(fc.integer({ min: 0, max: 4 })),
      ordinals: maybe(fc.record({ start: fc.integer({ min: 0, max: 3 }) })),
      serviceName: maybe(name),
      persistentVolumeClaimRetentionPolicy: maybe(
        fc.record({ whenDeleted: fc.constantFrom('Retain', 'Delete'), whenScaled: fc.constantFrom('Retain', 'Delete') }),
      ),
      template: maybe(
        fc.record({
          spec: maybe(
            fc.record({
              containers: fc.array(container, { maxLength: 2 }),
              initContainers: maybe(fc.array(container, { maxLength: 1 })),
              volumes: maybe(
                fc.array(fc.record({ name, persistentVolumeClaim: maybe(fc.record({ claimName: name })), emptyDir: maybe(fc.constant({})) }), { maxLength: 2 }),
              ),
            }),
          ),
        }),
      ),
      volumeClaimTemplates: maybe(fc.array(fc.record({ metadata: maybe(fc.record({ name: maybe(name) })), spec: maybe(claimSpec) }), { maxLength: 3 })),
    }),
  ),
});
const claim = fc.record({
  kind: fc.constant('PersistentVolumeClaim'),
  metadata: meta,
  spec: maybe(claimSpec),
  status: maybe(fc.record({ phase: maybe(fc.constantFrom('Pending', 'Bound', 'Lost', 'Weird')) })),
});
const nodeTerm = fc.record({
  matchExpressions: maybe(
    fc.array(
      fc.record({
        key: fc.constantFrom('kubernetes.io/hostname', 'zone'),
        operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Bad'),
        values: maybe(fc.array(fc.constantFrom('node-1', 'node-2', '3'), { maxLength: 2 })),
      }),
      { maxLength: 2 },
    ),
  ),
});
const volume = fc.record({
  kind: fc.constant('PersistentVolume'),
  metadata: meta,
  spec: maybe(
    fc.record({
      capacity: maybe(fc.record({ storage: quantity })),
      accessModes: maybe(modes),
      storageClassName: cls,
      persistentVolumeReclaimPolicy: maybe(fc.constantFrom('Retain', 'Delete', 'Recycle', 'Odd')),
      volumeMode: maybe(fc.constantFrom('Block', 'Filesystem')),
      claimRef: maybe(fc.record({ namespace: maybe(ns), name: maybe(name), uid, resourceVersion: maybe(fc.constant('7')) })),
      nodeAffinity: maybe(fc.record({ required: maybe(fc.record({ nodeSelectorTerms: fc.array(nodeTerm, { maxLength: 2 }) })) })),
    }),
  ),
  status: maybe(fc.record({ phase: maybe(fc.constantFrom('Available', 'Bound', 'Released', 'Failed', 'Pending')), message: maybe(fc.constant('boom')) })),
});
const storageClass = fc.record({
  kind: fc.constant('StorageClass'),
  metadata: meta,
  provisioner: fc.constantFrom('kubernetes.io/no-provisioner', 'example.com/csi', ''),
  volumeBindingMode: maybe(fc.constantFrom('Immediate', 'WaitForFirstConsumer')),
});
const event = fc.record({
  kind: fc.constant('Event'),
  metadata: meta,
  involvedObject: fc.record({ kind: fc.constantFrom('StatefulSet', 'PersistentVolumeClaim', 'Pod', 'PersistentVolume'), namespace: ns, name, uid }),
  reason: fc.constantFrom('FailedCreate', 'FailedBinding', 'ProvisioningFailed', 'ExternalProvisioning', 'FailedScheduling', 'ClaimLost'),
  message: maybe(fc.string()),
  count: maybe(fc.integer({ min: 0, max: 50 })),
  lastTimestamp: time,
});
const pod = fc.record({
  kind: fc.constant('Pod'),
  metadata: fc.record({
    name: fc.constantFrom('db-0', 'db-1', 'web-0', 'x'),
    namespace: ns,
    ownerReferences: maybe(fc.array(fc.record({ kind: fc.constant('StatefulSet'), name, controller: fc.boolean(), uid }), { maxLength: 1 })),
  }),
  spec: maybe(
    fc.record({
      nodeName: maybe(fc.constant('node-1')),
      volumes: maybe(fc.array(fc.record({ name, persistentVolumeClaim: maybe(fc.record({ claimName: name })) }), { maxLength: 2 })),
    }),
  ),
  status: maybe(fc.record({ phase: fc.constantFrom('Pending', 'Running', 'Failed') })),
});
const node = fc.record({
  kind: fc.constant('Node'),
  metadata: fc.record({
    name: fc.constantFrom('node-1', 'node-2'),
    labels: maybe(fc.dictionary(fc.constantFrom('kubernetes.io/hostname', 'zone'), fc.constantFrom('node-1', 'a'))),
  }),
});
const service = fc.record({ kind: fc.constant('Service'), metadata: meta, spec: maybe(fc.record({ clusterIP: maybe(fc.constantFrom('None', '10.0.0.1')) })) });

// Snapshot objects: sources and contents that point at each other, at claims, or at nothing; times as the API writes them, or wrong.
const restoringClaim = fc.record({
  kind: fc.constant('PersistentVolumeClaim'),
  metadata: meta,
  spec: fc.record({
    storageClassName: cls,
    resources: maybe(fc.record({ requests: maybe(fc.record({ storage: quantity })) })),
    dataSource: maybe(dataSource),
    dataSourceRef: maybe(dataSource),
  }),
  status: maybe(fc.record({ phase: maybe(fc.constantFrom('Pending', 'Bound')) })),
});
const volumeSnapshot = fc.record({
  kind: fc.constant('VolumeSnapshot'),
  metadata: meta,
  spec: maybe(
    fc.record({
      source: maybe(fc.record({ persistentVolumeClaimName: maybe(name), volumeSnapshotContentName: maybe(name) })),
      volumeSnapshotClassName: maybe(name),
    }),
  ),
  status: maybe(
    fc.record({
      readyToUse: maybe(fc.boolean()),
      boundVolumeSnapshotContentName: maybe(name),
      creationTime: maybe(fc.constantFrom('2026-01-01T11:00:00Z', 'yesterday', '')),
      restoreSize: maybe(quantity),
      error: maybe(fc.record({ message: maybe(fc.constantFrom('boom', '')) })),
    }),
  ),
});
const snapshotContent = fc.record({
  kind: fc.constant('VolumeSnapshotContent'),
  metadata: fc.record({ name, uid, deletionTimestamp: maybe(fc.constant('2026-01-01T10:00:00Z')) }),
  spec: maybe(
    fc.record({
      driver: maybe(fc.constantFrom('csi.example.com', 'other')),
      deletionPolicy: maybe(fc.constantFrom('Retain', 'Delete')),
      volumeSnapshotRef: maybe(fc.record({ name: maybe(name), namespace: maybe(ns), uid: maybe(uid) })),
      source: maybe(fc.record({ snapshotHandle: maybe(fc.constant('h')), volumeHandle: maybe(fc.constant('v')) })),
    }),
  ),
  status: maybe(fc.record({ creationTime: maybe(fc.constantFrom(1.7e18, -1, Number.MAX_VALUE)), restoreSize: maybe(fc.constantFrom(1073741824, 0, -5)) })),
});
const snapshotClass = fc.record({
  kind: fc.constant('VolumeSnapshotClass'),
  metadata: fc.record({
    name,
    annotations: maybe(
      fc.constantFrom({ 'snapshot.storage.kubernetes.io/is-default-class': 'true' }, { 'snapshot.storage.kubernetes.io/is-default-class': 'yes' }),
    ),
  }),
  driver: maybe(fc.constantFrom('csi.example.com', 'other')),
});

const objects = fc.array(
  fc.oneof(statefulSet, claim, volume, storageClass, event, pod, node, service, restoringClaim, volumeSnapshot, snapshotContent, snapshotClass),
  {
    maxLength: 25,
  },
);

// What read-owner-records.ts would have distilled: releases that render the sets or not, resources, GitOps objects.
const template = fc.record({ metadata: fc.record({ name: fc.constantFrom('data', 'logs', '') }), spec: maybe(claimSpec) });
const owners = fc.record({
  helmReleases: fc.array(
    fc.record({
      release: fc.constantFrom('r', 'db'),
      namespace: ns,
      storedIn: ns,
      revision: fc.integer({ min: 1, max: 3 }),
      status: fc.constant('deployed'),
      chart: fc.record({ name: fc.constantFrom('db', ''), version: fc.constantFrom('0.1.0', '') }),
      statefulSets: fc.array(
        fc.record({
          name,
          namespace: ns,
          source: fc.constantFrom('db/templates/statefulset.yaml', 'db/charts/x/templates/sts.yaml', ''),
          volumeClaimTemplates: fc.array(template, { maxLength: 2 }),
          sizeKeys: fc.dictionary(
            fc.constantFrom('data', 'logs'),
            fc.oneof(
              fc.record({ key: fc.constantFrom('persistence.size', ''), certain: fc.constant(true as const) }),
              fc.record({ candidates: fc.array(fc.constantFrom('a.size', 'b.storage'), { maxLength: 2 }), certain: fc.constant(false as const) }),
            ),
          ),
        }),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 2 },
  ),
  controllers: fc.array(
    fc.record({
      apiVersion: fc.constantFrom('monitoring.coreos.com/v1', 'example.com/v1'),
      kind: fc.constantFrom('Prometheus', 'Thing'),
      resource: fc.constantFrom('prometheuses', 'things'),
      metadata: fc.record({ name, namespace: ns, uid: fc.constantFrom('u1', 'cr-1'), annotations: maybe(fc.constant({ 'meta.helm.sh/release-name': 'r' })) }),
      spec: maybe(fc.record({ paused: maybe(fc.boolean()) })),
    }),
    { maxLength: 2 },
  ),
  argoApplications: fc.array(
    fc.record({ name: fc.constantFrom('db', 'app'), namespace: fc.constant('argocd'), automated: fc.boolean(), selfHeal: fc.boolean() }),
    {
      maxLength: 2,
    },
  ),
  fluxObjects: fc.array(
    fc.record({
      kind: fc.constantFrom('Kustomization' as const, 'HelmRelease' as const),
      name: fc.constantFrom('apps', 'r'),
      namespace: ns,
      suspended: fc.boolean(),
      force: fc.boolean(),
      driftCorrection: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
  skipped: fc.constant([] as string[]),
});
const unavailable = fc.subarray([
  'persistentvolumes',
  'storageclasses',
  'events',
  'nodes',
  'pods',
  'services',
  'volumesnapshots',
  'volumesnapshotcontents',
  'volumesnapshotclasses',
] as ResourceName[]);

describe('every check on random snapshots', () => {
  it('never throws and never emits a finding without code, severity and object', () => {
    // The generated graphs must reach the snapshot checks, or the property says nothing of them.
    const snapshotCodes = new Set(['STS-021', 'STS-022', 'STS-023', 'PVC-015', 'VS-001', 'VS-002', 'VS-003']);
    const reached = new Set<string>();
    fc.assert(
      fc.property(objects, unavailable, fc.boolean(), owners, (objs, missing, namespaced, ownerRecords) => {
        const snapshot = snapshotFromObjects(objs as never[], {
          source: 'cluster',
          now: Date.parse('2026-01-01T12:00:00Z'),
          unavailable: Object.fromEntries(missing.map((m) => [m, 'forbidden'])),
          ...(namespaced ? { scope: { namespace: 'shop' }, namespaces: ['shop'] } : {}),
          owners: ownerRecords as never,
        });
        const { findings, skipped } = runChecks(snapshot, { pendingThresholdMs: 60_000 }, ALL_CHECKS);
        const codes = new Set(ALL_CHECKS.map((c) => c.code));
        for (const f of findings) if (snapshotCodes.has(f.code)) reached.add(f.code);
        for (const f of findings) {
          expect(codes.has(f.code)).toBe(true);
          expect(['error', 'warning', 'info']).toContain(f.severity);
          expect(f.object.kind).toBeTruthy();
          expect(typeof f.object.name).toBe('string');
          expect(f.message).toBeTruthy();
          expect(Array.isArray(f.evidence)).toBe(true);
          // Every finding is about an object that was read.
          expect(
            objs.some(
              (o) =>
                o.kind === f.object.kind &&
                o.metadata.name === f.object.name &&
                (!kindInfo(o.kind)?.namespaced || (o.metadata.namespace ?? '') === (f.object.namespace ?? '')),
            ),
            `${f.code} about ${f.object.kind} ${f.object.namespace}/${f.object.name}, which is not in the input`,
          ).toBe(true);
        }
        expect(skipped.every((s) => codes.has(s.check))).toBe(true);
        for (const sts of snapshot.statefulSets) renderTree(buildStorageChain(snapshot, sts, findings), { width: 80, ascii: false, paint: makePaint(false) });
      }),
      { numRuns: 400, seed: 20261123 },
    );
    expect([...reached].sort()).toEqual(expect.arrayContaining(['PVC-015', 'STS-021', 'VS-001', 'VS-003']));
  });
});
