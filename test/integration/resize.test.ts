// resize, the expansion checks (STS-017, PVC-010, PVC-011) and recover-expansion,
// with the real PersistentVolumeClaimResize and ResourceQuota admission, the
// volume-expand and resourcequota controllers, the StatefulSet controller and
// the garbage collector. No CSI driver runs, so no external-resizer: where a
// test needs one it plays its part by writing exactly the claim status fields
// the resizer writes (allocatedResources, allocatedResourceStatuses, conditions),
// and says so.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { audit, runCli, skipReason, useSandbox, waitFor, type Cluster } from './helpers.js';
import { statefulSet } from './fixtures.js';
import { reservedVolumes } from './owned-sets.js';
import { ApiError } from '../../src/kube/errors.js';
import type { Claim, Pod, StatefulSet } from '../../src/kube/types.js';

/** web: 3 Parallel replicas of 1Gi claims, bound to CSI PVs of class `className` reserved for them. */
async function csiSet(cluster: Cluster, ns: string, className: string, expandable: boolean): Promise<void> {
  await reservedVolumes(cluster, ns, className, ['data-web-0', 'data-web-1', 'data-web-2'], { expandable });
  const sts = statefulSet('web', { replicas: 3, parallel: true, storageClassName: className }) as unknown as StatefulSet;
  sts.spec!.template.spec!.nodeSelector = { 'sts-storage.test/no-such-node': 'true' };
  await cluster.create(sts, ns);
  await waitFor('the claims of web Bound', async () => {
    for (let i = 0; i < 3; i++) if ((await claimOf(cluster, ns, i))?.status?.phase !== 'Bound') return false;
    return true;
  });
  // The controllers' own writes (binder, PVC protection's Unused condition from 1.37) settle before a test compares versions.
  let last = '';
  await waitFor('the claims to settle', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const now = (await Promise.all([0, 1, 2].map(async (i) => (await claimOf(cluster, ns, i))!.metadata!.resourceVersion))).join();
    const settled = now === last;
    last = now;
    return settled;
  });
}

const claimOf = (cluster: Cluster, ns: string, i: number) => cluster.get<Claim>('PersistentVolumeClaim', `data-web-${i}`, ns);
const requests = async (cluster: Cluster, ns: string, n = 3) =>
  Promise.all(Array.from({ length: n }, async (_, i) => (await claimOf(cluster, ns, i))!.spec!.resources!.requests!['storage']));
