// restore --from-snapshots ID: give a re-created StatefulSet its data back
// from one snapshot set, each ordinal from its own ordinal's snapshot. The
// claims <template>-<set>-<ordinal> are created before the set uses them (the
// StatefulSet controller takes an existing claim as it is), each with its own
// snapshot as dataSource, asking max(template, restoreSize), in the
// template's class when its provisioner is the snapshot's driver. All or
// nothing, as the PV restore: one ordinal that cannot be restored refuses
// every claim before any write, so no ordinal silently starts empty.
import type { Claim, StatefulSet, StorageClass, VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotContent } from '../kube/types.js';
import { collectionPath } from '../kube/resources.js';
import { claimClass, claimHasClass, defaultClass, requestOf } from '../kube/binding.js';
import { formatBytes } from '../kube/quantity.js';
import { claimNameFor, ordinalsInRange, replicasOf, templateNames } from '../kube/statefulset.js';
import { ORDINAL_LABEL, restoreSizeBytes, SNAPSHOT_API_VERSION, SNAPSHOT_GROUP, SNAPSHOT_SET_LABEL, TEMPLATE_LABEL } from '../kube/volume-snapshot.js';
import { dropChangesIfRefused, targetOf, type Permission, type Plan, type PlannedChange, type Refusal, type Step } from './plan.js';

export const KEPT_CLAIM = 'the restored claim is kept: this tool never deletes a claim (delete it with kubectl before the set uses it, if it is not wanted)';

export interface SnapshotRestoreInput {
  sts: StatefulSet;
  /** the set is live (not only in -f): its controller may be creating claims */
  live: boolean;
  setId: string;
  /** the target namespace's VolumeSnapshots */
  snapshots: VolumeSnapshot[];
  /** VolumeSnapshotContents, when they could be read (cluster-scoped) */
  contents?: VolumeSnapshotContent[];
  snapshotClasses: VolumeSnapshotClass[];
  classes: StorageClass[];
  /** the target namespace's claims, by name */
  claims: Map<string, Claim>;
  /**
   * A clone: the snapshot set is in another namespace (`snapshots` are that
   * namespace's). A VolumeSnapshot is namespaced and the cross-namespace
   * data source is alpha, so each snapshot is copied: a pre-provisioned
   * content with the same snapshotHandle (deletionPolicy Retain) and a
   * VolumeSnapshot of the target namespace bound to it.
   */
  fromNamespace?: string;
  /** for a clone: the names of the target namespace's VolumeSnapshots, which a copy must not take */
  targetSnapshotNames?: Set<string>;
  /** for a clone: how long to wait for each copy to be ready before its claim is created */
  copyReadyMs?: number;
}

/** The snapshot sets of a namespace, for the error that names the ones there are. */
export function snapshotSetIds(snapshots: VolumeSnapshot[]): string[] {
  return [...new Set(snapshots.flatMap((s) => s.metadata?.labels?.[SNAPSHOT_SET_LABEL] ?? []))].sort();
}

/** Which CSI driver holds the snapshot: its content's, else its class's. */
function driverOf(vs: VolumeSnapshot, content: VolumeSnapshotContent | undefined, input: SnapshotRestoreInput): string | undefined {
  return content?.spec?.driver ?? input.snapshotClasses.find((c) => c.metadata?.name === vs.spec?.volumeSnapshotClassName)?.driver;
}

