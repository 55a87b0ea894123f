import { defineCheck, type FindingDraft } from './check.js';
import { refOf } from '../kube/types.js';

export const pvAttachmentStale = defineCheck({
  id: 'pv-attachment-stale',
  code: 'PV-008',
  severity: 'warning',
  title: 'A VolumeAttachment points at a node or a PV that no longer exists',
  rationale:
    "The attach-detach controller records each volume it attaches to a node as a VolumeAttachment, which the CSI driver's external-attacher acts on. When the node object is deleted before its volumes were detached, or the PV is deleted while attached, the VolumeAttachment is left behind: the disk may still be attached in the storage backend, a ReadWriteOnce volume cannot attach anywhere else, and the attacher's finalizer keeps the object.",
  remediation:
    "Check in the storage backend that the disk is detached from the old machine, then delete the VolumeAttachment (the attacher's finalizer goes once it has detached; remove it by hand only when the driver is gone). This tool does not delete it.",
  needs: ['volumeattachments', 'nodes', 'persistentvolumes'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const va of snapshot.volumeAttachments) {
      const node = va.spec?.nodeName;
      const pv = va.spec?.source?.persistentVolumeName;
      const nodeGone = !!node && !snapshot.node(node);
      const pvGone = !!pv && !snapshot.volume(pv);
      if (!nodeGone && !pvGone) continue;
      const attached = va.status?.attached ? 'attached' : 'not reported attached';
      findings.push({
        object: refOf('VolumeAttachment', va),
        related: [...(pv ? [{ kind: 'PersistentVolume', name: pv }] : []), ...(node ? [{ kind: 'Node', name: node }] : [])],
        message: nodeGone
          ? `VolumeAttachment ${va.metadata?.name} still attaches PV ${pv} to node ${node}, which no longer exists (${attached}): a ReadWriteOnce volume cannot attach elsewhere until it is detached`
          : `VolumeAttachment ${va.metadata?.name} attaches PV ${pv}, which no longer exists, to node ${node} (${attached}): the disk may still be attached`,
        evidence: [
          `attacher ${va.spec?.attacher}, node ${node}, PV ${pv}`,
          ...(va.status?.detachError?.message ? [`detachError: ${va.status.detachError.message}`] : []),
          ...(va.metadata?.deletionTimestamp
            ? [`being deleted since ${String(va.metadata.deletionTimestamp)}, held by ${(va.metadata.finalizers ?? []).join(', ')}`]
            : []),
        ],
      });
    }
    return findings;
  },
});
