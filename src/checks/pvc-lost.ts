import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, quoteEvents } from './helpers.js';

export const pvcLost = defineCheck({
  id: 'pvc-lost',
  code: 'PVC-007',
  severity: 'error',
  title: "Lost: the claim's PV is gone or bound elsewhere",
  rationale:
    'syncBoundClaim marks a claim that has completed binding Lost when its PV no longer exists (ClaimLost "Bound claim has lost its PersistentVolume. Data on the volume is lost!") or when the PV\'s claimRef carries another uid (ClaimMisbound "Two claims are bound to the same volume, this one is bound incorrectly"). A Lost claim never recovers in place: volumeName is immutable.',
  remediation:
    "If the PV still exists, make its claimRef point at this claim's uid again; otherwise restore the data to a new PV and recreate the claim. Pods using the claim cannot start meanwhile.",
  needs: ['persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      if (claim.status?.phase !== 'Lost') continue;
      const pvName = claim.spec?.volumeName;
      const pv = snapshot.has('persistentvolumes') ? snapshot.volume(pvName) : undefined;
      const state = !snapshot.has('persistentvolumes')
        ? `its PV ${pvName ?? '(none)'} could not be read`
        : !pv
          ? `its PV ${pvName ?? '(none)'} no longer exists`
          : !pv.spec?.claimRef
            ? `its PV ${pvName} has no claimRef: it no longer names this claim`
            : pv.spec.claimRef.uid
              ? `its PV ${pvName} is bound to ${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name} uid=${pv.spec.claimRef.uid}`
              : `its PV ${pvName} is reserved for ${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name} (a claimRef without uid)`;
      findings.push(
        claimFinding(snapshot, claim, {
          related: pvName ? [{ kind: 'PersistentVolume', name: pvName }] : [],
          message: `claim ${claim.metadata?.name} is Lost: ${state}`,
          evidence: quoteEvents(snapshot, snapshot.eventsFor('PersistentVolumeClaim', claim, ['ClaimLost', 'ClaimMisbound']), 2),
        }),
      );
    }
    return findings;
  },
});
