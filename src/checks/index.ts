// The catalog, in the order of the README. Register every check here
// explicitly: `ls src/checks` and this list must agree (a test checks it).
import type { Check } from './check.js';
import { stsMountUndefined } from './sts-mount-undefined.js';
import { stsTemplateUnmounted } from './sts-template-unmounted.js';
import { stsVolumeClaimMissing } from './sts-volume-claim-missing.js';
import { stsVolumeShadowed } from './sts-volume-shadowed.js';
import { stsFailedCreate } from './sts-failed-create.js';
import { stsTemplateClassMissing } from './sts-template-class-missing.js';
import { stsServiceMissing } from './sts-service-missing.js';
import { stsOrdinalClaimStuck } from './sts-ordinal-claim-stuck.js';
import { stsClaimTemplateDrift } from './sts-claim-template-drift.js';
import { stsLeftoverClaims } from './sts-leftover-claims.js';
import { stsImmutableChange } from './sts-immutable-change.js';
import { stsBeingDeleted } from './sts-being-deleted.js';
import { stsScaleDownDeletesClaims } from './sts-scale-down-deletes-claims.js';
import { stsDeletionDeletesClaims } from './sts-deletion-deletes-claims.js';
import { stsVolumesReclaimDelete } from './sts-volumes-reclaim-delete.js';
import { stsRetainedVolumes } from './sts-retained-volumes.js';
import { stsClaimSizesUneven } from './sts-claim-sizes-uneven.js';
import { stsPodStuckOnLostNode } from './sts-pod-stuck-on-lost-node.js';
import { pvcPendingNoMatch } from './pvc-pending-no-match.js';
import { pvcPendingClassMissing } from './pvc-pending-class-missing.js';
import { pvcPendingStaleClaimref } from './pvc-pending-stale-claimref.js';
import { pvcPendingVolumeName } from './pvc-pending-volume-name.js';
import { pvcPendingProvisioner } from './pvc-pending-provisioner.js';
import { pvcPendingFirstConsumer } from './pvc-pending-first-consumer.js';
import { pvcLost } from './pvc-lost.js';
import { pvcBeingDeleted } from './pvc-being-deleted.js';
import { pvcOwnerDeletesClaim } from './pvc-owner-deletes-claim.js';
import { pvcExpansionStuck } from './pvc-expansion-stuck.js';
import { pvcExpansionNotAllowed } from './pvc-expansion-not-allowed.js';
import { pvcMultiAttach } from './pvc-multi-attach.js';
import { pvcVolumeTopologyUnreachable } from './pvc-volume-topology-unreachable.js';
import { pvcNodeVolumeLimit } from './pvc-node-volume-limit.js';
import { pvReleasedClaimGone } from './pv-released-claim-gone.js';
import { pvReleasedStaleClaimref } from './pv-released-stale-claimref.js';
import { pvFailed } from './pv-failed.js';
import { pvPreboundUnmatched } from './pv-prebound-unmatched.js';
import { pvBoundClaimGone } from './pv-bound-claim-gone.js';
import { pvNodeAffinityMissingNode } from './pv-node-affinity-missing-node.js';
import { pvBeingDeleted } from './pv-being-deleted.js';
import { pvAttachmentStale } from './pv-attachment-stale.js';
import { pvCsiDriverMissing } from './pv-csi-driver-missing.js';
import { pvInTreePluginRemoved } from './pv-in-tree-plugin-removed.js';
import { pvOrphanedOrdinals } from './pv-orphaned-ordinals.js';
import { pvBoundToOtherOrdinal } from './pv-bound-to-other-ordinal.js';
import { stsOwnerRendersOtherTemplate } from './sts-owner-renders-other-template.js';
import { stsOwnerRevertsTemplate } from './sts-owner-reverts-template.js';
import { stsTemplateDataSource } from './sts-template-data-source.js';
import { stsSnapshotClassUnresolved } from './sts-snapshot-class-unresolved.js';
import { stsSnapshotCoverage } from './sts-snapshot-coverage.js';
import { pvcRestoreSourceUnusable } from './pvc-restore-source-unusable.js';
import { vsNotReady } from './vs-not-ready.js';
import { vsDeletionBlocked } from './vs-deletion-blocked.js';
import { vsContentOrphaned } from './vs-content-orphaned.js';

export const ALL_CHECKS: Check[] = [
  stsMountUndefined,
  stsTemplateUnmounted,
  stsVolumeClaimMissing,
  stsVolumeShadowed,
  stsFailedCreate,
  stsTemplateClassMissing,
  stsServiceMissing,
  stsOrdinalClaimStuck,
  stsClaimTemplateDrift,
  stsLeftoverClaims,
  stsImmutableChange,
  stsBeingDeleted,
  stsScaleDownDeletesClaims,
  stsDeletionDeletesClaims,
  stsVolumesReclaimDelete,
  stsRetainedVolumes,
  stsClaimSizesUneven,
  stsPodStuckOnLostNode,
  stsOwnerRendersOtherTemplate,
  stsOwnerRevertsTemplate,
  stsTemplateDataSource,
  stsSnapshotClassUnresolved,
  stsSnapshotCoverage,
  pvcPendingNoMatch,
  pvcPendingClassMissing,
  pvcPendingStaleClaimref,
  pvcPendingVolumeName,
  pvcPendingProvisioner,
  pvcPendingFirstConsumer,
  pvcLost,
  pvcBeingDeleted,
  pvcOwnerDeletesClaim,
  pvcExpansionStuck,
  pvcExpansionNotAllowed,
  pvcMultiAttach,
  pvcVolumeTopologyUnreachable,
  pvcNodeVolumeLimit,
  pvcRestoreSourceUnusable,
  pvReleasedClaimGone,
  pvReleasedStaleClaimref,
  pvFailed,
  pvPreboundUnmatched,
  pvBoundClaimGone,
  pvNodeAffinityMissingNode,
  pvBeingDeleted,
  pvAttachmentStale,
  pvCsiDriverMissing,
  pvInTreePluginRemoved,
  pvOrphanedOrdinals,
  pvBoundToOtherOrdinal,
  vsNotReady,
  vsDeletionBlocked,
  vsContentOrphaned,
];

export function findCheck(code: string): Check | undefined {
  const c = code.toUpperCase();
  return ALL_CHECKS.find((check) => check.code === c || check.id === code.toLowerCase());
}
