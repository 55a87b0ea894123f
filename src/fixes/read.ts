import type { ReadClient } from '../kube/read-client.js';
import { ApiError } from '../kube/errors.js';
import { objectPath } from '../kube/resources.js';
import type { StatefulSet } from '../kube/types.js';
import { notFound } from '../kube/errors.js';
import { readOwnerRecords } from '../snapshot/owners/read-owner-records.js';
import { ownerOf, type Owner } from '../analysis/owner.js';

/** GET one object; undefined when it does not exist. Repairs read exactly what they change. */
export async function getObject<T>(client: ReadClient, kind: string, name: string, namespace?: string, url?: string): Promise<T | undefined> {
  try {
    return await client.get<T>(url ?? objectPath(kind, name, namespace));
  } catch (err) {
    if (err instanceof ApiError && err.notFound) return undefined;
    throw err;
  }
}

/** The StatefulSet a repair is about, in -n or the context's namespace; a missing one is a usage error (exit 2). */
export async function readStatefulSet(client: ReadClient, name: string, namespace: string | undefined): Promise<{ sts: StatefulSet; namespace: string }> {
  const ns = namespace || client.namespace;
  const sts = await getObject<StatefulSet>(client, 'StatefulSet', name, ns);
  if (!sts) throw notFound('StatefulSet', [name], ns);
  return { sts, namespace: ns };
}

/** A list the user may not be allowed to read (nodes, StorageClasses): undefined then, not an error. */
export async function listIfAllowed<T>(client: ReadClient, path: string): Promise<T[] | undefined> {
  try {
    return await client.list<T>(path);
  } catch (err) {
    if (err instanceof ApiError && err.forbidden) return undefined;
    throw err;
  }
}

/** Who owns the set a repair is about, from the same reads the audit makes (for this one set). */
export async function readOwner(client: ReadClient, sts: StatefulSet): Promise<{ owner: Owner; skipped: string[] }> {
  const records = await readOwnerRecords(client, [sts]);
  return { owner: ownerOf(sts, records), skipped: records.skipped };
}
