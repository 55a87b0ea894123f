// Why a kind could not be listed, when the answer is a fact about this
// cluster or this user and not a fault: RBAC refused it, or the API server
// does not serve it (a CRD not installed). Its checks are then skipped, with
// this reason; any other error is a fault the caller handles.
import { ApiError } from './errors.js';
import { notInstalledReason, type KindInfo } from './resources.js';

export function unreadableReason(err: unknown, spec: KindInfo): string | undefined {
  if (!(err instanceof ApiError) || !(err.forbidden || err.notFound)) return undefined;
  if (err.forbidden) return `forbidden: ${err.message}`;
  return spec.installedWith ? notInstalledReason(spec) : `not served by this API server: ${err.message}`;
}
