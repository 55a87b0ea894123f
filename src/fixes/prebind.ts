// prebind: reserve a PV for exactly one claim, existing or not yet created
// (a StatefulSet ordinal). A claimRef with namespace/name and no uid is what
// the binder treats as user pre-binding; the absence of
// pv.kubernetes.io/bound-by-controller tells unbindVolume to keep that
// reservation (clear only the uid) if the pairing is ever undone.
import type { Claim, Volume } from '../kube/types.js';
import { ANN_BOUND_BY_CONTROLLER, capacityOf, satisfyReasons, volumeClass, volumeModeOf, type ClaimRequirements } from '../kube/binding.js';
import { formatBytes } from '../kube/quantity.js';
import { nodeMatchesSelectorTerms } from '../kube/labels.js';
import type { Node } from '../kube/types.js';
import { annotate, clone, pointer, preconditions, targetOf, type PlannedChange, type Refusal } from './plan.js';
import { HELD_CLAIM_ANNOTATION } from '../kube/annotations.js';
import { parseOrdinalName } from '../kube/statefulset.js';
import { objectPath } from '../kube/resources.js';

export interface PrebindInput {
  volume: Volume;
  /** the claim to reserve for, and what it will ask for when that is known (undefined: the binder's checks are listed instead) */
  target: { namespace: string; name: string };
  requirements?: ClaimRequirements;
  /** switch a reclaimPolicy of Delete to Retain in the same write (restore: the data must outlive its claim) */
  retain?: boolean;
  /** the claim if it exists */
  claim?: Claim;
  /** the claim currently named by the PV's claimRef, if it exists */
  currentClaim?: Claim;
  nodes?: Node[];
  force: boolean;
  /** restore has no --force: its refusals do not offer one */
  forceable?: boolean;
}

/**
 * What the binder will check when a claim nobody described yet appears
 * (checkVolumeSatisfyClaim and FindMatchingVolume for a pre-bound PV): said in
 * the plan instead of guessed.
 */
export function binderChecks(volume: Volume): string {
  return [
    `its request at most ${formatBytes(capacityOf(volume))}`,
    `access modes among ${(volume.spec?.accessModes ?? []).join(',') || '(none)'}`,
    `volumeMode ${volumeModeOf(volume.spec)}`,
    `volumeAttributesClassName "${volume.spec?.volumeAttributesClassName ?? ''}"`,
    `storageClassName "${volumeClass(volume)}"`,
  ].join(', ');
}

export function planPrebind(input: PrebindInput): PlannedChange | Refusal {
  const { volume, requirements: req, target: want, force } = input;
  const name = volume.metadata?.name ?? '';
  const refuse = (...reasons: string[]): Refusal => ({ target: { kind: 'PersistentVolume', name }, reasons });
  const ref = volume.spec?.claimRef;
  const reasons: string[] = [];
  if (volume.metadata?.deletionTimestamp) return refuse('it is being deleted');
  if (input.claim?.status?.phase === 'Bound' && input.claim.spec?.volumeName !== name) {
    return refuse(`claim ${want.namespace}/${want.name} is already Bound to PV ${input.claim.spec?.volumeName}`);
  }
  // Removing the uid under the claim it is bound to would leave that claim Lost (ClaimMisbound).
  if (input.claim && ref?.uid && ref.uid === input.claim.metadata?.uid && ref.namespace === want.namespace && ref.name === want.name) {
    return { target: { kind: 'PersistentVolume', name }, reasons: [`it is already bound to claim ${want.namespace}/${want.name}`], noop: true };
  }
  if (ref && (ref.namespace !== want.namespace || ref.name !== want.name)) {
    const live = input.currentClaim && (!ref.uid || input.currentClaim.metadata?.uid === ref.uid);
    if (live && !force)
      reasons.push(
        `it is ${ref.uid ? 'bound' : 'reserved'} to the live claim ${ref.namespace}/${ref.name}${input.forceable === false ? '' : ' (--force to take it)'}`,
      );
  }
  const policy = volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
  const switchPolicy = !!input.retain && policy !== 'Retain';
  if (ref && ref.namespace === want.namespace && ref.name === want.name && !ref.uid && !switchPolicy) {
    return { target: { kind: 'PersistentVolume', name }, reasons: [`it is already reserved for ${want.namespace}/${want.name}`], noop: true };
  }
  if (req) reasons.push(...satisfyReasons(volume, req, { compareClass: true }));
  const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (terms && input.nodes && !input.nodes.some((n) => nodeMatchesSelectorTerms(n, terms))) {
    reasons.push('its node affinity matches no existing node, so no consumer could be scheduled');
  }
  if (reasons.length > 0) return refuse(...reasons);

  const after = clone(volume);
  const claimRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: want.namespace, name: want.name };
  after.spec!.claimRef = claimRef;
  const patch = preconditions(volume);
  // The claimRef it replaces: a stale uid and resourceVersion are dropped with it (seed 002 §6.4).
  if (ref?.uid) patch.push({ op: 'test', path: pointer('spec', 'claimRef', 'uid'), value: ref.uid });
  patch.push({ op: 'add', path: pointer('spec', 'claimRef'), value: claimRef });
  if (switchPolicy) {
    patch.push({ op: 'replace', path: pointer('spec', 'persistentVolumeReclaimPolicy'), value: 'Retain' });
    after.spec!.persistentVolumeReclaimPolicy = 'Retain';
  }
  if (volume.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
    patch.push({ op: 'remove', path: pointer('metadata', 'annotations', ANN_BOUND_BY_CONTROLLER) });
    delete after.metadata!.annotations![ANN_BOUND_BY_CONTROLLER];
  }
  // Whose data this is now, kept on the PV: the audit reports it bound to another ordinal (PV-012).
  const held = parseOrdinalName(want.name) ? [annotate(volume, after, patch, HELD_CLAIM_ANNOTATION, `${want.namespace}/${want.name}`)] : [];
  const warnings: string[] = [];
  if (ref?.uid && force)
    warnings.push(`--force: the PV was bound to ${ref.namespace}/${ref.name} (uid ${ref.uid}); that claim will become Lost if it still exists`);
  if (!req)
    warnings.push(
      `what claim ${want.namespace}/${want.name} will ask for is not known (no live StatefulSet, no -f, no --size): the binder binds it only with ${binderChecks(volume)}; otherwise it stays Pending`,
    );
  const notes = [
    input.claim
      ? `claim ${want.namespace}/${want.name} (${input.claim.status?.phase}) binds it on the binder's next sync`
      : `claim ${want.namespace}/${want.name} does not exist yet: it binds this PV when it is created`,
  ];
  if (switchPolicy) notes.push(`reclaimPolicy ${policy} becomes Retain first, so the data outlives a deleted claim again`);
  return {
    target: targetOf('PersistentVolume', volume),
    summary: `reserve PV ${name} for claim ${want.namespace}/${want.name}${ref?.uid ? ` (was ${ref.namespace}/${ref.name}, uid ${ref.uid})` : ''}${switchPolicy ? `, reclaimPolicy ${policy} -> Retain` : ''}`,
    before: volume,
    after,
    steps: [{ kind: 'patch', path: objectPath('PersistentVolume', name), patch, description: 'JSON patch with test preconditions' }],
    permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumes' }],
    warnings,
    owned: [
      '/spec/claimRef',
      pointer('metadata', 'annotations', ANN_BOUND_BY_CONTROLLER),
      ...held,
      ...(switchPolicy ? [pointer('spec', 'persistentVolumeReclaimPolicy')] : []),
    ],
    notes,
  };
}
