import { defineCheck, type FindingDraft } from './check.js';
import { phaseSince } from '../kube/lifecycle.js';
import { claimRefText, commands, optional, PLUGIN, releasedWithClaimUid, volumeFinding } from './helpers.js';

export const pvReleasedClaimGone = defineCheck({
  id: 'pv-released-claim-gone',
  code: 'PV-001',
  severity: 'warning',
  title: 'Released: its claim is gone and the stale claimRef keeps the PV unusable',
  rationale:
    'After its claim is deleted, a Retain PV moves to Released (syncVolume: "claim has a newer UID than pv.ClaimRef, the old one must have been deleted") and keeps claimRef with the old uid and resourceVersion. No claim can bind it until an administrator clears them: the data is kept, and nothing can use it.',
  remediation:
    "To give it back to a claim of the same name (a StatefulSet ordinal that will be re-created, a re-applied manifest): `kubectl sts-storage fix-claimref PV`, which removes only the stale uid and keeps the PV reserved for that name. To give it to a chosen claim: `kubectl sts-storage prebind PV --claim NS/NAME`. Clearing the claimRef entirely (`fix-claimref PV --full`) lets any matching claim take the data; for a PV that held a StatefulSet ordinal it hands that ordinal's data to whichever claim binds first, so it is refused unless you name the ordinal's claim with --confirm-any-claim.",
  // One Released PV of a set's ordinal is part of that set's missing data (STS-016, or PV-011 when the set is gone too), restored with the rest.
  followsFrom: [
    { codes: ['STS-016'], on: 'statefulset' },
    { codes: ['PV-011'], on: 'listed' },
  ],
  needs: ['persistentvolumes', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const { volume, ref, claim, pv } of releasedWithClaimUid(snapshot)) {
      const owner = snapshot.claimOwner(ref.namespace, ref.name);
      const policy = volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
      const evidence = [claimRefText(volume), `reclaim policy: ${policy}`, ...optional(phaseSince(volume, snapshot.now))];
      if (policy !== 'Retain')
        evidence.push(`reclaim policy ${policy}: the controller should have ${policy === 'Delete' ? 'deleted' : 'recycled'} it; it is stuck`);
      let message: string;
      if (!claim) {
        message = `PV ${pv} is Released: claim ${ref.namespace}/${ref.name} was deleted, and the claimRef still holds its uid`;
      } else if (claim.metadata?.uid !== ref.uid && claim.status?.phase === 'Bound') {
        message = `PV ${pv} is Released: claim ${ref.namespace}/${ref.name} was recreated and bound to PV ${claim.spec?.volumeName}; this PV's data is attached nowhere`;
      } else {
        continue; // a Pending claim of that name is PV-002's
      }
      if (owner) evidence.push(`statefulset ${owner.sts.metadata?.name} will recreate claim ${ref.name} for ordinal ${owner.ordinal}`);
      if (claim) evidence.push(`to give this data to a claim: ${PLUGIN} prebind ${pv} --claim NAMESPACE/CLAIM`);
      findings.push(
        volumeFinding(snapshot, volume, {
          related: [{ kind: 'PersistentVolumeClaim', namespace: ref.namespace, name: ref.name }],
          message,
          evidence,
          // Never --full: followed blindly it hands the data to whichever claim binds first.
          // A claim of that name bound elsewhere leaves a choice only the user can make (explain PV-001).
          ...(!claim
            ? {
                fix: {
                  command: commands.fixClaimRef(pv),
                  description: `keep the reservation for ${ref.namespace}/${ref.name} without the old uid, so the claim of that name gets this PV and its data${owner ? ' when the set re-creates it' : ''}`,
                },
              }
            : {}),
        }),
      );
    }
    return findings;
  },
});