const stateOf = async (cluster: Cluster, ns: string) => [
  (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.metadata!.uid,
  (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.metadata!.generation,
  ...(await Promise.all([0, 1, 2].map(async (i) => (await claimOf(cluster, ns, i))!.metadata!.resourceVersion))),
];

/** Plays the external-resizer: writes the claim status fields it records (csi external-resizer, controller/expand). */
async function resizerWrites(cluster: Cluster, ns: string, i: number, status: Record<string, unknown>): Promise<void> {
  await cluster.client.request('PATCH', `/api/v1/namespaces/${ns}/persistentvolumeclaims/data-web-${i}/status`, {
    contentType: 'application/merge-patch+json',
    body: { status },
  });
}

describe.skipIf(!!skipReason)('resize on the real control plane', () => {
  const sandbox = useSandbox();

  it('grows a 3-replica set from 1Gi to 2Gi: every claim and the template, pods and claims kept, a scale-up gets 2Gi; undo restores the template only', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('resize');
    await csiSet(cluster, ns, `expandable-${ns}`, true);
    const claimUids = await Promise.all([0, 1, 2].map(async (i) => (await claimOf(cluster, ns, i))!.metadata!.uid));
    const podUids = (await cluster.client.list<Pod>(`/api/v1/namespaces/${ns}/pods`)).map((p) => p.metadata!.uid).sort();
    const oldSet = (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!;

    const resize = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    expect(resize.code, resize.stdout + resize.stderr).toBe(0);
    expect(resize.stdout).toContain('grow claim data-web-0 from 1Gi to 2Gi');
    expect(resize.stdout).toContain('re-create statefulset web with volumeClaimTemplate data at 2Gi (was 1Gi; orphaning delete + create)');
    expect(resize.stdout).toMatch(/Expansion in progress:\n {2}data-web-0: resizing \(asks 2Gi, has 1Gi/);
    expect(await requests(cluster, ns)).toEqual(['2Gi', '2Gi', '2Gi']);
    const newSet = (await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!;
    expect(newSet.metadata!.uid).not.toBe(oldSet.metadata!.uid);
    expect(newSet.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!['storage']).toBe('2Gi');
    expect(await Promise.all([0, 1, 2].map(async (i) => (await claimOf(cluster, ns, i))!.metadata!.uid))).toEqual(claimUids);
    await waitFor('the pods adopted by the new set', async () => {
      const pods = await cluster.client.list<Pod>(`/api/v1/namespaces/${ns}/pods`);
      return pods.every((p) => p.metadata?.ownerReferences?.some((o) => o.uid === newSet.metadata!.uid));
    });
    expect((await cluster.client.list<Pod>(`/api/v1/namespaces/${ns}/pods`)).map((p) => p.metadata!.uid).sort()).toEqual(podUids);
    // The real volume-expand controller hands the CSI volumes to an external resizer.
    await waitFor('ExternalExpanding from the volume-expand controller', async () => {
      const events = await cluster.client.list<{ reason?: string; message?: string; involvedObject: { name?: string } }>(`/api/v1/namespaces/${ns}/events`);
      return events.some(
        (e) =>
          e.reason === 'ExternalExpanding' && e.involvedObject.name === 'data-web-0' && e.message === 'waiting for an external controller to expand this PVC',
      );
    });

    await cluster.patch('StatefulSet', 'web', ns, { spec: { replicas: 4 } });
    await waitFor('data-web-3 created', async () => !!(await claimOf(cluster, ns, 3)));
    expect((await claimOf(cluster, ns, 3))!.spec!.resources!.requests!['storage']).toBe('2Gi');

    // No resizer runs here (the harness has no CSI driver): the wait says what it waits for, quotes the
    // claim's events, names the claims no resizer acts on, and ends with its own exit code (issue #25).
    const wait = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--wait', '--timeout', '3s', '--yes'], { env: sandbox.env() });
    expect(wait.code, wait.stdout + wait.stderr).toBe(4);
    expect(wait.stdout).toContain('data-web-0: event ExternalExpanding: waiting for an external controller to expand this PVC');
    expect(wait.stdout).toContain('did not reach 2Gi before --timeout');
    expect(wait.stdout).toContain(
      "data-web-0: no resizer acts on it (handed to an external resizer, which recorded nothing): run the CSI driver's external-resizer sidecar",
    );

    const name = fs.readdirSync(sandbox.backupDir).sort()[0]!;
    const undo = await runCli(['undo', name, '--yes'], { env: sandbox.env() });
    expect(undo.code, undo.stdout + undo.stderr).toBe(0);
    expect(undo.stdout).toContain('skipped: PersistentVolumeClaim ' + `${ns}/data-web-0: claims cannot shrink`);
    // What the undo cannot undo is said before the `y`, with what the audit will then report.
    expect(undo.stdout.indexOf('the audit will report STS-017')).toBeLessThan(undo.stdout.indexOf('change(s) applied'));
    expect((await cluster.get<StatefulSet>('StatefulSet', 'web', ns))!.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!['storage']).toBe('1Gi');
    expect(await requests(cluster, ns)).toEqual(['2Gi', '2Gi', '2Gi']);
    // The claims are now larger than the template: STS-017 says what a scale-up would do.
    const { report } = await audit(['web', '-n', ns]);
    expect(report.findings.find((f) => f.code === 'STS-017')?.message).toBe(
      'claims of template data ask for 2Gi (data-web-0, data-web-1, data-web-2, and data-web-3), but the template of statefulset web asks for 1Gi: a scale-up creates 1Gi claims',
    );
  });

  it('refuses a class that cannot expand and an exhausted quota before any write, as the API server itself does; bad input exits 2', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('rzfixed');
    await csiSet(cluster, ns, `fixed-${ns}`, false);
    const before = await stateOf(cluster, ns);
    const fixed = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(1);
    expect(fixed.stdout).toContain(
      `refused: PersistentVolumeClaim ${ns}/data-web-0: StorageClass fixed-${ns} does not allow expansion: set allowVolumeExpansion: true on it`,
    );
    expect(await stateOf(cluster, ns)).toEqual(before);
    // The admission plugin refuses the same patch made by hand.
    const direct = await cluster.patch('PersistentVolumeClaim', 'data-web-0', ns, { spec: { resources: { requests: { storage: '2Gi' } } } }).catch((e) => e);
    expect(direct).toBeInstanceOf(ApiError);
    expect((direct as ApiError).message).toContain(
      'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );

    for (const [args, text] of [
      [['--to', '500Mi'], 'claims cannot shrink: data-web-0 asks for 1Gi, so --to must be at least 1Gi'],
      [['--to', 'lots'], '--to "lots" is not a storage size'],
      [['--to', '2Gi', '--template', 'logs'], 'statefulset web has no volumeClaimTemplate "logs" (choices: data)'],
    ] as const) {
      const bad = await runCli(['resize', 'web', '-n', ns, ...args, '--yes'], { env: sandbox.env() });
      expect(bad.code, bad.stdout + bad.stderr).toBe(2);
      expect(bad.stderr).toContain(text);
    }

    const qns = await cluster.namespace('rzquota');
    await csiSet(cluster, qns, `expandable-${qns}`, true);
    await cluster.create({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'storage' }, spec: { hard: { 'requests.storage': '4Gi' } } }, qns);
    await waitFor('the resourcequota controller to count the claims', async () => {
      const q = await cluster.get<{ status?: { used?: Record<string, string> } }>('ResourceQuota', 'storage', qns);
      return q?.status?.used?.['requests.storage'] === '3Gi';
    });
    const quotaBefore = await stateOf(cluster, qns);
    const quota = await runCli(['resize', 'web', '-n', qns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    expect(quota.code, quota.stdout + quota.stderr).toBe(1);
    expect(quota.stdout).toContain(`refused: StatefulSet ${qns}/web: ResourceQuota storage: requests.storage used 3Gi + 3Gi more exceeds its hard limit 4Gi`);
    expect(await stateOf(cluster, qns)).toEqual(quotaBefore);
    expect(fs.readdirSync(sandbox.backupDir)).toEqual([]);
    // By hand, the first claim fits and the second is refused by the ResourceQuota admission plugin.
    await cluster.patch('PersistentVolumeClaim', 'data-web-0', qns, { spec: { resources: { requests: { storage: '2Gi' } } } });
    const over = await cluster.patch('PersistentVolumeClaim', 'data-web-1', qns, { spec: { resources: { requests: { storage: '2Gi' } } } }).catch((e) => e);
    expect((over as ApiError).message).toContain('exceeded quota: storage');
  });

  it('finds stuck and infeasible expansions, and the recovery is accepted by the API server', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('rzstuck');
    await csiSet(cluster, ns, `expandable-${ns}`, true);
    const resize = await runCli(['resize', 'web', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
    expect(resize.code, resize.stdout + resize.stderr).toBe(0);
    // Playing the external-resizer: data-web-0 refused by the driver, data-web-1 expanded on the controller side
    // and waiting for a kubelet; data-web-2 left alone, as when no resizer runs.
    await resizerWrites(cluster, ns, 0, {
      allocatedResources: { storage: '2Gi' },
      allocatedResourceStatuses: { storage: 'ControllerResizeInfeasible' },
      conditions: [
        {
          type: 'ControllerResizeError',
          status: 'True',
          message: 'resize volume by resizer csi.example.com failed: OutOfRange',
          lastTransitionTime: new Date().toISOString(),
        },
      ],
    });
    await resizerWrites(cluster, ns, 1, {
      allocatedResources: { storage: '2Gi' },
      allocatedResourceStatuses: { storage: 'NodeResizePending' },
      conditions: [
        {
          type: 'FileSystemResizePending',
          status: 'True',
          message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.',
          lastTransitionTime: new Date().toISOString(),
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 1500));
    const { report } = await audit(['web', '-n', ns, '--pending-threshold', '1s']);
    const about = (name: string) => report.findings.filter((f) => f.code === 'PVC-010' && f.object.name === name);
    expect(about('data-web-0').map((f) => `${f.severity} ${f.message}`)).toEqual([
      'error claim data-web-0 asks for 2Gi and has 1Gi: the resizer says the expansion is infeasible (ControllerResizeInfeasible); lower the request to more than 1Gi (status.capacity) to recover',
    ]);
    expect(about('data-web-1').map((f) => f.message)).toEqual([
      'claim data-web-1 waits for its file system to be resized (FileSystemResizePending), which only the kubelet of a node mounting it does, and no running pod uses it',
    ]);
    expect(about('data-web-2')[0]?.message).toMatch(
      /^claim data-web-2 asks for 2Gi and has 1Gi: the volume-expand controller handed it to an external resizer \(csi\.example\.com\) \d+s ago, and none has acted$/,
    );
    const again = await runCli(['resize', 'web', '-n', ns, '--to', '3Gi', '--dry-run'], { env: sandbox.env() });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(
      'it is mid-resize (asks for 2Gi, has 1Gi, ControllerResizeInfeasible, ControllerResizeError): let it finish, or recover with recover-expansion',
    );

    const tooLow = await runCli(['recover-expansion', 'data-web-0', '-n', ns, '--to', '1Gi', '--yes'], { env: sandbox.env() });
    expect(tooLow.code).toBe(2);
    expect(tooLow.stderr).toContain('--to must be more than status.capacity 1Gi and less than the request 2Gi of claim data-web-0');
    const recover = await runCli(['recover-expansion', 'data-web-0', '-n', ns, '--to', '1536Mi', '--yes'], { env: sandbox.env() });
    expect(recover.code, recover.stdout + recover.stderr).toBe(0);
    expect((await claimOf(cluster, ns, 0))!.spec!.resources!.requests!['storage']).toBe('1536Mi');
    // The API server itself refuses what recover-expansion refused: down to status.capacity.
    const direct = await cluster.patch('PersistentVolumeClaim', 'data-web-0', ns, { spec: { resources: { requests: { storage: '1Gi' } } } }).catch((e) => e);
    expect((direct as ApiError).message).toContain('field can not be less than status.capacity');
    // allowVolumeExpansion is the one StorageClass field that can change: turned off, the claims still growing are stranded.
    await cluster.patch('StorageClass', `expandable-${ns}`, undefined, { allowVolumeExpansion: false });
    const after = await audit(['web', '-n', ns]);
    expect(after.report.findings.find((f) => f.code === 'PVC-011' && f.object.name === 'data-web-2')?.message).toBe(
      `claim data-web-2 asks for 2Gi and has 1Gi, but StorageClass expandable-${ns} does not allow expansion (allowVolumeExpansion false): no controller will grow it`,
    );
  });
});
