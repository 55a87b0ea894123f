// The real snapshot-controller (external-snapshotter v8.7.0, built from the Go
// module proxy) runs here out of cluster. The CSI driver and its
// csi-snapshotter sidecar cannot (they need a driver socket), so
// SnapshotterPlayer plays the sidecar for one driver name, writing exactly
// what it writes: on a content of its driver, the status subresource
// {snapshotHandle, readyToUse, creationTime (Unix nanoseconds), restoreSize
// (bytes)}, for a dynamic content (cut from spec.source.volumeHandle) as for
// a pre-provisioned one (spec.source.snapshotHandle); on a content being
// deleted, the removal of the bound-protection finalizer once the backend
// snapshot is "deleted".
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Claim, StorageClass, VolumeSnapshot, VolumeSnapshotContent } from '../../src/kube/types.js';
import type { Cluster } from './helpers.js';

const CONTENTS = '/apis/snapshot.storage.k8s.io/v1/volumesnapshotcontents';
const CONTENT_FINALIZER = 'snapshot.storage.kubernetes.io/volumesnapshotcontent-bound-protection';

/**
 * What a controller loop does, played: every 300 ms, one pass over what it
 * watches; a pass that fails (a conflict, an object deleted meanwhile) is
 * simply followed by the next, as the real component's requeue would.
 */
abstract class Player {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  start(): void {
    this.timer = setInterval(() => void this.tick(), 300);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.pass();
    } catch {
      // The next pass sees the new state.
    } finally {
      this.busy = false;
    }
  }

  protected abstract pass(): Promise<void>;
}

export class SnapshotterPlayer extends Player {
  constructor(
    private readonly cluster: Cluster,
    readonly driver: string,
    private readonly restoreSizeBytes = 1024 ** 3,
  ) {
    super();
  }

  protected async pass(): Promise<void> {
    for (const content of await this.cluster.client.list<VolumeSnapshotContent>(CONTENTS)) {
      if (content.spec?.driver !== this.driver) continue;
      const name = content.metadata!.name!;
      if (content.metadata?.deletionTimestamp) {
        const finalizers = (content.metadata.finalizers ?? []).filter((f) => f !== CONTENT_FINALIZER);
        if (finalizers.length !== (content.metadata.finalizers ?? []).length)
          await this.cluster.client.request('PATCH', `${CONTENTS}/${name}`, {
            contentType: 'application/json-patch+json',
            body: [
              { op: 'test', path: '/metadata/resourceVersion', value: content.metadata.resourceVersion },
              { op: 'replace', path: '/metadata/finalizers', value: finalizers },
            ],
          });
        continue;
      }
      if (content.status?.readyToUse) continue;
      // A dynamic content is cut from its volume; a pre-provisioned one names a snapshot that exists already.
      const handle =
        content.spec?.source?.snapshotHandle ??
        (content.spec?.source?.volumeHandle ? `snap-${content.spec.source.volumeHandle}-${content.metadata?.uid}` : undefined);
      if (!handle) continue;
      await this.cluster.client.request('PATCH', `${CONTENTS}/${name}/status`, {
        contentType: 'application/merge-patch+json',
        body: {
          status: {
            snapshotHandle: handle,
            readyToUse: true,
            creationTime: Date.now() * 1e6,
            restoreSize: this.restoreSizeBytes,
          },
        },
      });
    }
  }
}

/** The snapshot-controller, out of cluster against the suite's control plane; its log in a file for failure messages. */
export function startSnapshotController(binary: string, kubeconfig: string): { process: ChildProcess; log: string } {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-controller-')), 'controller.log');
  const out = fs.openSync(log, 'a');
  const child = spawn(binary, [`--kubeconfig=${kubeconfig}`, '--leader-election=false', '--worker-threads=4', '--retry-interval-max=5s', '--v=2'], {
    env: { PATH: process.env['PATH'] },
    stdio: ['ignore', out, out],
  });
  return { process: child, log };
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Plays external-provisioner's success path for claims restoring from a
 * snapshot of `driver` (it cannot run without the driver): once the
 * claim's VolumeSnapshot is ready and the claim asks at least its
 * restoreSize, it writes the PV the provisioner writes: named pvc-<claim
 * uid>, annotated pv.kubernetes.io/provisioned-by, CSI with a volume handle
 * that names the snapshot handle it was restored from, bound by claimRef
 * with the claim's uid. The PV binder does the rest.
 */
export class ProvisionerPlayer extends Player {
  constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
    private readonly driver: string,
  ) {
    super();
  }

  protected async pass(): Promise<void> {
    const claims = await this.cluster.client.list<Claim>(`/api/v1/namespaces/${this.namespace}/persistentvolumeclaims`);
    for (const claim of claims) {
      const source = claim.spec?.dataSource;
      if (claim.status?.phase !== 'Pending' || claim.spec?.volumeName || source?.kind !== 'VolumeSnapshot') continue;
      const cls = await this.cluster.get<StorageClass>('StorageClass', claim.spec?.storageClassName ?? '');
      if (cls?.provisioner !== this.driver) continue;
      const vs = await this.cluster.get<VolumeSnapshot>('VolumeSnapshot', source.name, this.namespace);
      if (!vs?.status?.readyToUse || vs.metadata?.deletionTimestamp) continue;
      const content = await this.cluster.get<VolumeSnapshotContent>('VolumeSnapshotContent', vs.status.boundVolumeSnapshotContentName ?? '');
      const request = claim.spec?.resources?.requests?.['storage'] ?? '';
      const name = `pvc-${claim.metadata?.uid}`;
      if (await this.cluster.get('PersistentVolume', name)) continue;
      await this.cluster.create({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': this.driver } },
        spec: {
          capacity: { storage: request },
          accessModes: claim.spec?.accessModes,
          persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
          storageClassName: cls.metadata?.name,
          csi: { driver: this.driver, volumeHandle: `restored-from-${content?.status?.snapshotHandle}` },
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: this.namespace, name: claim.metadata?.name, uid: claim.metadata?.uid },
        },
      } as never);
    }
  }
}
