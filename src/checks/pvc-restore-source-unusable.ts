import { defineCheck, type FindingDraft } from './check.js';
import { ageOf, claimFinding, quoteEvents } from './helpers.js';
import { restoreSourceProblem } from '../analysis/restore-source.js';
import { formatDuration } from '../kube/time.js';

export const pvcRestoreSourceUnusable = defineCheck({
  id: 'pvc-restore-source-unusable',
  code: 'PVC-015',
  severity: 'error',
  title: 'Pending, restoring from a VolumeSnapshot that cannot be used',
  rationale:
    'external-provisioner provisions a claim whose dataSource is a VolumeSnapshot only when the snapshot exists in the claim\'s namespace, is not being deleted, is bound to a content that points back at it, was taken by the driver of the claim\'s StorageClass, is readyToUse, and its restoreSize is not larger than the request ("requested volume size ... is less than the size ... for the source snapshot"). Otherwise it records ProvisioningFailed and retries for ever: the claim stays Pending.',
  remediation:
    "Fix what the evidence names: wait for or repair the snapshot (its status.error), ask at least the restoreSize, or use a StorageClass whose provisioner is the snapshot's driver. The dataSource of a claim is immutable: re-create the Pending claim (it holds no data yet) with the corrected spec.",
  needs: ['persistentvolumeclaims', 'volumesnapshots'],
  find(snapshot, options) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      if (claim.status?.phase !== 'Pending' || claim.spec?.volumeName) continue;
      const problem = restoreSourceProblem(snapshot, claim);
      if (!problem) continue;
      // A snapshot still being cut is normal for a while; report it only past the threshold.
      const age = ageOf(snapshot, claim);
      if (problem.mayResolve && (age === undefined || age < options.pendingThresholdMs)) continue;
      const events = snapshot.has('events') ? snapshot.eventsFor('PersistentVolumeClaim', claim, ['ProvisioningFailed']) : [];
      findings.push(
        claimFinding(snapshot, claim, {
          related: [{ kind: 'VolumeSnapshot', namespace: claim.metadata?.namespace, name: problem.snapshotName }],
          message: `claim ${claim.metadata?.name} restores from VolumeSnapshot ${problem.snapshotName}, which cannot be used: ${problem.problem}`,
          evidence: [
            ...(events.length ? quoteEvents(snapshot, events, 2) : [`the provisioner's words for it: "${problem.provisionerSays}"`]),
            ...(problem.mayResolve && age !== undefined ? [`Pending for ${formatDuration(age)}`] : []),
          ],
        }),
      );
    }
    return findings;
  },
});
