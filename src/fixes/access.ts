import type { KubeClient } from '../kube/client.js';
import { ApiError } from '../kube/errors.js';
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
    try {
      const review = await client.request<{ status?: { allowed?: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: p.verb, group: p.group, resource: p.resource, namespace: p.namespace } },
        },
      });
      if (!review?.status?.allowed) missing.push(p);
    } catch (err) {
      // A server without the review API: the write itself will be judged.
      if (err instanceof ApiError && (err.notFound || err.forbidden)) continue;
      throw err;
    }
  }
  return missing;
}
