import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { snapshotFromObjects } from '../../../src/snapshot/from-objects.js';
import { runChecks } from '../../../src/checks/run-checks.js';
import { buildStorageChain } from '../../../src/output/storage-chain.js';
import { renderTree } from '../../../src/output/tree.js';
import { makePaint } from '../../../src/output/colors.js';
import type { KubeObject } from '../../../src/kube/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

function chainOf(yaml: string) {
  const objects = parseAllDocuments(yaml).map((d) => d.toJS() as KubeObject);
  const snapshot = snapshotFromObjects(objects, { source: 'cluster', now: NOW });
  return buildStorageChain(snapshot, snapshot.statefulSets[0]!, runChecks(snapshot).findings);
}

const render = (yaml: string, width = 100, ascii = false) => renderTree(chainOf(yaml), { width, ascii, paint: makePaint(false) });

const SEED_000 = `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: mysql, namespace: shop, uid: sts-1}
spec:
  replicas: 1
  serviceName: mysql
  selector: {matchLabels: {app: mysql}}
  template:
    metadata: {labels: {app: mysql}}
    spec: {containers: [{name: mysql, image: mysql:8, volumeMounts: [{name: mysql-data, mountPath: /var/lib/mysql}]}]}
  volumeClaimTemplates:
  - metadata: {name: pvc-mysql-data-xxx}
    spec: {storageClassName: standard, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: standard, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/csi
---
apiVersion: v1
kind: Service
metadata: {name: mysql, namespace: shop}
spec: {clusterIP: None}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pvc-mysql-data-xxx-mysql-0, namespace: shop, uid: c-1}
spec: {storageClassName: standard, volumeName: pv-a, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
status: {phase: Bound}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-a}
spec: {capacity: {storage: 5Gi}, accessModes: [ReadWriteOnce], storageClassName: standard, persistentVolumeReclaimPolicy: Delete, csi: {driver: example.com/csi, volumeHandle: a}, claimRef: {namespace: shop, name: pvc-mysql-data-xxx-mysql-0, uid: c-1}}
status: {phase: Bound}
---
apiVersion: v1
kind: Event
metadata: {name: e1, namespace: shop}
involvedObject: {kind: StatefulSet, namespace: shop, name: mysql, uid: sts-1}
reason: FailedCreate
type: Warning
message: 'create Pod mysql-0 in StatefulSet mysql failed error: Pod "mysql-0" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "mysql-data"'
`;

// Seed 002 inside a StatefulSet: ordinal 0's claim was deleted and recreated; its Retain PV keeps the old uid.
const SEED_002 = `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: shiqi, uid: sts-2}
spec:
  replicas: 1
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec: {containers: [{name: redis, image: redis:7, volumeMounts: [{name: data, mountPath: /data}]}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {storageClassName: "", accessModes: [ReadWriteMany], resources: {requests: {storage: 64Mi}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: shiqi}
spec: {clusterIP: None}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data-redis-0, namespace: shiqi, uid: new-uid}
spec: {storageClassName: "", accessModes: [ReadWriteMany], resources: {requests: {storage: 64Mi}}}
status: {phase: Pending}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-shiqi-redis}
spec: {capacity: {storage: 64Mi}, accessModes: [ReadWriteMany], storageClassName: "", persistentVolumeReclaimPolicy: Retain, nfs: {server: 10.0.0.5, path: /redis}, claimRef: {namespace: shiqi, name: data-redis-0, uid: 42347aaf-30c0-42e1-b986-60364e3fd922, resourceVersion: "2611437"}}
status: {phase: Released}
---
apiVersion: v1
kind: Pod
metadata: {name: redis-0, namespace: shiqi, ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: redis, uid: sts-2, controller: true}]}
spec: {containers: [{name: redis, image: redis:7}], volumes: [{name: data, persistentVolumeClaim: {claimName: data-redis-0}}]}
status: {phase: Pending}
`;