export function planSnapshotRestore(input: SnapshotRestoreInput, command: string): Plan & { warnings: string[] } {
  const { sts, setId } = input;
  const namespace = sts.metadata?.namespace ?? '';
  const set = sts.metadata?.name ?? '';
  const plan: Plan & { warnings: string[] } = { command, changes: [], refusals: [], warnings: [], atomic: true };
  const members = input.snapshots.filter((s) => s.metadata?.labels?.[SNAPSHOT_SET_LABEL] === setId);
  const setTarget = { kind: 'StatefulSet', namespace, name: set };
  if (input.live && replicasOf(sts) > 0)
    plan.refusals.push({
      target: setTarget,
      reasons: [
        `statefulset ${set} runs ${replicasOf(sts)} replica(s): its controller creates an empty claim for every missing ordinal; scale it to 0 (or delete it with --cascade=orphan) first`,
      ],
    });
  const templates = new Map((sts.spec?.volumeClaimTemplates ?? []).map((t) => [t.metadata?.name ?? '', t]));
  const bySlot = new Map<string, VolumeSnapshot[]>();
  for (const vs of members) {
    const template = vs.metadata?.annotations?.[TEMPLATE_LABEL] ?? vs.metadata?.labels?.[TEMPLATE_LABEL] ?? '';
    const ordinal = Number(vs.metadata?.labels?.[ORDINAL_LABEL]);
    if (!templates.has(template) || !Number.isInteger(ordinal)) {
      plan.warnings.push(
        `${vs.metadata?.name} is of template "${template}" ordinal ${Number.isInteger(ordinal) ? ordinal : '?'}, which statefulset ${set} does not have: not restored`,
      );
      continue;
    }
    const slot = `${template}/${ordinal}`;
    bySlot.set(slot, [...(bySlot.get(slot) ?? []), vs]);
  }
  const inRange = new Set(ordinalsInRange(sts));
  for (const [slot, list] of bySlot)
    if (!inRange.has(Number(slot.split('/')[1])))
      plan.warnings.push(
        `${list.map((s) => s.metadata?.name).join(', ')}: ordinal ${slot.split('/')[1]} is beyond the set's ${replicasOf(sts)} replica(s) and is not restored`,
      );
  const fallback = defaultClass(input.classes);
  for (const template of templateNames(sts)) {
    const spec = templates.get(template)!;
    for (const ordinal of inRange) {
      const claimName = claimNameFor(template, set, ordinal);
      const list = bySlot.get(`${template}/${ordinal}`) ?? [];
      const claimTarget = { kind: 'PersistentVolumeClaim', namespace, name: claimName };
      if (list.length !== 1) {
        plan.refusals.push({
          target: claimTarget,
          reasons: [
            list.length === 0
              ? `snapshot set ${setId} has no snapshot of ordinal ${ordinal} of template "${template}": it would start empty`
              : `snapshot set ${setId} has ${list.length} snapshots of ordinal ${ordinal} of template "${template}" (${list.map((s) => s.metadata?.name).join(', ')})`,
          ],
        });
        continue;
      }
      const vs = list[0]!;
      const name = vs.metadata?.name ?? '';
      const refuse = (reason: string) => plan.refusals.push({ target: claimTarget, reasons: [reason] } satisfies Refusal);
      if (input.claims.has(claimName)) {
        refuse(`claim ${claimName} already exists, and the StatefulSet would use it as it is: rename or delete it first (this tool never deletes a claim)`);
        continue;
      }
      if (vs.metadata?.deletionTimestamp) {
        refuse(`VolumeSnapshot ${name} is being deleted`);
        continue;
      }
      if (vs.status?.readyToUse !== true) {
        refuse(`VolumeSnapshot ${name} is not ready to use${vs.status?.error?.message ? `: ${vs.status.error.message}` : ''}`);
        continue;
      }
      const content = input.contents?.find((c) => c.metadata?.name === vs.status?.boundVolumeSnapshotContentName);
      const className = claimHasClass(spec) ? claimClass(spec) : (fallback?.metadata?.name ?? '');
      const storageClass = input.classes.find((c) => c.metadata?.name === className);
      const driver = driverOf(vs, content, input);
      if (!storageClass || !driver || storageClass.provisioner !== driver) {
        const fitting = input.classes.filter((c) => driver && c.provisioner === driver).map((c) => c.metadata?.name);
        refuse(
          !driver
            ? `the CSI driver of VolumeSnapshot ${name} is unknown (no readable content or class)`
            : `the template's class ${className || '(none)'} ${storageClass ? `provisions with ${storageClass.provisioner}` : 'does not exist'}, not with the snapshot's driver ${driver}${fitting.length ? ` (classes of that driver: ${fitting.join(', ')})` : ''}`,
        );
        continue;
      }
      const restoreSize = restoreSizeBytes(vs, content);
      const asked = requestOf(spec.spec);
      const size = Math.max(asked ?? 0, restoreSize ?? 0);
      if (size === 0) {
        refuse(`neither the template nor VolumeSnapshot ${name} says a size`);
        continue;
      }
      const clone = input.fromNamespace !== undefined && input.fromNamespace !== namespace;
      let copy: { steps: Step[]; permissions: Permission[]; names: string } | undefined;
      if (clone) {
        const handle = content?.status?.snapshotHandle ?? content?.spec?.source?.snapshotHandle;
        if (!handle) {
          refuse(
            input.contents
              ? `the content of VolumeSnapshot ${input.fromNamespace}/${name} states no snapshotHandle, so it cannot be copied to namespace ${namespace}`
              : `copying VolumeSnapshot ${input.fromNamespace}/${name} to namespace ${namespace} needs its content's snapshotHandle, and VolumeSnapshotContents cannot be read`,
          );
          continue;
        }
        if (input.targetSnapshotNames?.has(name)) {
          refuse(`VolumeSnapshot ${name} already exists in namespace ${namespace}: the copy would need its name`);
          continue;
        }
        copy = copySteps(vs, content!, handle, namespace, input.copyReadyMs ?? 10 * 60_000);
      }
      const labels = { ...sts.spec?.selector?.matchLabels, ...spec.metadata?.labels };
      const body: Claim = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: claimName,
          namespace,
          ...(Object.keys(labels).length ? { labels } : {}),
          ...(spec.metadata?.annotations ? { annotations: spec.metadata.annotations } : {}),
        },
        spec: {
          accessModes: spec.spec?.accessModes,
          storageClassName: className,
          resources: { requests: { storage: formatBytes(size) } },
          ...(spec.spec?.volumeMode ? { volumeMode: spec.spec.volumeMode } : {}),
          dataSource: { apiGroup: SNAPSHOT_GROUP, kind: 'VolumeSnapshot', name },
        },
      };
      const change: PlannedChange = {
        target: targetOf('VolumeSnapshot', vs),
        summary: `${copy ? `copy it to ${namespace} (${copy.names}), then ` : ''}new claim ${claimName} (ordinal ${ordinal}) from it: ${formatBytes(size)} (restoreSize ${formatBytes(restoreSize)}, template ${formatBytes(asked)}), class ${className}`,
        before: vs,
        after: vs,
        steps: [
          ...(copy?.steps ?? []),
          { kind: 'create', path: collectionPath('v1', 'persistentvolumeclaims', namespace), body, description: `create PersistentVolumeClaim ${claimName}` },
        ],
        permissions: [...(copy?.permissions ?? []), { verb: 'create', group: '', resource: 'persistentvolumeclaims', namespace }],
        warnings: restoreSize === undefined ? [`VolumeSnapshot ${name} states no restoreSize: the claim asks the template's size`] : [],
        notes: [],
        owned: [],
        irreversible: copy ? `${KEPT_CLAIM}; the copy ${copy.names} is kept too (deletionPolicy Retain: deleting it leaves the backend snapshot)` : KEPT_CLAIM,
      };
      plan.changes.push(change);
    }
  }
  plan.headline = `Plan: ${plan.changes.length} claim(s) to create from snapshot set ${setId}${input.fromNamespace && input.fromNamespace !== namespace ? ` of namespace ${input.fromNamespace}` : ''}, each from its own ordinal's snapshot`;
  dropChangesIfRefused(plan, (n) => `${n} claim(s) were ready to restore, but a set is restored whole or not at all: nothing will be created`);
  if (plan.changes.length > 0) plan.warnings.push(`then create (or scale up) statefulset ${set}: it takes the restored claims as they are`);
  return plan;
}

