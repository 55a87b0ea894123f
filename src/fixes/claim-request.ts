// One change of a claim's storage request, as resize (up) and recover-expansion
// (down, above status.capacity) write it: a JSON patch of
// spec.resources.requests.storage under uid and resourceVersion preconditions.
import type { Claim } from '../kube/types.js';
import { objectPath } from '../kube/resources.js';
import { clone, pointer, preconditions, targetOf, type PlannedChange } from './plan.js';

export function planClaimRequest(
  claim: Claim,
  sizeText: string,
  describe: Pick<PlannedChange, 'summary' | 'warnings' | 'notes' | 'irreversible'>,
): PlannedChange {
  const after = clone(claim);
  after.spec!.resources = { ...after.spec!.resources, requests: { ...after.spec!.resources?.requests, storage: sizeText } };
  return {
    target: targetOf('PersistentVolumeClaim', claim),
    before: claim,
    after,
    steps: [
      {
        kind: 'patch',
        path: objectPath('PersistentVolumeClaim', claim.metadata?.name ?? '', claim.metadata?.namespace),
        patch: [...preconditions(claim), { op: 'replace', path: pointer('spec', 'resources', 'requests', 'storage'), value: sizeText }],
        description: 'JSON patch with test preconditions',
      },
    ],
    permissions: [{ verb: 'patch', group: '', resource: 'persistentvolumeclaims', namespace: claim.metadata?.namespace }],
    owned: [pointer('spec', 'resources', 'requests', 'storage')],
    ...describe,
  };
}
