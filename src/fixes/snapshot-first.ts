// --snapshot on a risky repair (resize, generate-template --apply): the plan
// takes a snapshot set of the StatefulSet first, waits until every snapshot
// is ready, and only then runs the repair. If the snapshots cannot be
// planned, nothing is changed: the user asked for the safety net, so the
// repair does not go ahead without it. The backup records each snapshot
// (its claim's entry names the VolumeSnapshot created), so undo can say
// where the data is.
import { valueAt, type JsonPatchOp, type Plan, type PlannedChange } from './plan.js';

export function withSnapshotFirst<P extends Plan & { warnings: string[] }>(repair: P, snapshots: Plan & { warnings: string[] }): P {
  // A repair that will not run needs no snapshot: its refusal is the answer.
  if (repair.changes.length === 0 || repair.refusals.some((r) => !r.noop)) return repair;
  const refused = snapshots.refusals.filter((r) => !r.noop);
  if (refused.length > 0 || snapshots.changes.length === 0) {
    return {
      ...repair,
      changes: [],
      refusals: [...refused, ...repair.refusals],
      warnings: [
        ...repair.warnings,
        // Here either some snapshot is refused or none is planned.
        refused.length === 0
          ? '--snapshot: the set has no claim to snapshot, so nothing will be changed'
          : '--snapshot: the snapshot set cannot be taken (above), so nothing will be changed',
      ],
    };
  }
  const snapshotted = new Set(snapshots.changes.map((c) => c.target.uid));
  return {
    ...repair,
    headline: `Plan: ${snapshots.changes.length} VolumeSnapshot(s) first, each waited for until ready; then ${repair.changes.length} object(s) to change`,
    changes: [...snapshots.changes, ...repair.changes.map((c) => (snapshotted.has(c.target.uid) ? onFieldsItChanges(c) : c))],
    warnings: [...snapshots.warnings, ...repair.warnings],
    // The repair waits for its snapshots: a snapshot that fails stops everything after it.
    atomic: true,
  };
}

/**
 * The snapshot-controller puts a finalizer on a claim while it snapshots it
 * and takes it off once the snapshot is ready (pvc-as-source-protection), so
 * a claim's resourceVersion moves between the plan and the repair's write
 * for a reason that changes nothing the repair depends on. Its patch is
 * pinned instead to the uid and to the value of every field it changes:
 * whatever else moved, the write still applies only to what was planned.
 */
function onFieldsItChanges(change: PlannedChange): PlannedChange {
  return {
    ...change,
    steps: change.steps.map((step) => {
      if (step.kind !== 'patch' || !step.patch.some((op) => op.op === 'test' && op.path === '/metadata/resourceVersion')) return step;
      const fieldTests: JsonPatchOp[] = step.patch.flatMap((op) =>
        op.op === 'replace' ? [{ op: 'test' as const, path: op.path, value: valueAt(change.before, op.path) }] : [],
      );
      const patch = step.patch.flatMap((op) => (op.op === 'test' && op.path === '/metadata/resourceVersion' ? fieldTests : [op]));
      return {
        ...step,
        patch,
        description: `${step.description} (pinned to the uid and the fields it changes: the snapshot-controller moves the claim's resourceVersion)`,
      };
    }),
  };
}