/**
 * The copy of one snapshot into the target namespace: a pre-provisioned
 * VolumeSnapshotContent naming the same backend snapshot (Retain, so deleting
 * either copy never deletes the other's data) and a VolumeSnapshot bound to
 * it, waited for until ready before the claim that restores from it.
 */
function copySteps(
  vs: VolumeSnapshot,
  content: VolumeSnapshotContent,
  handle: string,
  namespace: string,
  readyMs: number,
): { steps: Step[]; permissions: Permission[]; names: string } {
  const name = vs.metadata?.name ?? '';
  const contentName = `sts-storage-${namespace}-${name}`.slice(0, 253);
  const snapshots = collectionPath(SNAPSHOT_API_VERSION, 'volumesnapshots', namespace);
  const newContent: VolumeSnapshotContent = {
    apiVersion: SNAPSHOT_API_VERSION,
    kind: 'VolumeSnapshotContent',
    metadata: { name: contentName },
    spec: {
      deletionPolicy: 'Retain',
      driver: content.spec?.driver,
      source: { snapshotHandle: handle },
      ...(content.spec?.volumeSnapshotClassName ? { volumeSnapshotClassName: content.spec.volumeSnapshotClassName } : {}),
      ...(content.spec?.sourceVolumeMode ? { sourceVolumeMode: content.spec.sourceVolumeMode } : {}),
      volumeSnapshotRef: { name, namespace },
    },
  };
  const newSnapshot: VolumeSnapshot = {
    apiVersion: SNAPSHOT_API_VERSION,
    kind: 'VolumeSnapshot',
    metadata: { name, namespace, labels: vs.metadata?.labels, annotations: vs.metadata?.annotations },
    spec: { source: { volumeSnapshotContentName: contentName } },
  };
  return {
    names: `VolumeSnapshotContent ${contentName}, VolumeSnapshot ${name}`,
    steps: [
      {
        kind: 'create',
        path: collectionPath(SNAPSHOT_API_VERSION, 'volumesnapshotcontents'),
        body: newContent,
        description: `create VolumeSnapshotContent ${contentName} (snapshotHandle ${handle}, Retain)`,
      },
      { kind: 'create', path: snapshots, body: newSnapshot, description: `create VolumeSnapshot ${name} in ${namespace}, bound to it` },
      { kind: 'wait-snapshot-ready', path: `${snapshots}/${name}`, timeoutMs: readyMs, description: `wait until VolumeSnapshot ${name} is ready to use` },
    ],
    permissions: [
      { verb: 'create', group: SNAPSHOT_GROUP, resource: 'volumesnapshotcontents' },
      { verb: 'create', group: SNAPSHOT_GROUP, resource: 'volumesnapshots', namespace },
    ],
  };
}
