// Why a claim restoring from a VolumeSnapshot cannot be provisioned, in the
// order external-provisioner's getSnapshotSource checks it, with its words.
// The audit (PVC-015) and the restore from snapshots both ask.
import type { Claim, VolumeSnapshot, VolumeSnapshotContent } from '../kube/types.js';
import { requestOf } from '../kube/binding.js';
import { formatBytes } from '../kube/quantity.js';
import { dataSourceOf, isSnapshotSource, restoreSizeBytes } from '../kube/volume-snapshot.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { effectiveClass } from './claim-analysis.js';

export interface RestoreSourceProblem {
  snapshotName: string;
  /** what is wrong, in this tool's words */
  problem: string;
  /** the provisioner's own message for it, as it words its event */
  provisionerSays: string;
  /** the snapshot is only not ready yet: it may still become ready */
  mayResolve: boolean;
  snapshot?: VolumeSnapshot;
  content?: VolumeSnapshotContent;
}

/** undefined when the claim has no snapshot source, the source is usable, or it could not be read. */
export function restoreSourceProblem(snapshot: ClusterSnapshot, claim: Claim): RestoreSourceProblem | undefined {
  const source = dataSourceOf(claim);
  if (!isSnapshotSource(source)) return undefined;
  const namespace = source.namespace ?? claim.metadata?.namespace;
  // Another namespace's snapshot (CrossNamespaceVolumeDataSource, alpha) is the provisioner's to judge.
  if (namespace !== claim.metadata?.namespace || !snapshot.has('volumesnapshots') || !snapshot.coversNamespace(namespace)) return undefined;
  const name = source.name;
  const vs = snapshot.volumeSnapshot(namespace, name);
  if (!vs) {
    return {
      snapshotName: name,
      problem: `VolumeSnapshot ${name} does not exist`,
      provisionerSays: `error getting snapshot ${name} from api server: not found`,
      mayResolve: false,
    };
  }
  if (vs.metadata?.deletionTimestamp) {
    return {
      snapshotName: name,
      snapshot: vs,
      problem: `VolumeSnapshot ${name} is being deleted`,
      provisionerSays: `snapshot ${name} is being deleted`,
      mayResolve: false,
    };
  }
  const contentName = vs.status?.boundVolumeSnapshotContentName;
  const content = snapshot.snapshotContent(contentName);
  if (!contentName) {
    return {
      snapshotName: name,
      snapshot: vs,
      problem: `VolumeSnapshot ${name} is not bound to a content yet`,
      provisionerSays: `snapshot ${name} not bound`,
      mayResolve: true,
    };
  }
  const ref = content?.spec?.volumeSnapshotRef;
  if (content && ref && (ref.name !== name || ref.namespace !== namespace || (ref.uid && ref.uid !== vs.metadata?.uid))) {
    return {
      snapshotName: name,
      snapshot: vs,
      content,
      problem: `its content ${contentName} belongs to another VolumeSnapshot (${ref.namespace}/${ref.name}${ref.uid ? ` uid ${ref.uid}` : ''})`,
      provisionerSays: `snapshotcontent ${contentName} for snapshot ${name} is bound to a different snapshot`,
      mayResolve: false,
    };
  }
  const cls = effectiveClass(snapshot, claim);
  const provisioner = cls.storageClass?.provisioner;
  if (content?.spec?.driver && provisioner && content.spec.driver !== provisioner) {
    return {
      snapshotName: name,
      snapshot: vs,
      content,
      problem: `the snapshot was taken by driver ${content.spec.driver}, but StorageClass ${cls.name} provisions with ${provisioner}`,
      provisionerSays: `snapshotcontent ${contentName} for snapshot ${name} is not handled by CSI driver of StorageClass ${cls.name}`,
      mayResolve: false,
    };
  }
  if (vs.status?.readyToUse !== true) {
    const error = vs.status?.error?.message ?? content?.status?.error?.message;
    return {
      snapshotName: name,
      snapshot: vs,
      content,
      problem: `VolumeSnapshot ${name} is not ready to use${error ? `: ${error}` : ''}`,
      provisionerSays: `snapshot ${name} is not Ready`,
      mayResolve: error === undefined,
    };
  }
  const size = restoreSizeBytes(vs, content);
  const request = requestOf(claim.spec);
  if (size !== undefined && request !== undefined && request < size) {
    return {
      snapshotName: name,
      snapshot: vs,
      content,
      problem: `it asks ${formatBytes(request)}, less than the snapshot's restoreSize ${formatBytes(size)}`,
      provisionerSays: `requested volume size ${request} is less than the size ${size} for the source snapshot ${name}`,
      mayResolve: false,
    };
  }
  return undefined;
}
