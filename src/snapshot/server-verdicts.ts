// --preflight asks the API server itself what it would answer to each
// document (server-side apply with dryRun=All: nothing is stored), when the
// user may create or patch that object (SelfSubjectAccessReview). The server
// runs its own decoding, defaulting, validation and admission, so its verdict
// and warnings are quoted as it gives them. Where the user may not, the
// document stays judged by the server's published schema (validate-manifest.ts),
// and the report says so.
import type { KubeObject } from '../kube/types.js';
import type { ReadClient } from '../kube/read-client.js';
import { apiGroupOf, kindInfo, objectPath } from '../kube/resources.js';
import type { SourceLocation } from './cluster-snapshot.js';

export interface ServerVerdict {
  kind: string;
  name: string;
  namespace?: string;
  location?: SourceLocation;
  verdict: 'accepted' | 'refused' | 'not-asked';
  /** the server's refusal as it wrote it; for not-asked, why it was not asked */
  message?: string;
  /** the fields the refusal names */
  fields?: string[];
  warnings: string[];
}

/** The API server's verdict on applying each object, in their order. */
export async function askServer(client: ReadClient, objects: KubeObject[], locations: Map<KubeObject, SourceLocation>): Promise<ServerVerdict[]> {
  const allowed = new Map<string, Promise<boolean | undefined>>();
  const mayApply = (kind: string, namespace: string | undefined) => {
    const info = kindInfo(kind)!;
    const key = `${info.resource}/${namespace ?? ''}`;
    // Server-side apply creates or patches: both verbs, asked once per resource and namespace.
    if (!allowed.has(key)) {
      const ask = (verb: string) => client.mayI({ verb, group: apiGroupOf(kind), resource: info.resource, namespace: info.namespaced ? namespace : undefined });
      allowed.set(
        key,
        Promise.all([ask('create'), ask('patch')]).then(([c, p]) => (c === undefined || p === undefined ? undefined : c && p)),
      );
    }
    return allowed.get(key)!;
  };
  const verdicts: ServerVerdict[] = [];
  for (const object of objects) {
    const kind = object.kind!;
    const info = kindInfo(kind);
    if (!info?.inManifests) continue;
    const name = object.metadata?.name ?? '';
    const namespace = info.namespaced ? object.metadata?.namespace : undefined;
    const base = { kind, name, ...(namespace ? { namespace } : {}), location: locations.get(object), warnings: [] as string[] };
    const may = await mayApply(kind, namespace);
    if (may === false) {
      verdicts.push({
        ...base,
        verdict: 'not-asked',
        message: `you may not create and patch ${info.resource}${namespace ? ` in namespace ${namespace}` : ''}`,
      });
      continue;
    }
    const judgement = await client.judgeApply(objectPath(kind, name, namespace), object);
    verdicts.push(
      judgement.refusal
        ? { ...base, verdict: 'refused', message: judgement.refusal.message, fields: judgement.refusal.fields, warnings: judgement.warnings }
        : { ...base, verdict: 'accepted', warnings: judgement.warnings },
    );
  }
  return verdicts;
}
