import { defineCheck, type FindingDraft } from './check.js';
import { claimFinding, commands, listOf, quoteEvents, volumesLost } from './helpers.js';
import { ownerReferencesOf, setExposure, type ClaimExposure, type OwnerThreat } from '../analysis/deletion-paths.js';
import type { StatefulSet } from '../kube/types.js';

function threatText(t: OwnerThreat, c: ClaimExposure, sts: StatefulSet, policy: string): string {
  const claim = `claim ${c.claim.metadata?.name}`;
  switch (t.kind) {
    case 'foreign': {
      // The garbage collector waits for every owner, the set's and pods' included.
      const foreign = new Set(t.owners.map((o) => o.uid));
      const others = ownerReferencesOf(c.claim).filter((o) => !foreign.has(o.uid));
      const owners = listOf(t.owners.map((o) => `${o.kind} ${o.name}`)) + (others.length ? ` (and ${listOf(others.map((o) => `${o.kind} ${o.name}`))})` : '');
      const when = t.owners.length === 1 && others.length === 0 ? 'that owner is deleted' : 'none of its owners is left';
      return `${claim} is owned by ${owners}: the garbage collector deletes it once ${when}, whatever the retention policy of statefulset ${sts.metadata?.name} (${policy})`;
    }
    case 'set-against-policy':
      return `${claim} has an ownerReference to statefulset ${sts.metadata?.name} although whenDeleted is Retain: deleting the StatefulSet deletes the claim`;
    case 'stale-set':
      return `${claim} has an ownerReference to statefulset ${t.owner.name} uid ${t.owner.uid}, not the live set's uid ${t.liveUid}: the garbage collector treats that owner as gone and deletes the claim`;
    case 'pod-in-range':
      return `${claim} has an ownerReference to pod ${t.owner.name} of an ordinal in range: deleting the pod (an eviction, a rolling update) deletes the claim`;
  }
}

export const pvcOwnerDeletesClaim = defineCheck({
  id: 'pvc-owner-deletes-claim',
  code: 'PVC-009',
  severity: 'warning',
  title: 'An ownerReference will delete the claim, whatever the retention policy',
  rationale:
    "The garbage collector deletes an object once none of its owners exists, an owner whose uid differs from the reference counting as gone. So an ownerReference on a StatefulSet's claim overrides the retention policy: an operator's resource that owns the claims (rabbitmq/cluster-operator#2215) takes them when it is deleted, a reference to the set left under whenDeleted: Retain (kubernetes/kubernetes#142130) takes them with the set, one to a previous set of the same name is dangling already, and a pod's reference on an ordinal in range takes the claim with the pod. When another controller owns the claim, the StatefulSet controller ignores the retention policy for it and records ConflictingController.",
  remediation:
    'Remove the references the policy does not call for with `kubectl sts-storage protect STS --owner-references` (the plan lists each owner; undo puts them back), and check the operator that added them does not add them again.',
  needs: ['statefulsets', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const exposure = setExposure(snapshot, sts);
      const policy = `whenDeleted: ${exposure.whenDeleted}, whenScaled: ${exposure.whenScaled}`;
      const conflicts = snapshot.eventsFor('StatefulSet', sts, ['ConflictingController']);
      for (const c of exposure.claims) {
        if (c.ownerThreats.length === 0) continue;
        const name = c.claim.metadata?.name ?? '';
        findings.push(
          claimFinding(snapshot, c.claim, {
            related: [{ kind: 'StatefulSet', namespace: sts.metadata?.namespace, name: sts.metadata?.name ?? '' }],
            message: c.ownerThreats.map((t) => threatText(t, c, sts, policy)).join('; ') + volumesLost([c]),
            evidence: [
              ...ownerReferencesOf(c.claim).map((r) => `ownerReference: ${r.kind} ${r.name} uid=${r.uid}${r.controller ? ' controller=true' : ''}`),
              ...quoteEvents(
                snapshot,
                conflicts.filter((e) => e.message?.includes(`PersistentVolumeClaim ${name} `)),
                1,
              ),
            ],
            fix: { command: commands.protect(sts, ' --owner-references'), description: 'remove the ownerReferences the retention policy does not call for' },
          }),
        );
      }
    }
    return findings;
  },
});
