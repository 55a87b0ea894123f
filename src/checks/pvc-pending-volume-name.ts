import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, claimRefText, quoteEvents } from './helpers.js';
import { volumeNameProblem } from '../analysis/claim-analysis.js';

export const pvcPendingVolumeName = defineCheck({
  id: 'pvc-pending-volume-name',
  code: 'PVC-004',
  severity: 'error',
  title: 'Pending because spec.volumeName names a PV that is missing, taken or unfit',
  rationale:
    'A claim with spec.volumeName binds only that PV. If the PV does not exist the claim waits silently; if it is bound to another claim the binder reports FailedBinding "volume ... already bound to a different claim."; if it does not satisfy the claim it reports VolumeMismatch. volumeName cannot be changed once set.',
  remediation:
    'Create the named PV, or free it (`kubectl sts-storage prebind PV --claim NS/NAME --force` once its current claim is gone); otherwise recreate the claim without volumeName.',
  needs: ['persistentvolumeclaims', 'persistentvolumes'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      if (claim.status?.phase !== 'Pending') continue;
      const problem = volumeNameProblem(snapshot, claim);
      if (!problem) continue;
      const events = quoteEvents(snapshot, snapshot.eventsFor('PersistentVolumeClaim', claim, ['FailedBinding', 'VolumeMismatch']), 2);
      let message: string;
      const evidence = [`spec.volumeName: ${problem.name}`];
      if (problem.kind === 'missing') {
        message = `claim ${claim.metadata?.name} is Pending: spec.volumeName names PV ${problem.name}, which does not exist`;
      } else if (problem.kind === 'other-claim') {
        const r = problem.volume.spec?.claimRef;
        message = `claim ${claim.metadata?.name} is Pending: spec.volumeName names PV ${problem.name}, which is bound to claim ${r?.namespace}/${r?.name}`;
        evidence.push(`PV ${problem.name} ${claimRefText(problem.volume)}`);
      } else {
        message = `claim ${claim.metadata?.name} is Pending: PV ${problem.name} named by spec.volumeName cannot satisfy it: ${problem.reasons.join('; ')}`;
      }
      findings.push(
        claimFinding(snapshot, claim, {
          related: [{ kind: 'PersistentVolume', name: problem.name }],
          message,
          evidence: [...evidence, ...events],
        }),
      );
    }
    return findings;
  },
});