const HEALTHY = [
  `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka, namespace: stream, uid: sts-3}
spec:
  replicas: 3
  serviceName: kafka
  selector: {matchLabels: {app: kafka}}
  template:
    metadata: {labels: {app: kafka}}
    spec: {containers: [{name: kafka, image: kafka:3, volumeMounts: [{name: data, mountPath: /data}, {name: logs, mountPath: /logs}]}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {storageClassName: fast, accessModes: [ReadWriteOnce], resources: {requests: {storage: 100Gi}}}
  - metadata: {name: logs}
    spec: {storageClassName: fast, accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: example.com/csi
reclaimPolicy: Retain
---
apiVersion: v1
kind: Service
metadata: {name: kafka, namespace: stream}
spec: {clusterIP: None}`,
  ...[0, 1, 2].flatMap((i) =>
    ['data', 'logs'].map(
      (t) => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${t}-kafka-${i}, namespace: stream, uid: ${t}-${i}}
spec: {storageClassName: fast, volumeName: pv-${t}-${i}, accessModes: [ReadWriteOnce], resources: {requests: {storage: ${t === 'data' ? '100Gi' : '10Gi'}}}}
status: {phase: Bound}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-${t}-${i}}
spec: {capacity: {storage: ${t === 'data' ? '100Gi' : '10Gi'}}, accessModes: [ReadWriteOnce], storageClassName: fast, persistentVolumeReclaimPolicy: Retain, csi: {driver: example.com/csi, volumeHandle: ${t}${i}}, claimRef: {namespace: stream, name: ${t}-kafka-${i}, uid: ${t}-${i}}}
status: {phase: Bound}`,
    ),
  ),
  ...[0, 1, 2].map(
    (i) => `
apiVersion: v1
kind: Pod
metadata: {name: kafka-${i}, namespace: stream, ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: kafka, uid: sts-3, controller: true}]}
spec: {nodeName: node-${i}, containers: [{name: kafka, image: kafka:3}]}
status: {phase: Running}`,
  ),
].join('\n---\n');

describe('show tree', () => {
  it('seed 000: the missing template, the FailedCreate, and the repair', () => {
    expect(render(SEED_000)).toMatchSnapshot();
  });

  it('seed 002: the stale claimRef is marked and the repair named', () => {
    const out = render(SEED_002);
    expect(out).toContain('claimRef shiqi/data-redis-0 STALE uid 42347aaf-30c0-42e1-b986-60364e3fd922');
    expect(out).toMatchSnapshot();
  });

  it('a healthy 3-replica StatefulSet with two templates', () => {
    const out = render(HEALTHY);
    expect(out).not.toMatch(/\[(STS|PVC|PV|VS)-/);
    expect(out).toMatchSnapshot();
  });

  it('marks what would delete each claim and PV (STS-013, STS-015, PVC-009)', () => {
    const exposed = HEALTHY.replace('replicas: 3', 'replicas: 3\n  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}')
      .replace(
        'persistentVolumeReclaimPolicy: Retain, csi: {driver: example.com/csi, volumeHandle: data1}',
        'persistentVolumeReclaimPolicy: Delete, csi: {driver: example.com/csi, volumeHandle: data1}',
      )
      .replace(
        'metadata: {name: data-kafka-0, namespace: stream, uid: data-0}',
        'metadata: {name: data-kafka-0, namespace: stream, uid: data-0, ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: op, uid: op-1}]}',
      );
    const chain = chainOf(exposed);
    const data = chain.templates[0]!.ordinals;
    expect(data.map((o) => o.claim.deletedBy)).toEqual([
      ['a scale-down to 0 replicas (whenScaled: Delete)', 'deleting ConfigMap op (ownerReference)'],
      ['a scale-down to 1 replica or fewer (whenScaled: Delete)'],
      ['a scale-down to 2 replicas or fewer (whenScaled: Delete)'],
    ]);
    expect(data.map((o) => o.volume?.deletedWithClaim)).toEqual([false, true, false]);
    const out = render(exposed, 200);
    expect(out).toContain('├─ deleted by: a scale-down to 1 replica or fewer (whenScaled: Delete)');
    expect(out).toContain('PV pv-data-1 (100Gi): Bound, reclaim Delete: deleted with its claim');
    expect(out).toMatch(/\[STS-013\].*\[STS-015\]/);
    expect(out).toContain('[PVC-009]');
    // At 80 columns every PV line still says its reclaim policy, and the data-loss marker (issue #25).
    const narrow = render(exposed, 80);
    const pvLines = narrow.split('\n').filter((l) => /─ PV pv-/.test(l));
    expect(pvLines).toHaveLength(6);
    for (const line of pvLines) expect(line).toMatch(/reclaim (Retain|Delete: deleted with its claim)$/);
    expect(narrow).toContain('claim data-kafka-0: Bound (request 100Gi)');
  });

  it('fits 80 columns by truncating details, keeping every node and complete commands', () => {
    for (const yaml of [SEED_000, SEED_002, HEALTHY]) {
      const wide = render(yaml, 200);
      const narrow = render(yaml, 80);
      expect(narrow.split('\n').length).toBe(wide.split('\n').length + (narrow.match(/ \\\n/g)?.length ?? 0));
      for (const line of narrow.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
      const commands = (s: string) => s.replace(/ \\\n[│| ]*/g, ' ').match(/fix: .*/g) ?? [];
      expect(commands(narrow).map((c) => c.replace(/\s+/g, ' '))).toEqual(commands(wide));
    }
  });

  it('draws ASCII on request, cut details included', () => {
    const out = render(SEED_002, 100, true);
    expect(out).toMatch(/^`- template/m);
    expect(out).not.toMatch(/[├└│─…]/);
    const narrow = render(SEED_002, 60, true);
    expect(narrow).toContain('...');
    expect(narrow).not.toMatch(/[^\x20-\x7e\n]/);
  });

  it('shows leftover ordinals above the range', () => {
    const scaled = HEALTHY.replace('replicas: 3', 'replicas: 2');
    const chain = chainOf(scaled);
    expect(chain.templates[0]!.ordinals.map((o) => `${o.ordinal}${o.inRange ? '' : ' leftover'}`)).toEqual(['0', '1', '2 leftover']);
  });
});

