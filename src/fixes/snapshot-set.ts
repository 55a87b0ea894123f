// snapshot: one VolumeSnapshot per ordinal and template of a StatefulSet,
// named and labelled so that the lot is one unit (a snapshot set) that
// `snapshots` lists and a restore takes back. All or nothing: a claim the
// snapshot-controller would refuse (not Bound, not CSI, no class) stops the
// plan before any write, so a set is never half protected without knowing.
// It never deletes a snapshot; undo says so instead of removing one.
import type { StatefulSet, VolumeSnapshot } from '../kube/types.js';
import { collectionPath } from '../kube/resources.js';
import { claimNameFor, ordinalsInRange, templateNames } from '../kube/statefulset.js';
import {
  ORDINAL_LABEL,
  resolveSnapshotClass,
  SNAPSHOT_API_VERSION,
  SNAPSHOT_GROUP,
  SNAPSHOT_SET_LABEL,
  SOURCE_CLAIM_UID_ANNOTATION,
  STATEFULSET_LABEL,
  STATEFULSET_UID_ANNOTATION,
  TEMPLATE_LABEL,
} from '../kube/volume-snapshot.js';
import { sourceClaims } from '../analysis/set-snapshots.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { dropChangesIfRefused, targetOf, type Plan, type PlannedChange, type Refusal } from './plan.js';

/** What undo says of a snapshot it leaves: where the data is. */
export function keptSnapshot(name: string): string {
  return `its data is in VolumeSnapshot ${name}, which is kept: this tool never deletes a snapshot (delete it with kubectl when it is no longer wanted; with deletionPolicy Delete that also deletes the backend snapshot)`;
}

export interface SnapshotSetOptions {
  /** the snapshot set's id: a DNS label, the same on every snapshot of the run */
  setId: string;
  /** --class: a VolumeSnapshotClass to use instead of each driver's default */
  className?: string;
  /** --template: only these volumeClaimTemplates */
  templates?: string[];
  /** before a repair (--snapshot): each create is followed by a wait until the snapshot is ready, this long at most */
  waitReadyMs?: number;
}

/** "20261206-201500": when the set was taken, in UTC, usable in names and label values. */
export function snapshotSetId(now: number): string {
  return new Date(now)
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
}

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const labelSafe = (value: string) => LABEL_VALUE.test(value);

/** The snapshot of one ordinal's claim: `<claim>-<set id>`, the claim's own name first so `kubectl get` sorts by ordinal. */
export function snapshotName(claim: string, setId: string): string {
  return `${claim}-${setId}`;
}

