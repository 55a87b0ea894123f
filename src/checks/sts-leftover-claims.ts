import { defineCheck, type FindingDraft } from './check.js';
import { optional, setFinding } from './helpers.js';
import { unusedSince } from '../kube/lifecycle.js';
import { isOrdinalInRange, replicasOf, startOrdinal } from '../kube/statefulset.js';

export const stsLeftoverClaims = defineCheck({
  id: 'sts-leftover-claims',
  code: 'STS-010',
  severity: 'info',
  title: 'Claims left for ordinals outside the replica range',
  rationale:
    'With persistentVolumeClaimRetentionPolicy.whenScaled: Retain (the default) a scale-down keeps the claims of removed ordinals. They keep their volumes (and cost), and a later scale-up reuses them as they are, with their old data.',
  remediation: 'Keep them if the set will scale up again; otherwise back up and delete them yourself (this tool never deletes claims).',
  needs: ['statefulsets', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      const owner = snapshot.claimOwner(claim.metadata?.namespace, claim.metadata?.name ?? '');
      if (!owner || isOrdinalInRange(owner.sts, owner.ordinal)) continue;
      const sts = owner.sts;
      const start = startOrdinal(sts);
      const policy = sts.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain';
      findings.push(
        setFinding(sts, {
          related: [{ kind: 'PersistentVolumeClaim', namespace: claim.metadata?.namespace, name: claim.metadata?.name ?? '' }],
          message:
            owner.ordinal >= start
              ? `claim ${claim.metadata?.name} is left from ordinal ${owner.ordinal} of statefulset ${sts.metadata?.name} (replicas ${replicasOf(sts)}); a scale-up to ${owner.ordinal - start + 1} reuses it with its data`
              : `claim ${claim.metadata?.name} is left from ordinal ${owner.ordinal}, below ordinals.start ${start} of statefulset ${sts.metadata?.name}`,
          evidence: [
            `persistentVolumeClaimRetentionPolicy.whenScaled: ${policy}`,
            `claim phase: ${claim.status?.phase ?? 'unknown'}${claim.spec?.volumeName ? `, volume ${claim.spec.volumeName}` : ''}`,
            ...optional(unusedSince(claim, snapshot.now)),
          ],
        }),
      );
    }
    return findings;
  },
});
