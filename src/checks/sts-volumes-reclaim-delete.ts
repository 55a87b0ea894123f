import { defineCheck, type FindingDraft } from './check.js';
import { commands, listOf, setFinding } from './helpers.js';
import { setExposure } from '../analysis/deletion-paths.js';

export const stsVolumesReclaimDelete = defineCheck({
  id: 'sts-volumes-reclaim-delete',
  code: 'STS-015',
  severity: 'info',
  title: "The set's data is deleted with its claims (reclaimPolicy Delete)",
  rationale:
    "A PV with persistentVolumeReclaimPolicy Delete is deleted, with the disk behind it, as soon as its claim is deleted: by hand, with the namespace, by the retention policy or by an owner's garbage collection. Delete is what a StorageClass gives the PVs it provisions when its reclaimPolicy is unset, so it is the usual state of dynamically provisioned StatefulSet data. A StorageClass cannot be changed, so the claims a scale-up creates get Delete again.",
  remediation:
    'Set the PVs to Retain with `kubectl sts-storage protect STS` (undo restores them); for new ordinals, move the template to a StorageClass with `reclaimPolicy: Retain` (generate-template or a re-created set), or run protect again after each scale-up.',
  needs: ['statefulsets', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const exposure = setExposure(snapshot, sts);
      const volumes = exposure.claims.filter((c) => c.volume && c.volumeDeletedWithClaim && c.claim.status?.phase === 'Bound');
      if (volumes.length === 0 && exposure.deletingClasses.length === 0) continue;
      const names = volumes.map((c) => c.volume?.metadata?.name ?? '');
      const parts: string[] = [];
      if (names.length > 0)
        parts.push(
          `${names.length === 1 ? 'PV' : 'PVs'} ${listOf(names)} of statefulset ${sts.metadata?.name} ${names.length === 1 ? 'has' : 'have'} reclaimPolicy Delete: deleting ${names.length === 1 ? 'its claim' : 'a claim'} deletes the volume and its data`,
        );
      for (const c of exposure.deletingClasses)
        parts.push(
          `new claims of template ${c.template}${names.length === 0 ? ` of statefulset ${sts.metadata?.name}` : ''} get PVs from StorageClass ${c.className}${c.isDefault ? ' (the default class)' : ''} with reclaimPolicy Delete`,
        );
      findings.push(
        setFinding(sts, {
          related: volumes.map((c) => ({ kind: 'PersistentVolume', name: c.volume?.metadata?.name ?? '' })),
          message: parts.join('; '),
          evidence: [
            ...volumes.map((c) => `PV ${c.volume?.metadata?.name} holds claim ${c.claim.metadata?.name} (ordinal ${c.ordinal})`),
            ...exposure.deletingClasses.map(
              (c) =>
                `StorageClass ${c.className}: provisioner ${c.provisioner}, reclaimPolicy ${c.reclaimPolicy ?? 'unset (Delete)'}; a StorageClass cannot be changed`,
            ),
          ],
          fix: names.length > 0 ? { command: commands.protect(sts), description: 'set every PV of the set to reclaimPolicy Retain' } : undefined,
        }),
      );
    }
    return findings;
  },
});