export function planSnapshotSet(snapshot: ClusterSnapshot, sts: StatefulSet, opts: SnapshotSetOptions, command: string): Plan & { warnings: string[] } {
  const namespace = sts.metadata?.namespace ?? '';
  const set = sts.metadata?.name ?? '';
  const plan: Plan & { warnings: string[] } = { command, changes: [], refusals: [], warnings: [], atomic: true };
  const templates = opts.templates ?? templateNames(sts);
  for (const t of templates) if (!templateNames(sts).includes(t)) throw new Error(`statefulset ${set} has no volumeClaimTemplate "${t}"`);
  // What deleting the snapshots does, said once per deletionPolicy of the classes used.
  const policies = new Set<string>();
  const existing = new Map(sourceClaims(snapshot, sts).map((s) => [s.claim.metadata?.name ?? '', s]));
  for (const template of templates) {
    for (const ordinal of ordinalsInRange(sts)) {
      const claimName = claimNameFor(template, set, ordinal);
      const target = { kind: 'PersistentVolumeClaim', namespace, name: claimName };
      const source = existing.get(claimName);
      const refuse = (reason: string) => plan.refusals.push({ target, reasons: [reason] } satisfies Refusal);
      if (!source) {
        refuse(`ordinal ${ordinal} has no claim ${claimName}: there is nothing to snapshot for it`);
        continue;
      }
      const claim = source.claim;
      // The snapshot-controller's own preconditions, in its words.
      if (claim.status?.phase !== 'Bound' || !source.volume) {
        refuse(`the PVC ${claimName} is not yet bound to a PV, will not attempt to take a snapshot (phase ${claim.status?.phase ?? 'unknown'})`);
        continue;
      }
      if (!source.driver) {
        refuse(`snapshotting non-CSI volumes is not supported: PV ${source.volume.metadata?.name} is not a CSI volume`);
        continue;
      }
      if (claim.metadata?.deletionTimestamp) {
        refuse(`claim ${claimName} is being deleted`);
        continue;
      }
      const cls = resolveSnapshotClass(snapshot.volumeSnapshotClasses, source.driver, opts.className);
      if (!cls.ok) {
        refuse(cls.reason);
        continue;
      }
      const name = snapshotName(claimName, opts.setId);
      if (name.length > 253) {
        refuse(`the snapshot name ${name} would be longer than 253 characters`);
        continue;
      }
      if (snapshot.volumeSnapshot(namespace, name)) {
        refuse(`VolumeSnapshot ${name} already exists: choose another --id`);
        continue;
      }
      const labels: Record<string, string> = { [SNAPSHOT_SET_LABEL]: opts.setId, [ORDINAL_LABEL]: String(ordinal) };
      if (labelSafe(set)) labels[STATEFULSET_LABEL] = set;
      if (labelSafe(template)) labels[TEMPLATE_LABEL] = template;
      const body: VolumeSnapshot = {
        apiVersion: SNAPSHOT_API_VERSION,
        kind: 'VolumeSnapshot',
        metadata: {
          name,
          namespace,
          labels,
          annotations: {
            [STATEFULSET_LABEL]: set,
            [TEMPLATE_LABEL]: template,
            [STATEFULSET_UID_ANNOTATION]: sts.metadata?.uid ?? '',
            [SOURCE_CLAIM_UID_ANNOTATION]: claim.metadata?.uid ?? '',
          },
        },
        // The class is named even when it is the default, so the snapshot does not depend on which class is default later.
        spec: { source: { persistentVolumeClaimName: claimName }, volumeSnapshotClassName: cls.class.metadata?.name },
      };
      const change: PlannedChange = {
        target: targetOf('PersistentVolumeClaim', claim),
        summary: `new VolumeSnapshot ${name} of it (ordinal ${ordinal}, PV ${source.volume.metadata?.name}; class ${cls.class.metadata?.name}${cls.defaulted ? ", its driver's default" : ''})`,
        before: claim,
        after: claim,
        steps: [
          { kind: 'create', path: collectionPath(SNAPSHOT_API_VERSION, 'volumesnapshots', namespace), body, description: `create VolumeSnapshot ${name}` },
          ...(opts.waitReadyMs !== undefined
            ? [
                {
                  kind: 'wait-snapshot-ready' as const,
                  path: `${collectionPath(SNAPSHOT_API_VERSION, 'volumesnapshots', namespace)}/${name}`,
                  timeoutMs: opts.waitReadyMs,
                  description: `wait until VolumeSnapshot ${name} is ready to use`,
                },
              ]
            : []),
        ],
        permissions: [{ verb: 'create', group: SNAPSHOT_GROUP, resource: 'volumesnapshots', namespace }],
        warnings: [],
        notes: [],
        owned: [],
        irreversible: keptSnapshot(name),
      };
      plan.changes.push(change);
      policies.add(cls.class.deletionPolicy ?? '(unset)');
    }
  }
  for (const policy of policies)
    plan.warnings.push(
      policy === 'Retain'
        ? 'deletionPolicy Retain: the backend snapshots outlive their VolumeSnapshots'
        : `deletionPolicy ${policy}: deleting a VolumeSnapshot deletes its backend snapshot`,
    );
  if (plan.changes.length > 1)
    plan.warnings.push(
      'the snapshots are taken one claim at a time while the pods run: each is crash-consistent, and together they are not one instant of the set (quiesce the application, or scale it to 0, for a consistent set)',
    );
  plan.headline = `Plan: ${plan.changes.length} VolumeSnapshot(s) to create, one per claim (the claims are read, not changed)`;
  dropChangesIfRefused(plan, (n) => `${n} snapshot(s) were ready to take, but a set is snapshotted whole or not at all: nothing will be created`);
  return plan;
}
