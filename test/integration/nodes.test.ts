// Between volumes and nodes (STS-018, PVC-012, PVC-013, PVC-014, PV-009) and
// recover-node, with the real node-lifecycle, attach-detach, pod-GC,
// StatefulSet and PV-binder controllers and the real scheduler. No kubelet runs:
// the tests play its parts — renewing each node's Lease (stopping it is "the
// node dies"), registering the CSI driver in the node's CSINode — and the
// external-attacher's (VolumeAttachment status.attached). Nothing mounts; the
// objects are the proof.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { audit, runCli, skipReason, useSandbox, waitFor } from './helpers.js';
import { fakeNode } from './scenarios.js';
import { POOL, attachedOnlyTo, attachedOrdinal, attachments, csiVolume, dies, pod, pooledSet, registerDriver, rv } from './node-scenarios.js';
import type { KubeObject, Node, StatefulSet, VolumeAttachment } from '../../src/kube/types.js';

describe.skipIf(!!skipReason)('nodes and volumes on the real control plane', () => {
  const sandbox = useSandbox();

  it('a node dies holding a ReadWriteOnce volume: STS-018, recover-node refuses until told the node is off, then the ordinal starts on the other node with its volume attached there', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('deadnode');
    const { pv, dead, alive } = await attachedOrdinal(cluster, ns);
    const oldPod = (await pod(cluster, ns, 'web-0'))!;
    await dies(cluster, dead);
    // A drain or an eviction marks the pod for deletion; no kubelet confirms it, so it stays Terminating.
    await cluster.remove('Pod', 'web-0', ns);
    await waitFor('web-0 Terminating', async () => !!(await pod(cluster, ns, 'web-0'))?.metadata?.deletionTimestamp);

    const { report } = await audit(['web', '-n', ns]);
    const finding = report.findings.find((f) => f.code === 'STS-018')!;
    expect(finding.message).toMatch(
      new RegExp(
        `^pod web-0 is Terminating \\(for \\d+s\\) on node ${dead}, which is NotReady \\(Ready=Unknown since \\S+: NodeStatusUnknown, Kubelet stopped posting node status\\.\\): the StatefulSet controller creates web-0 again only once it is gone, and its ReadWriteOnce claim data-web-0 stays attached there$`,
      ),
    );
    expect(finding.fix?.command).toBe(`kubectl sts-storage recover-node ${dead}`);

    const deadBefore = await rv(cluster, dead);
    const aliveBefore = await rv(cluster, alive);
    const unstated = await runCli(['recover-node', dead, '--yes'], { env: sandbox.env() });
    expect(unstated.code, unstated.stdout + unstated.stderr).toBe(2);
    expect(unstated.stdout).toContain(`pod ${ns}/web-0 (Terminating: the pod garbage collector force-deletes it); claims data-web-0`);
    expect(unstated.stdout).toMatch(new RegExp(`VolumeAttachment csi-[0-9a-f]+ \\(PV ${pv}\\): the attach-detach controller detaches it`));
    expect(unstated.stderr).toContain(`pass --confirm-powered-off=${dead} (--yes alone is not enough)`);
    const wrongName = await runCli(['recover-node', dead, `--confirm-powered-off=${alive}`, '--yes'], { env: sandbox.env() });
    expect(wrongName.code).toBe(2);
    const live = await runCli(['recover-node', alive, `--confirm-powered-off=${alive}`, '--yes'], { env: sandbox.env() });
    expect(live.code, live.stdout + live.stderr).toBe(1);
    expect(live.stdout).toContain('it is Ready: its kubelet is reporting');
    expect(live.stdout).toMatch(/its Lease was renewed \d+s ago/);
    expect([await rv(cluster, dead), await rv(cluster, alive)]).toEqual([deadBefore, aliveBefore]);
    expect(fs.readdirSync(sandbox.backupDir)).toEqual([]);

    const recover = await runCli(['recover-node', dead, `--confirm-powered-off=${dead}`, '--yes'], { env: sandbox.env() });
    expect(recover.code, recover.stdout + recover.stderr).toBe(0);
    expect((await cluster.get<Node>('Node', dead))!.spec?.taints).toContainEqual(
      expect.objectContaining({ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }),
    );
    // The pod GC force-deletes the pod, the StatefulSet controller creates web-0 again, the scheduler places it on the live node.
    await waitFor(
      'web-0 again, on the live node',
      async () => {
        const p = await pod(cluster, ns, 'web-0');
        return !!p && p.metadata?.uid !== oldPod.metadata?.uid && p.spec?.nodeName === alive;
      },
      90_000,
    );
    // The attach-detach controller detaches from the dead node without waiting for an unmount, and attaches to the live one.
    await attachedOnlyTo(cluster, pv, alive);

    const name = fs.readdirSync(sandbox.backupDir)[0]!;
    const undo = await runCli(['undo', name, '--yes'], { env: sandbox.env() });
    expect(undo.code, undo.stdout + undo.stderr).toBe(0);
    expect((await cluster.get<Node>('Node', dead))!.spec?.taints ?? []).not.toContainEqual(
      expect.objectContaining({ key: 'node.kubernetes.io/out-of-service' }),
    );
  });

  it('Multi-Attach: the replacement pod waits on another node while the volume stays attached to the dead one (PVC-012), until recover-node', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('multiattach');
    const { pv, dead, alive } = await attachedOrdinal(cluster, ns);
    await dies(cluster, dead);
    // kubectl delete pod --force: the API forgets the pod at once, the volume stays attached to the dead node.
    await cluster.remove('Pod', 'web-0', ns, { gracePeriodSeconds: '0' });
    await waitFor('web-0 again, on the live node', async () => (await pod(cluster, ns, 'web-0'))?.spec?.nodeName === alive, 60_000);
    await waitFor('the attach-detach controller to report Multi-Attach', async () => {
      const events = await cluster.client.list<{ reason?: string; message?: string; involvedObject: { name?: string } }>(`/api/v1/namespaces/${ns}/events`);
      // 1.33 says "Multi-Attach error", 1.37 "Waiting for detach" (reconciler.go reportMultiAttachError).
      return events.some(
        (e) => e.reason === 'FailedAttachVolume' && e.involvedObject.name === 'web-0' && /Multi-Attach error|Waiting for detach/.test(e.message ?? ''),
      );
    });
    const { report } = await audit(['web', '-n', ns]);
    const finding = report.findings.find((f) => f.code === 'PVC-012')!;
    expect(finding.message).toMatch(
      new RegExp(
        `^claim data-web-0 \\(ReadWriteOnce, PV ${pv}\\) is still attached to node ${dead}, which is NotReady \\(Ready=Unknown .*\\), while pod web-0 waits for it on node ${alive}$`,
      ),
    );
    expect(finding.evidence.join('\n')).toMatch(/event FailedAttachVolume.*(Multi-Attach error|Waiting for detach) for volume/);

    const recover = await runCli(['recover-node', dead, `--confirm-powered-off=${dead}`, '--yes'], { env: sandbox.env() });
    expect(recover.code, recover.stdout + recover.stderr).toBe(0);
    await attachedOnlyTo(cluster, pv, alive);
  });

  it('a PV pinned to a zone whose only node is cordoned: PVC-013 names the key, what the usable nodes have, and quotes the scheduler', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('zone');
    const zone = 'topology.kubernetes.io/zone';
    await fakeNode(cluster, `node-a-${ns}`, { labels: { [POOL]: ns, [zone]: `a-${ns}` } });
    await fakeNode(cluster, `node-b-${ns}`, { labels: { [POOL]: ns, [zone]: `b-${ns}` } });
    await cluster.patch('Node', `node-a-${ns}`, undefined, { spec: { unschedulable: true } });
    await cluster.create(csiVolume(`pv-zone-${ns}`, 'csi.example.com', { namespace: ns, name: 'data-web-0' }, { [zone]: [`a-${ns}`] }));
    await pooledSet(cluster, ns, 'web');
    // The first attempts may come before the claim is bound ("pod has unbound immediate PersistentVolumeClaims").
    await waitFor("the scheduler's volume node affinity verdict for web-0", async () => {
      const events = await cluster.client.list<{ reason?: string; message?: string; involvedObject: { name?: string } }>(`/api/v1/namespaces/${ns}/events`);
      return events.some(
        (e) => e.reason === 'FailedScheduling' && e.involvedObject.name === 'web-0' && /didn't match PersistentVolume's node affinity/.test(e.message ?? ''),
      );
    });
    const { report } = await audit(['web', '-n', ns]);
    const finding = report.findings.find((f) => f.code === 'PVC-013')!;
    expect(finding.message).toContain(
      `pod web-0 stays Pending: PV pv-zone-${ns} of claim data-web-0 requires ${zone} in [a-${ns}], and no Ready, schedulable node has it (usable nodes have ${zone}: `,
    );
    expect(finding.message).toContain(`b-${ns} (1)`);
    expect(finding.evidence).toContain(`nodes that match but are NotReady, cordoned or tainted: node-a-${ns}`);
    expect(finding.evidence.join('\n')).toMatch(/event FailedScheduling.*node\(s\) didn't match PersistentVolume's node affinity/);
  });

  it('a node at its CSINode volume limit: PVC-014 with the scheduler\'s "exceed max volume count"; a PV whose driver no node has: PV-009', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('limit');
    const driver = `csi-${ns}.example.com`;
    const node = `node-${ns}`;
    await cluster.create({ apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: driver }, spec: { attachRequired: true } } as KubeObject);
    await fakeNode(cluster, node, { labels: { [POOL]: ns }, attachDetach: true });
    await registerDriver(cluster, node, driver, 1);
    await cluster.create(csiVolume(`pv-first-${ns}`, driver, { namespace: ns, name: 'data-first-0' }));
    await pooledSet(cluster, ns, 'first');
    await waitFor('the first volume attached', async () => (await attachments(cluster, `pv-first-${ns}`)).length === 1);
    await cluster.create(csiVolume(`pv-second-${ns}`, driver, { namespace: ns, name: 'data-second-0' }));
    await pooledSet(cluster, ns, 'second');
    await waitFor('FailedScheduling for second-0', async () => {
      const events = await cluster.client.list<{ reason?: string; message?: string; involvedObject: { name?: string } }>(`/api/v1/namespaces/${ns}/events`);
      return events.some((e) => e.reason === 'FailedScheduling' && e.involvedObject.name === 'second-0' && /max volume count/.test(e.message ?? ''));
    });
    // A third set whose PV names a driver that was removed.
    await cluster.create(csiVolume(`pv-gone-${ns}`, `gone-${ns}.example.com`, { namespace: ns, name: 'data-third-0' }));
    await pooledSet(cluster, ns, 'third');
    await waitFor(
      'data-third-0 Bound',
      async () => (await cluster.get<{ status?: { phase?: string } }>('PersistentVolumeClaim', 'data-third-0', ns))?.status?.phase === 'Bound',
    );
    await waitFor('third-0 created', async () => !!(await pod(cluster, ns, 'third-0')));

    const { report } = await audit(['-n', ns]);
    expect(report.findings.find((f) => f.code === 'PVC-014')?.message).toBe(
      `pod second-0 stays Pending: the nodes its claim data-second-0 can attach to have reached the volume limit of driver ${driver}: ${node} (1 of 1) (CSINode allocatable.count)`,
    );
    const missing = report.findings.find((f) => f.code === 'PV-009' && f.object.name === `pv-gone-${ns}`)!;
    expect(missing.severity).toBe('error');
    expect(missing.message).toBe(
      `PV pv-gone-${ns} needs CSI driver gone-${ns}.example.com, which has no CSIDriver object and which no node's CSINode lists: no node can attach or mount it`,
    );
  });

  it('a VolumeAttachment left on a deleted node (PV-008), and an rbd PV after the upgrade (PV-010)', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('staleva');
    const { driver, pv, dead } = await attachedOrdinal(cluster, ns);
    const [va] = await attachments(cluster, pv);
    // Playing the external-attacher: it holds each attachment with its finalizer until the driver detaches.
    const finalizer = `external-attacher/${driver.replace(/\./g, '-')}`;
    await cluster.patch('VolumeAttachment', va!.metadata!.name!, undefined, { metadata: { finalizers: [finalizer] } });
    try {
      await dies(cluster, dead);
      await cluster.remove('Pod', 'web-0', ns, { gracePeriodSeconds: '0' });
      await cluster.remove('Node', dead);
      await waitFor('the node gone', async () => !(await cluster.get('Node', dead)));
      await cluster.create({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `pv-rbd-${ns}` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: '',
          rbd: { monitors: ['192.0.2.1:6789'], image: 'mysql-0' },
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: 'data-old-0' },
        },
      } as KubeObject);
      const { report } = await audit(['-n', ns]);
      expect(report.findings.find((f) => f.code === 'PV-008')?.message).toMatch(
        new RegExp(
          `^VolumeAttachment ${va!.metadata!.name} still attaches PV ${pv} to node ${dead}, which no longer exists \\((attached|not reported attached)\\): a ReadWriteOnce volume cannot attach elsewhere until it is detached$`,
        ),
      );
      expect(report.findings.find((f) => f.code === 'PV-010')?.message).toMatch(
        new RegExp(
          `^PV pv-rbd-${ns} uses the in-tree rbd volume plugin, which Kubernetes v1\\.\\d+\\.\\d+ no longer has: no node can mount it; move the data to ceph-csi \\(rbd\\.csi\\.ceph\\.com\\)$`,
        ),
      );
    } finally {
      await cluster.patch('VolumeAttachment', va!.metadata!.name!, undefined, { metadata: { finalizers: null } }).catch(() => undefined);
    }
  });
});
