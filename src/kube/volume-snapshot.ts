// CSI VolumeSnapshots (snapshot.storage.k8s.io/v1) as the snapshot-controller
// and external-provisioner read them: which class a snapshot gets, when it is
// usable as a restore source, and how a claim names one as its source.
// Sources: external-snapshotter v8.7.0 pkg/common-controller, pkg/utils;
// external-provisioner pkg/controller/controller.go (getSnapshotSource).
import type { Claim, VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotContent } from './types.js';
import { parseQuantity } from './quantity.js';
import { timeOf } from './time.js';

export const SNAPSHOT_GROUP = 'snapshot.storage.k8s.io';
export const SNAPSHOT_API_VERSION = `${SNAPSHOT_GROUP}/v1`;

/** utils.IsDefaultAnnotation: the class is a default only when the value is exactly "true". */
export const ANN_DEFAULT_SNAPSHOT_CLASS = 'snapshot.storage.kubernetes.io/is-default-class';

/** Held on a VolumeSnapshot while a Pending claim in its namespace restores from it. */
export const FINALIZER_SOURCE_PROTECTION = 'snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection';
/** external-provisioner ≥ v6.2 holds its own while it provisions from the snapshot. */
export const FINALIZER_PROVISIONER_SOURCE = 'provisioner.storage.kubernetes.io/volumesnapshot-as-source-protection';

export function isDefaultSnapshotClass(c: VolumeSnapshotClass): boolean {
  return c.metadata?.annotations?.[ANN_DEFAULT_SNAPSHOT_CLASS] === 'true';
}

export type ClassResolution = { ok: true; class: VolumeSnapshotClass; defaulted: boolean } | { ok: false; reason: string };

/**
 * The class a VolumeSnapshot of a volume of `driver` gets: the named one, or
 * else the single default class of that driver (SetDefaultSnapshotClass). A
 * named class of another driver is refused here although the controller takes
 * it: its sidecar cannot snapshot another driver's volume.
 */
export function resolveSnapshotClass(classes: VolumeSnapshotClass[], driver: string, named?: string): ClassResolution {
  if (named !== undefined) {
    const found = classes.find((c) => c.metadata?.name === named);
    if (!found) return { ok: false, reason: `VolumeSnapshotClass ${named} does not exist` };
    if (found.driver !== driver)
      return { ok: false, reason: `VolumeSnapshotClass ${named} is for driver ${found.driver ?? '(none)'}, the volume's is ${driver}` };
    return { ok: true, class: found, defaulted: false };
  }
  const defaults = classes.filter((c) => isDefaultSnapshotClass(c) && c.driver === driver);
  if (defaults.length === 1) return { ok: true, class: defaults[0]!, defaulted: true };
  const ofDriver = classes.filter((c) => c.driver === driver).map((c) => c.metadata?.name ?? '');
  if (defaults.length === 0) {
    return {
      ok: false,
      reason:
        ofDriver.length === 0
          ? `no VolumeSnapshotClass for driver ${driver} ("cannot find default snapshot class")`
          : `no default VolumeSnapshotClass for driver ${driver} ("cannot find default snapshot class"; classes of the driver: ${ofDriver.join(', ')})`,
    };
  }
  return {
    ok: false,
    reason: `${defaults.length} default VolumeSnapshotClasses for driver ${driver} ("${defaults.length} default snapshot classes were found": ${defaults.map((c) => c.metadata?.name).join(', ')})`,
  };
}

export interface DataSourceRef {
  apiGroup?: string;
  kind: string;
  name: string;
  /** only dataSourceRef carries one (CrossNamespaceVolumeDataSource, alpha) */
  namespace?: string;
}

/** The source a claim (or claim template) is populated from: dataSourceRef wins, as the API server mirrors it into dataSource. */
export function dataSourceOf(claim: Pick<Claim, 'spec'>): DataSourceRef | undefined {
  const ref = claim.spec?.dataSourceRef ?? claim.spec?.dataSource;
  if (!ref?.kind || !ref.name) return undefined;
  return { apiGroup: ref.apiGroup, kind: ref.kind, name: ref.name, namespace: 'namespace' in ref ? ref.namespace : undefined };
}

export function isSnapshotSource(ref: DataSourceRef | undefined): ref is DataSourceRef & { kind: 'VolumeSnapshot' } {
  return ref?.kind === 'VolumeSnapshot' && ref.apiGroup === SNAPSHOT_GROUP;
}

/** When the backend took the snapshot, in ms: the VolumeSnapshot's status time, else the content's (Unix nanoseconds). */
export function snapshotTakenAt(vs: VolumeSnapshot, content?: VolumeSnapshotContent): number | undefined {
  const fromStatus = timeOf(vs.status?.creationTime);
  if (fromStatus !== undefined) return fromStatus;
  const ns = content?.status?.creationTime;
  return typeof ns === 'number' && Number.isFinite(ns) ? Math.floor(ns / 1e6) : undefined;
}

/** The size a restore must ask at least, in bytes: the snapshot's restoreSize, else the content's. */
export function restoreSizeBytes(vs: VolumeSnapshot, content?: VolumeSnapshotContent): number | undefined {
  const fromStatus = parseQuantity(vs.status?.restoreSize);
  if (fromStatus !== undefined) return fromStatus;
  const bytes = content?.status?.restoreSize;
  return typeof bytes === 'number' && Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
}

export function isReadySnapshot(vs: VolumeSnapshot): boolean {
  return vs.status?.readyToUse === true && !vs.metadata?.deletionTimestamp;
}

// This tool's marks on the snapshots `snapshot` takes: the labels make the
// snapshots of one run one unit (a snapshot set); label values must be
// label-safe, so the full names ride in annotations of the same keys.
export const SNAPSHOT_SET_LABEL = 'sts-storage.kubectl.io/snapshot-set';
export const STATEFULSET_LABEL = 'sts-storage.kubectl.io/statefulset';
export const TEMPLATE_LABEL = 'sts-storage.kubectl.io/template';
export const ORDINAL_LABEL = 'sts-storage.kubectl.io/ordinal';
export const STATEFULSET_UID_ANNOTATION = 'sts-storage.kubectl.io/statefulset-uid';
export const SOURCE_CLAIM_UID_ANNOTATION = 'sts-storage.kubectl.io/source-claim-uid';
