// prebind: reserve a PV for exactly one claim, existing or not yet created
// (a StatefulSet ordinal). A claimRef with namespace/name and no uid is what
// the binder treats as user pre-binding; the absence of
// pv.kubernetes.io/bound-by-controller tells unbindVolume to keep that
// reservation (clear only the uid) if the pairing is ever undone.
import type { Claim, Volume } from '../kube/types.js';
import { ANN_BOUND_BY_CONTROLLER, satisfyReasons, type ClaimRequirements } from '../kube/binding.js';
import { nodeMatchesSelectorTerms } from '../kube/labels.js';
import type { Node } from '../kube/types.js';
import { clone, pointer, preconditions, targetOf, type PlannedChange, type Refusal } from './plan.js';
import { objectPath } from '../kube/resources.js';

export interface PrebindInput {
  volume: Volume;
  requirements: ClaimRequirements;
  /** the claim if it exists */
  claim?: Claim;
  /** the claim currently named by the PV's claimRef, if it exists */
  currentClaim?: Claim;
  nodes?: Node[];
  force: boolean;
}

export function planPrebind(input: PrebindInput): PlannedChange | Refusal {
  const { volume, requirements: req, force } = input;
  const name = volume.metadata?.name ?? '';
  const refuse = (...reasons: string[]): Refusal => ({ target: { kind: 'PersistentVolume', name }, reasons });
  const ref = volume.spec?.claimRef;
  const reasons: string[] = [];
  if (volume.metadata?.deletionTimestamp) return refuse('it is being deleted');
  if (input.claim?.status?.phase === 'Bound' && input.claim.spec?.volumeName !== name) {
    return refuse(`claim ${req.namespace}/${req.name} is already Bound to PV ${input.claim.spec?.volumeName}`);
  }
  if (ref && (ref.namespace !== req.namespace || ref.name !== req.name)) {
    const live = input.currentClaim && (!ref.uid || input.currentClaim.metadata?.uid === ref.uid);
    if (live && !force) reasons.push(`it is ${ref.uid ? 'bound' : 'reserved'} to the live claim ${ref.namespace}/${ref.name} (--force to take it)`);
  }
  if (ref && ref.namespace === req.namespace && ref.name === req.name && !ref.uid) {
    return { target: { kind: 'PersistentVolume', name }, reasons: [`it is already reserved for ${req.namespace}/${req.name}`], noop: true };
  }
  reasons.push(...satisfyReasons(volume, req, { compareClass: true }));
  const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (terms && input.nodes && !input.nodes.some((n) => nodeMatchesSelectorTerms(n, terms))) {
    reasons.push('its node affinity matches no existing node, so no consumer could be scheduled');
  }
  if (reasons.length > 0) return refuse(...reasons);

  const after = clone(volume);
  const claimRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: req.namespace, name: req.name };
  after.spec!.claimRef = claimRef;
  const patch = preconditions(volume);
  patch.push({ op: 'add', path: pointer('spec', 'claimRef'), value: claimRef });
  if (volume.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
    patch.push({ op: 'remove', path: pointer('metadata', 'annotations', ANN_BOUND_BY_CONTROLLER) });
    delete after.metadata!.annotations![ANN_BOUND_BY_CONTROLLER];
  }
  const warnings: string[] = [];
  if (ref?.uid && force)
    warnings.push(`--force: the PV was bound to ${ref.namespace}/${ref.name} (uid ${ref.uid}); that claim will become Lost if it still exists`);
  return {
    target: targetOf('PersistentVolume', volume),
    summary: `reserve PV ${name} for claim ${req.namespace}/${req.name}`,
    before: volume,
    after,
    steps: [{ kind: 'patch', path: objectPath('PersistentVolume', name), patch, description: 'JSON patch with test preconditions' }],
    permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumes' }],
    warnings,
    owned: ['/spec/claimRef', pointer('metadata', 'annotations', ANN_BOUND_BY_CONTROLLER)],
    notes: [
      input.claim
        ? `claim ${req.namespace}/${req.name} (${input.claim.status?.phase}) binds it on the binder's next sync`
        : `claim ${req.namespace}/${req.name} does not exist yet: it binds this PV when it is created`,
    ],
  };
}
