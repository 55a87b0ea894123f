import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cluster, audit, codesFor, skipReason, waitFor } from './helpers.js';
import { namespaceReaderKubeconfig } from './rbac.js';
import { claim, pod, statefulSet, storageClass, volume } from './fixtures.js';
import { fakeNode, releasedClaimGone, seed000, seed002, waitForClaims } from './scenarios.js';
import type { Claim, StatefulSet } from '../../src/kube/types.js';

describe.skipIf(!!skipReason)('audit on the real control plane', () => {
  let cluster: Cluster;
  beforeEach(() => {
    cluster = new Cluster();
  });
  afterEach(async () => {
    await cluster.cleanup();
  });

  it('scenario 1 (seed 000): a mount that names nothing gives STS-001, STS-002, STS-005', async () => {
    const ns = await cluster.namespace('seed000');
    await seed000(cluster, ns);
    const { result, report } = await audit(['-n', ns]);
    expect(result.code).toBe(1);
    expect(codesFor(report, 'StatefulSet', 'mysql')).toEqual(expect.arrayContaining(['STS-001', 'STS-002', 'STS-005']));
    const sts001 = report.findings.find((f) => f.code === 'STS-001')!;
    expect(sts001.evidence).toContain('closest template: pvc-mysql-data-xxx');
    expect(sts001.message).toContain('"mysql-data"');
    expect(sts001.fix?.command).toBe(`kubectl sts-storage fix-mounts mysql -n ${ns} --rename mysql-data=pvc-mysql-data-xxx`);
    const sts005 = report.findings.find((f) => f.code === 'STS-005')!;
    expect(sts005.message).toContain('spec.containers[0].volumeMounts[0].name: Not found: "mysql-data"');
    expect(report.scope.serverVersion).toMatch(/^v1\.\d+\.\d+/);
  });

  it('scenario 2 (seed 002 §6.4): Released PV with the old uid, re-created claim Pending: PV-002 and PVC-003', async () => {
    const ns = await cluster.namespace('shiqi');
    const { pv, oldUid, newUid } = await seed002(cluster, ns);
    const { report } = await audit(['-n', ns]);
    expect(codesFor(report, 'PersistentVolume', pv)).toEqual(['PV-002']);
    expect(codesFor(report, 'PersistentVolumeClaim', 'pvc-shiqi-redis')).toEqual(['PVC-003']);
    const pvc003 = report.findings.find((f) => f.code === 'PVC-003')!;
    expect(pvc003.evidence.join('\n')).toContain(`uid=${oldUid}`);
    expect(pvc003.evidence.join('\n')).toContain(newUid);
    expect(pvc003.fix?.command).toBe(`kubectl sts-storage fix-claimref ${pv}`);
  });

  it('scenario 3: a Released PV whose claim is gone gives PV-001', async () => {
    const ns = await cluster.namespace('released');
    const pv = await releasedClaimGone(cluster, ns);
    const { report } = await audit(['-n', ns]);
    expect(codesFor(report, 'PersistentVolume', pv)).toEqual(['PV-001']);
    expect(report.findings.find((f) => f.code === 'PV-001')!.fix?.command).toBe(`kubectl sts-storage fix-claimref ${pv}`);
    // The PV controller stamps status.lastPhaseTransitionTime on every phase change (GA in 1.31).
    expect(report.findings.find((f) => f.code === 'PV-001')!.evidence).toContainEqual(
      expect.stringMatching(/^Released for \S+ \(since \d{4}-\d\d-\d\dT[\d:]+Z\)$/),
    );
  });

  it('scenario 4: storageClassName "" with no fitting PV gives PVC-001 with the binder message and the near misses', async () => {
    const ns = await cluster.namespace('nomatch');
    // Reserved for logs itself (a claimRef without uid adds no near-miss reason), so no other test's claim can take them.
    await cluster.create(volume(`pv-small-${ns}`, { size: '500Mi', claimRef: { namespace: ns, name: 'logs' } }));
    await cluster.create(volume(`pv-rox-${ns}`, { size: '10Gi', accessModes: ['ReadOnlyMany'], claimRef: { namespace: ns, name: 'logs' } }));
    await cluster.create(claim('logs', { size: '5Gi' }), ns);
    await waitFor('FailedBinding on logs', async () => {
      const events = await cluster.client.list<{ reason?: string; involvedObject: { name?: string } }>(`/api/v1/namespaces/${ns}/events`);
      return events.some((e) => e.reason === 'FailedBinding' && e.involvedObject.name === 'logs');
    });
    const { report } = await audit(['-n', ns]);
    const f = report.findings.find((x) => x.code === 'PVC-001' && x.object.name === 'logs');
    expect(f).toBeDefined();
    const evidence = f!.evidence.join('\n');
    expect(evidence).toContain('no persistent volumes available for this claim and no storage class is set');
    expect(evidence).toContain(`near miss PV pv-small-${ns}: capacity 500Mi is smaller than the request 5Gi`);
    expect(evidence).toContain(`near miss PV pv-rox-${ns}: access modes [ReadOnlyMany] lack ReadWriteOnce`);
  });

  it('scenario 5: a missing StorageClass gives PVC-002, and in a template STS-006 plus STS-008 per ordinal', async () => {
    const ns = await cluster.namespace('nosc');
    await cluster.create(claim('orphan', { storageClassName: `missing-${ns}` }), ns);
    await cluster.create(statefulSet('db', { storageClassName: `missing-${ns}`, replicas: 2, parallel: true }), ns);
    await waitForClaims(cluster, ns, ['orphan', 'data-db-0', 'data-db-1']);
    const { report } = await audit(['-n', ns]);
    expect(codesFor(report, 'PersistentVolumeClaim', 'orphan')).toEqual(['PVC-002']);
    expect(codesFor(report, 'StatefulSet', 'db')).toEqual(expect.arrayContaining(['STS-006', 'STS-008']));
    const stuck = report.findings
      .filter((f) => f.code === 'STS-008')
      .map((f) => f.related[0]!.name)
      .sort();
    expect(stuck).toEqual(['data-db-0', 'data-db-1']);
    expect(report.findings.find((f) => f.code === 'STS-008')!.evidence.join('\n')).toContain('cause: PVC-002');
  });

  it('scenario 6: a default StorageClass whose provisioner never answers gives PVC-005 past the threshold', async () => {
    const ns = await cluster.namespace('slowprov');
    const sc = `never-${ns}`;
    await cluster.create(storageClass(sc, { provisioner: 'example.com/never-answers', isDefault: true }));
    try {
      await cluster.create(claim('waiting', { storageClassName: null }), ns);
      await waitFor('ExternalProvisioning event', async () => {
        const events = await cluster.client.list<{ reason?: string }>(`/api/v1/namespaces/${ns}/events`);
        return events.some((e) => e.reason === 'ExternalProvisioning');
      });
      await new Promise((r) => setTimeout(r, 1500));
      const { report } = await audit(['-n', ns, '--pending-threshold', '1s']);
      const f = report.findings.find((x) => x.code === 'PVC-005');
      expect(f?.object.name).toBe('waiting');
      expect(f!.message).toContain('example.com/never-answers');
      expect(f!.evidence.join('\n')).toContain("external provisioner 'example.com/never-answers'");
      const below = await audit(['-n', ns, '--pending-threshold', '1h']);
      expect(below.report.findings.filter((x) => x.code === 'PVC-005')).toEqual([]);
    } finally {
      await cluster.remove('StorageClass', sc);
    }
  });

  it('scenario 7: a StatefulSet scaled from 3 to 1 gives STS-010 for ordinals 1 and 2', async () => {
    const ns = await cluster.namespace('scaled');
    // Bound claims: only those get the Unused condition.
    for (const n of [0, 1, 2]) await cluster.create(volume(`pv-web-${n}-${ns}`, { claimRef: { namespace: ns, name: `data-web-${n}` } }));
    await cluster.create(statefulSet('web', { replicas: 3, parallel: true, storageClassName: '' }), ns);
    await waitForClaims(cluster, ns, ['data-web-0', 'data-web-1', 'data-web-2']);
    await cluster.patch('StatefulSet', 'web', ns, { spec: { replicas: 1 } });
    await waitFor('scale-down observed', async () => (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))?.status?.observedGeneration === 2);
    const { report } = await audit(['-n', ns]);
    const leftover = report.findings.filter((f) => f.code === 'STS-010');
    expect(leftover.map((f) => f.related[0]!.name).sort()).toEqual(['data-web-1', 'data-web-2']);
    expect(leftover.every((f) => f.severity === 'info')).toBe(true);
    if ((await cluster.serverMinor()) >= 37) {
      // 1.37's PVC protection controller marks claims no pod uses (PersistentVolumeClaimUnusedSinceTime, beta, on by default).
      await waitFor('the Unused condition on data-web-1', async () => {
        const c = await cluster.get<Claim>('PersistentVolumeClaim', 'data-web-1', ns);
        return !!c?.status?.conditions?.some((x) => x.type === 'Unused' && x.status === 'True');
      });
      const again = await audit(['-n', ns]);
      const one = again.report.findings.find((f) => f.code === 'STS-010' && f.related[0]!.name === 'data-web-1')!;
      expect(one.evidence).toContainEqual(expect.stringMatching(/^unused for \S+ \(since \S+; NoPodsUsingPVC\)$/));
    }
  });

  it('scenario 8: a namespace-scoped ServiceAccount audits its namespace, skipping the checks it cannot run', async () => {
    const ns = await cluster.namespace('nsadmin');
    await seed000(cluster, ns);
    const limited = await namespaceReaderKubeconfig(cluster, ns);
    const { result, report } = await audit(['-n', ns], { kubeconfig: limited });
    expect(result.code).toBe(1); // exits by its findings, not 3
    expect(codesFor(report, 'StatefulSet', 'mysql')).toEqual(expect.arrayContaining(['STS-001', 'STS-002', 'STS-005']));
    const skipped = report.skipped.map((s) => s.check);
    expect(skipped).toEqual(expect.arrayContaining(['PV-001', 'PV-002', 'PVC-001', 'STS-006']));
    expect(report.skipped.find((s) => s.check === 'PV-001')!.reason).toMatch(/persistentvolumes: forbidden/);
    expect(result.stderr).toMatch(/warning: \d+ check\(s\) could not run: needs \w+: /);
  });

  it('scenario 9: WaitForFirstConsumer claims: PVC-006 info without a consumer, warning quoting the scheduler when it cannot be placed; PV-006 for a vanished node', async () => {
    const ns = await cluster.namespace('wffc');
    const sc = `wffc-${ns}`;
    const node = `node-${ns}`;
    await cluster.create(storageClass(sc, { waitForFirstConsumer: true }));
    await fakeNode(cluster, node);
    await cluster.create(volume(`local-${ns}`, { storageClassName: sc, nodeAffinityHost: `gone-${ns}` }));
    await cluster.create(claim('idle', { storageClassName: sc }), ns);
    await cluster.create(claim('blocked', { storageClassName: sc }), ns);
    await cluster.create(pod('consumer', 'blocked', { nodeSelector: { disk: 'nvme' } }), ns);
    await waitFor('FailedScheduling on consumer', async () => {
      const events = await cluster.client.list<{ reason?: string; involvedObject: { name?: string } }>(`/api/v1/namespaces/${ns}/events`);
      return events.some((e) => e.reason === 'FailedScheduling' && e.involvedObject.name === 'consumer');
    });
    const { report } = await audit(['-A']);
    const idle = report.findings.find((f) => f.code === 'PVC-006' && f.object.name === 'idle' && f.object.namespace === ns);
    expect(idle?.severity).toBe('info');
    const blocked = report.findings.find((f) => f.code === 'PVC-006' && f.object.name === 'blocked' && f.object.namespace === ns);
    expect(blocked?.severity).toBe('warning');
    expect(blocked!.message).toMatch(/nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector/);
    const pv006 = report.findings.find((f) => f.code === 'PV-006' && f.object.name === `local-${ns}`);
    expect(pv006?.message).toContain(`gone-${ns}`);
    await cluster.remove('Node', node);
    await cluster.remove('StorageClass', sc);
  });

  it('scheduling stage: a WaitForFirstConsumer claim binds once the scheduler places its consumer, and PVC-006 goes away', async () => {
    const ns = await cluster.namespace('wffcbind');
    const sc = `wffc-${ns}`;
    const node = `node-${ns}`;
    await cluster.create(storageClass(sc, { waitForFirstConsumer: true }));
    await fakeNode(cluster, node);
    await cluster.create(volume(`local-${ns}`, { storageClassName: sc, nodeAffinityHost: node }));
    await cluster.create(claim('data', { storageClassName: sc }), ns);
    const before = await audit(['-n', ns]);
    expect(codesFor(before.report, 'PersistentVolumeClaim', 'data')).toEqual(['PVC-006']);
    await cluster.create(pod('consumer', 'data'), ns);
    await waitFor(
      'the scheduler to bind the claim',
      async () => (await cluster.get<{ status?: { phase?: string } }>('PersistentVolumeClaim', 'data', ns))?.status?.phase === 'Bound',
    );
    // The scheduler binds the volumes (PreBind) before the pod itself.
    await waitFor(
      'the pod to be bound to the node',
      async () => (await cluster.get<{ spec?: { nodeName?: string } }>('Pod', 'consumer', ns))?.spec?.nodeName === node,
    );
    const after = await audit(['-n', ns]);
    expect(codesFor(after.report, 'PersistentVolumeClaim', 'data')).toEqual([]);
    await cluster.remove('Pod', 'consumer', ns, { gracePeriodSeconds: '0' });
    await cluster.remove('Node', node);
    await cluster.remove('StorageClass', sc);
  });

  it('objects in odd states: a claim and a PV deleted while in use are held by their protection finalizers, and the audit explains them', async () => {
    const ns = await cluster.namespace('odd');
    const pv = `pv-odd-${ns}`;
    await cluster.create(volume(pv, { claimRef: { namespace: ns, name: 'held' } }));
    await cluster.create(claim('held'), ns);
    await waitFor(
      'held Bound',
      async () => (await cluster.get<{ status?: { phase?: string } }>('PersistentVolumeClaim', 'held', ns))?.status?.phase === 'Bound',
    );
    // pvc-protection counts only scheduled pods as users.
    await cluster.create(pod('user', 'held', { nodeName: `node-${ns}` }), ns);
    await cluster.remove('PersistentVolumeClaim', 'held', ns);
    await cluster.remove('PersistentVolume', pv);
    await waitFor('deletionTimestamps', async () => {
      const c = await cluster.get<{ metadata?: { deletionTimestamp?: string } }>('PersistentVolumeClaim', 'held', ns);
      const v = await cluster.get<{ metadata?: { deletionTimestamp?: string } }>('PersistentVolume', pv);
      return !!c?.metadata?.deletionTimestamp && !!v?.metadata?.deletionTimestamp;
    });
    const { result, report } = await audit(['-n', ns]);
    expect(result.stderr).not.toMatch(/TypeError|at .*\.js/);
    expect(codesFor(report, 'PersistentVolumeClaim', 'held')).toEqual(['PVC-008']);
    expect(report.findings.find((f) => f.code === 'PVC-008')!.message).toContain('pod user still uses it (kubernetes.io/pvc-protection)');
    expect(codesFor(report, 'PersistentVolume', pv)).toEqual(['PV-007']);
    // let the objects go
    await cluster.remove('Pod', 'user', ns, { gracePeriodSeconds: '0' });
  });
});
