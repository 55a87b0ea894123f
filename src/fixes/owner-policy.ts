// What a repair that writes a StatefulSet does about the set's owner. A
// re-create (resize, generate-template --apply) is refused where the owner
// would undo it at once or fight it: an operator's resource re-creates the set
// from its own template (prometheus-operator with foreground deletion, every
// pod), and an auto-syncing GitOps controller re-applies its source within
// seconds. Otherwise the plan names the owner and the exact next step that
// keeps it in step. An in-place patch (fix-mounts, protect --retention) is
// never refused for its owner: it names the owner and warns that a sync may
// put the old value back.
import { describeOwner, revertsTemplateChanges, type Owner } from '../analysis/owner.js';
import type { ObjectRef } from '../kube/types.js';
import type { Plan } from './plan.js';
import { ownerNextSteps, stepLine, type NextStep, type SizeChange } from '../analysis/owner-steps.js';

export const DESPITE_OWNER_FLAG = '--despite-owner-sync';

export interface OwnerVerdict {
  /** why the repair must not run against this owner; empty when it may */
  refusals: string[];
  /** "owned by …", for the plan */
  owner?: string;
  /** what the owner must change, printed in the plan and after the result */
  nextSteps: NextStep[];
  warnings: string[];
}

/** For a repair that re-creates the set with other claim templates. */
export function recreateVerdict(owner: Owner, setName: string, changes: SizeChange[], opts: { despiteOwnerSync: boolean; what: string }): OwnerVerdict {
  const verdict: OwnerVerdict = { refusals: [], nextSteps: [], warnings: [] };
  if (owner.type === 'none') return verdict;
  verdict.owner = describeOwner(owner);
  if (owner.type === 'operator') {
    const instead =
      changes.length > 0
        ? `${ownerNextSteps(owner, setName, changes).map(stepLine).join('; ')}${owner.operator?.resizesItself ? `: ${owner.operator.operator} then grows the claims and re-creates the set itself` : ''}`
        : `make the change in ${owner.ref.kind} ${owner.ref.namespace}/${owner.ref.name} instead`;
    verdict.refusals.push(
      `statefulset ${setName} is controlled by ${verdict.owner}, which re-creates it from its own template: ${opts.what} here would be undone, and the controller may delete its pods doing so. ${instead}`,
    );
    return verdict;
  }
  const reverts = revertsTemplateChanges(owner);
  if (reverts && !opts.despiteOwnerSync)
    verdict.refusals.push(
      `${reverts}; pause it and run again, or pass ${DESPITE_OWNER_FLAG} to re-create the set anyway (the controller may put the old template back)`,
    );
  else if (reverts) verdict.warnings.push(`${DESPITE_OWNER_FLAG}: ${reverts}`);
  if ((owner.type === 'helm' && owner.flux?.object?.force) || (owner.type === 'flux' && owner.force))
    verdict.warnings.push('Flux force is enabled on its owner: a later refused apply deletes the set with background propagation, every pod included');
  if (changes.length > 0) verdict.nextSteps.push(...ownerNextSteps(owner, setName, changes));
  return verdict;
}

/** For a repair that patches the set in place: named, never refused. */
export function patchVerdict(owner: Owner, field: string): OwnerVerdict {
  if (owner.type === 'none') return { refusals: [], nextSteps: [], warnings: [] };
  const owned = describeOwner(owner);
  return {
    refusals: [],
    owner: owned,
    nextSteps: [],
    warnings: [`${field} is also written by ${owned}: change it there too, or its next sync may put the old value back`],
  };
}

/**
 * The verdict into a plan: the owner named, its warnings and next steps
 * carried, a refusal on the set (which drops an atomic plan's changes).
 */
export function withOwner<P extends Plan>(plan: P, verdict: OwnerVerdict, set: ObjectRef): P {
  if (verdict.owner) plan.owner = verdict.owner;
  if (verdict.warnings.length > 0) plan.warnings = [...(plan.warnings ?? []), ...verdict.warnings];
  if (verdict.nextSteps.length > 0) plan.nextSteps = [...(plan.nextSteps ?? []), ...verdict.nextSteps];
  if (verdict.refusals.length > 0) {
    plan.refusals.push({ target: set, reasons: verdict.refusals });
    plan.changes = [];
  }
  return plan;
}
