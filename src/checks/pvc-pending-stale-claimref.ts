import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, claimRefText, commands, quoteEvents } from './helpers.js';
import { staleClaimRefVolumes } from '../analysis/claim-analysis.js';

export const pvcPendingStaleClaimref = defineCheck({
  id: 'pvc-pending-stale-claimref',
  code: 'PVC-003',
  severity: 'error',
  title: "Pending because a Released PV still holds the deleted claim's uid",
  rationale:
    "When a claim is deleted, a Retain PV becomes Released and keeps claimRef with the old claim's uid and resourceVersion. IsVolumeBoundToClaim compares that uid with the re-created claim's and they differ, so FindMatchingVolume skips the PV and the new claim of the same name stays Pending; without spec.volumeName there is no event naming the PV, so this is found by comparing claimRef with the live claims.",
  remediation:
    'Remove the stale uid and resourceVersion from the PV\'s claimRef, keeping its namespace and name, so the binder gives the PV to the re-created claim: `kubectl sts-storage fix-claimref PV` (by hand: kubectl patch pv PV --type json -p \'[{"op":"remove","path":"/spec/claimRef/uid"},{"op":"remove","path":"/spec/claimRef/resourceVersion"}]\').',
  needs: ['persistentvolumeclaims', 'persistentvolumes'],
  // The same stale claimRef, seen from the claim: PV-002 names the PV to repair.
  followsFrom: { codes: ['PV-002'], on: 'related' },
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      if (claim.status?.phase !== 'Pending') continue;
      for (const volume of staleClaimRefVolumes(snapshot, claim)) {
        const pv = volume.metadata?.name ?? '';
        findings.push(
          claimFinding(snapshot, claim, {
            related: [{ kind: 'PersistentVolume', name: pv }],
            message: `claim ${claim.metadata?.name} is Pending: PV ${pv} is ${volume.status?.phase ?? 'unbound'} and its claimRef still holds the uid of a deleted claim of the same name`,
            evidence: [
              `PV ${pv} ${claimRefText(volume)}`,
              `claim uid: ${claim.metadata?.uid ?? 'unknown'}`,
              ...quoteEvents(snapshot, snapshot.eventsFor('PersistentVolumeClaim', claim, ['FailedBinding']), 1),
            ],
            fix: {
              command: commands.fixClaimRef(pv),
              description: `remove the stale uid so PV ${pv} binds to claim ${claim.metadata?.name} again, data intact`,
            },
          }),
        );
      }
    }
    return findings;
  },
});
