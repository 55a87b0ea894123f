// What each claim a manifest's StatefulSet will create is going to do once
// applied (audit -f --preflight), decided on the overlaid snapshot with the
// binder's own rules.
import type { StatefulSet } from '../kube/types.js';
import { keyOf } from '../kube/types.js';
import { ordinalClaims } from '../kube/statefulset.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { PREDICTED_ANNOTATION } from '../snapshot/preflight.js';
import { canProvision, effectiveClass, matchVolumes, pendingCause, type PendingCause } from './claim-analysis.js';

export interface ClaimPrediction {
  statefulSet: string;
  claim: string;
  ordinal: number;
  outcome: 'reuses-existing' | 'binds' | 'provisions' | 'waits-for-consumer' | 'stays-pending';
  /** why it stays Pending, when a cause can be named */
  cause?: PendingCause;
  detail: string;
}

const CAUSE_TEXT: Record<PendingCause, string> = {
  'stale-claim-ref': 'a Released PV still holds the uid of a deleted claim of this name',
  'volume-name': 'its spec.volumeName names a PV it cannot bind',
  'class-missing': 'its StorageClass does not exist',
  'no-match': 'no PV matches and no StorageClass provisions it',
};

export function predictClaims(snapshot: ClusterSnapshot, sets: StatefulSet[]): ClaimPrediction[] {
  const out: ClaimPrediction[] = [];
  for (const sts of sets) {
    for (const { ordinal, claimName: name } of ordinalClaims(sts)) {
      const claim = snapshot.claim(sts.metadata?.namespace, name)!;
      const p = { statefulSet: keyOf(sts.metadata?.namespace, sts.metadata?.name), claim: name, ordinal };
      if (claim.metadata?.annotations?.[PREDICTED_ANNOTATION] !== 'true') {
        out.push({
          ...p,
          outcome: 'reuses-existing',
          detail: `claim exists (${claim.status?.phase ?? 'unknown'}${claim.spec?.volumeName ? `, PV ${claim.spec.volumeName}` : ''}); the controller reuses it as it is`,
        });
        continue;
      }
      const cause = pendingCause(snapshot, claim);
      if (cause) {
        out.push({ ...p, outcome: 'stays-pending', cause, detail: `will stay Pending: ${CAUSE_TEXT[cause]}` });
        continue;
      }
      const cls = effectiveClass(snapshot, claim);
      const match = snapshot.has('persistentvolumes') ? matchVolumes(snapshot, claim).matches : [];
      if (cls.storageClass?.volumeBindingMode === 'WaitForFirstConsumer')
        out.push({ ...p, outcome: 'waits-for-consumer', detail: `StorageClass ${cls.name} binds when pod ${sts.metadata?.name}-${ordinal} is scheduled` });
      else if (match.length > 0) out.push({ ...p, outcome: 'binds', detail: `binds Available PV ${match[0]!.metadata?.name}` });
      else if (canProvision(cls))
        out.push({
          ...p,
          outcome: 'provisions',
          detail: `provisioned by ${cls.storageClass?.provisioner} (StorageClass ${cls.name}${cls.defaulted ? ', the default' : ''})`,
        });
      else out.push({ ...p, outcome: 'stays-pending', detail: 'no PV matches and no StorageClass provisions it' });
    }
  }
  return out;
}
