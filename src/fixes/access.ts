import type { KubeClient } from '../kube/client.js';
import type { Permission } from './plan.js';

export function describePermission(p: Permission): string {
  return `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}${p.namespace ? ` in namespace ${p.namespace}` : ''}`;
}

/**
 * Asks the API server (SelfSubjectAccessReview) for every permission a plan
 * needs, before the first write, so a repair never stops half-way for RBAC.
 * Returns the missing ones.
 */
export async function missingPermissions(client: KubeClient, permissions: Permission[]): Promise<Permission[]> {
  const unique = new Map(permissions.map((p) => [describePermission(p), p]));
  const missing: Permission[] = [];
  for (const p of unique.values()) {
    // A server without the review API (undefined): the write itself will be judged.
    if ((await client.mayI({ verb: p.verb, group: p.group, resource: p.resource, namespace: p.namespace })) === false) missing.push(p);
  }
  return missing;
}
