import { defineCheck, type FindingDraft } from './check.js';
import { phaseSince } from '../kube/lifecycle.js';
import { claimRefText, commands, optional, releasedWithClaimUid, volumeFinding } from './helpers.js';

export const pvReleasedStaleClaimref = defineCheck({
  id: 'pv-released-stale-claimref',
  code: 'PV-002',
  severity: 'error',
  title: 'Released while a claim of the same name exists under another uid',
  rationale:
    "The claim was deleted and created again with the same namespace and name (a StatefulSet recreating <template>-<set>-<ordinal>, or a re-applied manifest). The PV's claimRef still carries the deleted claim's uid, IsVolumeBoundToClaim rejects the new claim, and the new claim stays Pending while its data sits on this PV.",
  remediation:
    'Remove claimRef.uid and claimRef.resourceVersion and keep namespace/name: `kubectl sts-storage fix-claimref PV`; the binder then binds the PV to the waiting claim.',
  // One Released PV of a set's ordinal is part of that set's missing data (STS-016), restored with the rest.
  followsFrom: { codes: ['STS-016'], on: 'statefulset' },
  needs: ['persistentvolumes', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const { volume, ref, claim, pv } of releasedWithClaimUid(snapshot)) {
      if (!claim || claim.metadata?.uid === ref.uid || claim.status?.phase !== 'Pending') continue;
      findings.push(
        volumeFinding(snapshot, volume, {
          related: [{ kind: 'PersistentVolumeClaim', namespace: ref.namespace, name: ref.name }],
          message: `PV ${pv} is Released while claim ${ref.namespace}/${ref.name} waits Pending: the claimRef holds the deleted claim's uid ${ref.uid}, the live claim has ${claim.metadata?.uid}`,
          evidence: [
            claimRefText(volume),
            `live claim uid: ${claim.metadata?.uid}`,
            `reclaim policy: ${volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}`,
            ...optional(phaseSince(volume, snapshot.now)),
          ],
          fix: { command: commands.fixClaimRef(pv), description: `remove the stale uid so the waiting claim ${ref.name} binds this PV and its data` },
        }),
      );
    }
    return findings;
  },
});
