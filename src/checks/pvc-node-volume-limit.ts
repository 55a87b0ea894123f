import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, listOf, quoteEvents } from './helpers.js';
import { driverOfVolume, driverRegistry } from '../kube/csi.js';
import { nodeMatchesSelectorTerms } from '../kube/labels.js';

export const pvcNodeVolumeLimit = defineCheck({
  id: 'pvc-node-volume-limit',
  code: 'PVC-014',
  severity: 'error',
  title: "The nodes a pod can use have reached their CSI driver's volume limit",
  rationale:
    "Each node's kubelet reports in its CSINode how many volumes of a driver the node can have attached (allocatable.count, the cloud's per-instance limit), and the scheduler's NodeVolumeLimits plugin skips a node that has reached it (\"node(s) exceed max volume count\", kubernetes#80286, karpenter#2287). A StatefulSet pod whose claim must attach there stays Pending although the claim is Bound.",
  remediation: 'Add nodes (or larger instance types with a higher limit), or move volumes off the full nodes; a zonal or local PV narrows which nodes count.',
  needs: ['persistentvolumeclaims', 'persistentvolumes', 'pods', 'nodes', 'events', 'volumeattachments', 'csinodes', 'csidrivers'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    const registry = driverRegistry(snapshot.csiDrivers, snapshot.csiNodes);
    for (const claim of snapshot.claims) {
      const volume = snapshot.volume(claim.spec?.volumeName);
      const driver = volume ? driverOfVolume(volume)?.driver : undefined;
      if (!volume || !driver) continue;
      const pod = snapshot.podsUsingClaim(claim).find((p) => !p.spec?.nodeName && !p.metadata?.deletionTimestamp);
      if (!pod) continue;
      const said = snapshot.eventsFor('Pod', pod, ['FailedScheduling']).filter((e) => /max volume count/.test(e.message ?? ''));
      if (said.length === 0) continue;
      const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms;
      const full: string[] = [];
      for (const node of snapshot.nodes) {
        if (terms?.length && !nodeMatchesSelectorTerms(node, terms)) continue;
        const name = node.metadata?.name ?? '';
        const limit = registry.limits.get(name)?.get(driver);
        if (limit === undefined) continue;
        const attached = snapshot.volumeAttachments.filter((va) => va.spec?.nodeName === name && va.spec?.attacher === driver).length;
        if (attached >= limit) full.push(`${name} (${attached} of ${limit})`);
      }
      if (full.length === 0) continue;
      findings.push(
        claimFinding(snapshot, claim, {
          related: [{ kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '' }],
          message: `pod ${pod.metadata?.name} stays Pending: the nodes its claim ${claim.metadata?.name} can attach to have reached the volume limit of driver ${driver}: ${listOf(full)} (CSINode allocatable.count)`,
          evidence: quoteEvents(snapshot, said, 1),
        }),
      );
    }
    return findings;
  },
});