describe('a PV whose claim was deleted', () => {
  it('is shown on its ordinal with PV-001, even when the ordinal is out of range', () => {
    const yaml = `${HEALTHY.replace('replicas: 3', 'replicas: 1')
      .split('\n---\n')
      .filter((d) => !/kind: PersistentVolumeClaim\nmetadata: \{name: (data|logs)-kafka-[12],/.test(d))
      .join('\n---\n')
      .replace(/(name: pv-data-2\}[^]*?)status: \{phase: Bound\}/, '$1status: {phase: Released}')}`;
    const chain = chainOf(yaml);
    const ordinal2 = chain.templates[0]!.ordinals.find((o) => o.ordinal === 2)!;
    expect(ordinal2.inRange).toBe(false);
    expect(ordinal2.claim.phase).toBe('missing');
    expect(ordinal2.volume?.name).toBe('pv-data-2');
    expect(ordinal2.volume?.findings.map((f) => f.code)).toContain('PV-001');
  });
});

describe('the header on a narrow terminal', () => {
  it('keeps "replicas N, ordinals a..b" whole and folds the codes (they are listed below) into +N', () => {
    for (const width of [60, 80]) {
      const first = render(SEED_000, width).split('\n')[0]!;
      expect(first, `${width} columns`).toContain('replicas 1, ordinals 0..0');
      expect([...first].length).toBeLessThanOrEqual(width);
    }
  });
});

describe('consequences in show', () => {
  it('say which root cause they follow from (STS-005 from STS-001 in seed 000)', () => {
    const withEvent = `${SEED_000}
---
apiVersion: v1
kind: Event
metadata: {name: mysql.1, namespace: shop}
involvedObject: {kind: StatefulSet, namespace: shop, name: mysql, uid: sts-1}
reason: FailedCreate
type: Warning
message: 'create Pod mysql-0 in StatefulSet mysql failed error: Pod "mysql-0" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "mysql-data"'`;
    const out = render(withEvent, 140);
    expect(out).toMatch(/STS-005 error \(follows from STS-001\):/);
    expect(out).toMatch(/STS-001 error:/);
  });
});
