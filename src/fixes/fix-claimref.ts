// fix-claimref: seed 002 §6.4. Method 2 (default) removes claimRef.uid and
// claimRef.resourceVersion and keeps namespace/name, which pre-binds the PV to
// the re-created claim of the same name (syncVolume treats a claimRef without
// uid as "pre-bound": phase Available, reserved). Method 1 (--full) sets
// claimRef to null: any matching claim may take the PV.
import type { Claim, Volume } from '../kube/types.js';
import { annotate, clone, pointer, preconditions, targetOf, type PlannedChange, type Refusal } from './plan.js';
import { HELD_CLAIM_ANNOTATION } from '../kube/annotations.js';
import { parseOrdinalName } from '../kube/statefulset.js';
import { objectPath } from '../kube/resources.js';

export interface ClaimRefFixOptions {
  full: boolean;
  force: boolean;
  /** with --full on a PV that held a StatefulSet ordinal: the user's statement, the name of that ordinal's claim */
  confirmAnyClaim?: string;
}

export function planClaimRefFix(volume: Volume, liveClaim: Claim | undefined, opts: ClaimRefFixOptions): PlannedChange | Refusal {
  const name = volume.metadata?.name ?? '';
  const ref = volume.spec?.claimRef;
  const refuse = (...reasons: string[]): Refusal => ({ target: { kind: 'PersistentVolume', name }, reasons });
  const noop = (reason: string): Refusal => ({ target: { kind: 'PersistentVolume', name }, reasons: [reason], noop: true });
  const phase = volume.status?.phase ?? 'unknown';
  if (!ref) return noop('it has no claimRef: nothing to clear');
  if (!ref.uid && !opts.full) return noop(`its claimRef (${ref.namespace}/${ref.name}) has no uid: already pre-bound (--full clears it entirely)`);
  if (volume.metadata?.deletionTimestamp) return refuse('it is being deleted');
  const reasons: string[] = [];
  if (phase !== 'Released' && !opts.force) reasons.push(`it is ${phase}, not Released (--force to change it anyway)`);
  // Removing the uid under a live Bound claim makes syncBoundClaim mark that
  // claim Lost (ClaimMisbound) for good; nulling it is undone by the binder.
  // An ordinal's data belongs to that ordinal: with the claimRef gone, a re-created set's
  // claims bind its PVs in whatever order the binder meets them (issue #25).
  const ordinal = ref.name ? parseOrdinalName(ref.name) : undefined;
  if (opts.full && ordinal && opts.confirmAnyClaim !== ref.name) {
    reasons.push(
      `it holds the data of claim ${ref.namespace}/${ref.name}, ordinal ${ordinal.ordinal} of a StatefulSet's claims "${ordinal.prefix}-<n>": --full lets any claim bind it, and a re-created set's claims would take these PVs in any order. Leave out --full to keep it for that ordinal, or state that any claim may take its data: --confirm-any-claim=${ref.name}`,
    );
  }
  if (liveClaim && ref.uid && liveClaim.metadata?.uid === ref.uid && !opts.force) {
    reasons.push(
      `its claimRef uid belongs to the live claim ${ref.namespace}/${ref.name} (${liveClaim.status?.phase ?? 'unknown'}): clearing it would leave that claim Lost (ClaimMisbound)`,
    );
  }
  if (reasons.length > 0) return refuse(...reasons);

  const after = clone(volume);
  const patch = preconditions(volume);
  if (ref.uid) patch.push({ op: 'test', path: '/spec/claimRef/uid', value: ref.uid });
  if (opts.full) {
    patch.push({ op: 'remove', path: pointer('spec', 'claimRef') });
    delete after.spec!.claimRef;
  } else {
    patch.push({ op: 'remove', path: pointer('spec', 'claimRef', 'uid') });
    delete after.spec!.claimRef!.uid;
    if (ref.resourceVersion !== undefined) {
      patch.push({ op: 'remove', path: pointer('spec', 'claimRef', 'resourceVersion') });
      delete after.spec!.claimRef!.resourceVersion;
    }
  }
  // Whose data this is, kept on the PV: the audit reports it bound to another ordinal (PV-012).
  const owned = ['/spec/claimRef'];
  if (ordinal) owned.push(annotate(volume, after, patch, HELD_CLAIM_ANNOTATION, `${ref.namespace}/${ref.name}`));
  const warnings: string[] = [];
  const policy = volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
  if (policy === 'Delete' || policy === 'Recycle') {
    warnings.push(
      `reclaim policy is ${policy}: if this PV is released again its data will be ${policy === 'Delete' ? 'deleted' : 'scrubbed'}; consider patching persistentVolumeReclaimPolicy to Retain`,
    );
  }
  if (opts.full)
    warnings.push('claimRef becomes null: ANY claim that matches (class, size, access modes, selector) can bind this PV and read its retained data');
  if (liveClaim && ref.uid && liveClaim.metadata?.uid === ref.uid)
    warnings.push(`--force: claim ${ref.namespace}/${ref.name} still holds this PV and will become Lost`);
  const notes = opts.full
    ? ['the PV becomes Available for any matching claim']
    : liveClaim
      ? [`claim ${ref.namespace}/${ref.name} (${liveClaim.status?.phase}, uid ${liveClaim.metadata?.uid}) will bind this PV on the binder's next sync`]
      : [`the PV stays reserved for ${ref.namespace}/${ref.name}: a claim created with that name binds it`];
  return {
    target: targetOf('PersistentVolume', volume),
    summary: opts.full ? `clear claimRef of PV ${name}` : `remove the stale uid from PV ${name}'s claimRef (keep ${ref.namespace}/${ref.name})`,
    before: volume,
    after,
    steps: [{ kind: 'patch', path: objectPath('PersistentVolume', name), patch, description: 'JSON patch with test preconditions' }],
    permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumes' }],
    warnings,
    owned,
    notes,
  };
}
