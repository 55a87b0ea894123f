import { defineCheck, type FindingDraft } from './check.js';
import { volumeFinding } from './helpers.js';
import { REMOVED_IN_TREE, removedInTreeSource } from '../kube/csi.js';

export const pvInTreePluginRemoved = defineCheck({
  id: 'pv-in-tree-plugin-removed',
  code: 'PV-010',
  severity: 'error',
  title: 'A PV uses an in-tree volume plugin that Kubernetes no longer has',
  rationale:
    'Kubernetes removed several in-tree volume plugins without a CSI migration path: rbd and cephfs in 1.31, glusterfs in 1.26, flocker, quobyte and storageos in 1.25, scaleIO in 1.22 (none is in pkg/volume of any release this tool supports). A PV with such a source still exists after an upgrade, but no node can mount it: its pods fail to start. (Cloud-disk sources are served through CSI migration instead; PV-009 checks their driver.)',
  remediation:
    "Copy the data to a volume of the storage system's CSI driver (for Ceph, ceph-csi) while a node of an older release can still mount it, or from the storage system itself, then bind a new claim to it (prebind).",
  needs: ['persistentvolumes'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const volume of snapshot.volumes) {
      const source = removedInTreeSource(volume);
      if (!source || !snapshot.volumeInScope(volume)) continue;
      findings.push(
        volumeFinding(snapshot, volume, {
          related: [],
          message: `PV ${volume.metadata?.name} uses the in-tree ${source} volume plugin, which Kubernetes${snapshot.serverVersion ? ` ${snapshot.serverVersion.gitVersion}` : ''} no longer has: no node can mount it; move the data to ${REMOVED_IN_TREE[source]}`,
          evidence: [`spec.${source} is set`],
        }),
      );
    }
    return findings;
  },
});
