import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import type { AuditReport } from './report.js';
import { describeOwner, ownerOf } from '../analysis/owner.js';

/** Who writes each audited set, for the JSON report. */
export function setOwners(snapshot: ClusterSnapshot): Pick<AuditReport, 'owners' | 'ownersSkipped'> {
  const owners = snapshot.statefulSets
    .filter((s) => snapshot.objectInScope({ kind: 'StatefulSet', namespace: s.metadata?.namespace, name: s.metadata?.name ?? '' }))
    .map((s) => {
      const o = ownerOf(s, snapshot.owners);
      return {
        statefulSet: `${s.metadata?.namespace}/${s.metadata?.name}`,
        type: o.type,
        owner: describeOwner(o),
        ...(o.templateManager ? { templateManager: o.templateManager } : {}),
      };
    });
  return { owners, ...(snapshot.owners.skipped.length ? { ownersSkipped: snapshot.owners.skipped } : {}) };
}
