import { defineCheck, type FindingDraft } from './check.js';
import { volumeFinding } from './helpers.js';
import { driverOfVolume, driverRegistry, isRegistered } from '../kube/csi.js';

export const pvCsiDriverMissing = defineCheck({
  id: 'pv-csi-driver-missing',
  code: 'PV-009',
  severity: 'error',
  title: 'A PV needs a CSI driver that no node has registered',
  rationale:
    'A CSI volume is attached and mounted by its driver: the kubelet of each node registers the drivers it runs in that node\'s CSINode, and a driver usually has a CSIDriver object. In-tree sources of cloud disks (awsElasticBlockStore, gcePersistentDisk, azureDisk, azureFile, cinder, vsphereVolume, portworxVolume) are served only through CSI migration, by the driver they translate to. When a driver was removed or renamed, its Bound PVs are stranded: pods using them fail with "driver name ... not found in the list of registered CSI drivers" (openshift/lvm-operator#294, linode-blockstorage-csi-driver#330).',
  remediation:
    "Install (or re-install under the same name) the CSI driver the PV names; a PV's driver cannot be changed, so moving to another driver means copying the data to a new claim.",
  needs: ['persistentvolumes', 'csidrivers', 'csinodes', 'persistentvolumeclaims', 'pods'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    // Without any CSINode there is no kubelet to ask (a control plane alone): nothing can be said.
    if (snapshot.csiNodes.length === 0 && snapshot.csiDrivers.length === 0) return findings;
    const registry = driverRegistry(snapshot.csiDrivers, snapshot.csiNodes);
    for (const volume of snapshot.volumes) {
      const need = driverOfVolume(volume);
      if (!need || isRegistered(registry, need.driver) || !snapshot.volumeInScope(volume)) continue;
      const ref = volume.spec?.claimRef;
      const claim = snapshot.claim(ref?.namespace, ref?.name);
      const used = claim ? snapshot.podsUsingClaim(claim).length > 0 : false;
      findings.push(
        volumeFinding(snapshot, volume, {
          severity: used ? undefined : 'warning',
          related: claim ? [{ kind: 'PersistentVolumeClaim', namespace: claim.metadata?.namespace, name: claim.metadata?.name ?? '' }] : [],
          message: `PV ${volume.metadata?.name} needs CSI driver ${need.driver}${need.migratedFrom ? ` (its in-tree ${need.migratedFrom} source is served through CSI migration)` : ''}, which has no CSIDriver object and which no node's CSINode lists: no node can attach or mount it`,
          evidence: [
            `registered drivers: ${[...new Set([...registry.objects, ...registry.nodes.keys()])].sort().join(', ') || 'none'}`,
            ...(used
              ? [
                  `claim ${claim!.metadata?.name} is used by pod ${snapshot
                    .podsUsingClaim(claim!)
                    .map((p) => p.metadata?.name)
                    .join(', ')}`,
                ]
              : []),
          ],
        }),
      );
    }
    return findings;
  },
});
