import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, optional, PLUGIN, quoteEvents } from './helpers.js';
import { expansionState } from '../kube/expansion.js';
import { formatBytes } from '../kube/quantity.js';
import { formatDuration } from '../kube/time.js';
import { eventTime } from '../snapshot/cluster-snapshot.js';

const RESIZER_ANNOTATION = 'volume.kubernetes.io/storage-resizer';

export const pvcExpansionStuck = defineCheck({
  id: 'pvc-expansion-stuck',
  code: 'PVC-010',
  severity: 'warning',
  title: 'A volume expansion is stuck',
  rationale:
    'Growing a claim goes through the volume-expand controller, which hands CSI volumes to the driver\'s external resizer ("waiting for an external controller to expand this PVC", event ExternalExpanding), then, for a file system, through the kubelet of the node that mounts it (condition FileSystemResizePending). It stops for good when no resizer runs for the driver, when no pod mounts the claim, or when the resizer records the new size as infeasible (allocatedResourceStatuses ControllerResizeInfeasible or NodeResizeInfeasible); the claim then asks for more than it has, and while it does it cannot be resized again. Since RecoverVolumeExpansionFailure (GA in 1.34) the request may be lowered again, to any value above status.capacity.',
  remediation:
    "Infeasible: lower the request with `kubectl sts-storage recover-expansion CLAIM --to SIZE` (more than status.capacity, less than the request), then ask for what the driver can give. File system pending: start a pod that mounts the claim (scale the StatefulSet up to its ordinal). No resizer: install or fix the CSI driver's external-resizer sidecar.",
  needs: ['persistentvolumeclaims', 'pods', 'events', 'persistentvolumes'],
  find(snapshot, options) {
    const findings: FindingDraft[] = [];
    for (const claim of snapshot.claims) {
      const state = expansionState(claim);
      if (!state.midResize) continue;
      const name = claim.metadata?.name ?? '';
      const sizes = `asks for ${formatBytes(state.request)} and has ${formatBytes(state.capacity)}`;
      const events = snapshot.eventsFor('PersistentVolumeClaim', claim, ['VolumeResizeFailed', 'ExternalExpanding', 'FileSystemResizeFailed']);
      const evidence = [
        ...(state.status
          ? [
              `allocatedResourceStatuses.storage: ${state.status}${state.allocated !== undefined ? ` (allocatedResources ${formatBytes(state.allocated)})` : ''}`,
            ]
          : []),
        ...state.conditions.map((c) => `condition ${c.type}${c.since ? ` since ${c.since}` : ''}${c.message ? `: ${c.message}` : ''}`),
        ...quoteEvents(snapshot, events, 2),
      ];
      if (state.infeasible) {
        const capacity = formatBytes(state.capacity);
        findings.push(
          claimFinding(snapshot, claim, {
            severity: 'error',
            related: [],
            message: `claim ${name} ${sizes}: the resizer says the expansion is infeasible (${state.status}); lower the request to more than ${capacity} (status.capacity) to recover`,
            evidence,
            fix: {
              command: `${PLUGIN} recover-expansion ${name} -n ${claim.metadata?.namespace} --to SIZE`,
              description: `lower the request to a SIZE the driver can give, more than ${capacity}`,
            },
          }),
        );
        continue;
      }
      const fsPending = state.conditions.find((c) => c.type === 'FileSystemResizePending');
      if (fsPending) {
        const mounted = snapshot.podsUsingClaim(claim).filter((p) => p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
        if (mounted.length > 0) continue;
        findings.push(
          claimFinding(snapshot, claim, {
            related: [],
            message: `claim ${name} waits for its file system to be resized (FileSystemResizePending), which only the kubelet of a node mounting it does, and no running pod uses it`,
            evidence: [
              ...evidence,
              ...optional(
                snapshot.podsUsingClaim(claim).length
                  ? `pods ${snapshot
                      .podsUsingClaim(claim)
                      .map((p) => p.metadata?.name)
                      .join(', ')} use it but none is running on a node`
                  : undefined,
              ),
            ],
          }),
        );
        continue;
      }
      // Waiting for a resizer: nothing recorded beyond the controller's hand-over, past the threshold.
      if (state.status !== undefined || state.conditions.length > 0) continue;
      const handOver = events.find((e) => e.reason === 'ExternalExpanding');
      const since = handOver ? eventTime(handOver) : undefined;
      if (since === undefined || snapshot.now - since < options.pendingThresholdMs) continue;
      const resizer = claim.metadata?.annotations?.[RESIZER_ANNOTATION];
      const volume = snapshot.volume(claim.spec?.volumeName);
      const driver = resizer ?? volume?.spec?.csi?.driver;
      findings.push(
        claimFinding(snapshot, claim, {
          related: volume ? [{ kind: 'PersistentVolume', name: volume.metadata?.name ?? '' }] : [],
          message: `claim ${name} ${sizes}: the volume-expand controller handed it to an external resizer${driver ? ` (${driver})` : ''} ${formatDuration(snapshot.now - since)} ago, and none has acted`,
          evidence: [...evidence, ...optional(resizer ? `annotation ${RESIZER_ANNOTATION}: ${resizer}` : undefined)],
        }),
      );
    }
    return findings;
  },
});
