// recover-expansion: lower the request of a claim whose expansion cannot
// finish (RecoverVolumeExpansionFailure, GA in 1.34). ValidatePersistentVolumeClaimUpdate
// lets a request go down, but only to more than status.capacity ("field can
// not be less than status.capacity"); the resizer then works toward the new value.
import type { Claim } from '../kube/types.js';
import { expansionState } from '../kube/expansion.js';
import { formatBytes } from '../kube/quantity.js';
import type { PlannedChange, Refusal } from './plan.js';
import { planClaimRequest } from './claim-request.js';

/** Why SIZE cannot be the new request, or undefined when it can. */
export function recoverySizeProblem(claim: Claim, size: number): string | undefined {
  const { request, capacity } = expansionState(claim);
  if (capacity === undefined || request === undefined) return undefined;
  if (size <= capacity || size >= request)
    return `--to must be more than status.capacity ${formatBytes(capacity)} and less than the request ${formatBytes(request)} of claim ${claim.metadata?.name}`;
  return undefined;
}

export function planRecoverExpansion(claim: Claim, sizeText: string): PlannedChange | Refusal {
  const name = claim.metadata?.name ?? '';
  const target = { kind: 'PersistentVolumeClaim', namespace: claim.metadata?.namespace, name };
  const state = expansionState(claim);
  if (state.capacity === undefined) return { target, reasons: ['it has no status.capacity (not Bound): there is no expansion to recover'] };
  if (state.request === undefined || state.request <= state.capacity)
    return { target, reasons: [`it asks for ${formatBytes(state.request)} and has ${formatBytes(state.capacity)}: no expansion to recover`], noop: true };
  const warnings = state.infeasible
    ? []
    : [
        `the resizer has not marked the expansion infeasible (${state.status ?? 'no allocatedResourceStatuses'}): lowering the request may change an expansion still in progress`,
      ];
  return planClaimRequest(claim, sizeText, {
    summary: `lower the request of claim ${name} from ${formatBytes(state.request)} to ${sizeText} (it has ${formatBytes(state.capacity)})`,
    warnings,
    notes: [`the resizer then works toward ${sizeText}; allocatedResources keeps what it was asked for until it does`],
  });
}
