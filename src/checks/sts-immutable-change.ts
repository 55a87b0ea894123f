import { defineCheck, type FindingDraft } from './check.js';
import { commands, setFinding } from './helpers.js';
import { objectKey } from '../kube/types.js';
import { immutableUpdateRefusals } from '../kube/server-messages.js';
import type { StatefulSet } from '../kube/types.js';

// ValidateStatefulSetUpdate lets only replicas, ordinals, template,
// updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy
// and minReadySeconds change; these are the rest, in the order 1.37 checks
// them (its refusal lists them in this order). The wording of the refusal
// differs by release: kube/server-messages.ts.
const IMMUTABLE = ['selector', 'volumeClaimTemplates', 'serviceName', 'podManagementPolicy'] as const;

function normalizeTemplates(sts: StatefulSet): string {
  return JSON.stringify(
    (sts.spec?.volumeClaimTemplates ?? []).map((t) => ({
      name: t.metadata?.name,
      accessModes: [...(t.spec?.accessModes ?? [])].sort(),
      storage: t.spec?.resources?.requests?.['storage'],
      storageClassName: t.spec?.storageClassName ?? null,
      volumeMode: t.spec?.volumeMode ?? 'Filesystem',
      selector: t.spec?.selector ?? null,
    })),
  );
}

function differs(field: (typeof IMMUTABLE)[number], a: StatefulSet, b: StatefulSet): boolean {
  if (field === 'volumeClaimTemplates') return normalizeTemplates(a) !== normalizeTemplates(b);
  if (field === 'podManagementPolicy') return (a.spec?.podManagementPolicy ?? 'OrderedReady') !== (b.spec?.podManagementPolicy ?? 'OrderedReady');
  return JSON.stringify(a.spec?.[field] ?? null) !== JSON.stringify(b.spec?.[field] ?? null);
}

export const stsImmutableChange = defineCheck({
  id: 'sts-immutable-change',
  code: 'STS-011',
  severity: 'error',
  title: 'The manifest changes a StatefulSet field the API server will refuse to update',
  rationale:
    'Only replicas, ordinals, template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds of a StatefulSet may change. A manifest that changes volumeClaimTemplates, selector, serviceName or podManagementPolicy of an existing StatefulSet is refused by `kubectl apply`: up to Kubernetes 1.36 with "spec: Forbidden: updates to statefulset spec for fields other than ... are forbidden", from 1.37 with "spec.volumeClaimTemplates: Invalid value: ...: field is immutable" for each changed field. Found by `audit -f --preflight`, which compares the files with the cluster and quotes the refusal of the server\'s own release.',
  remediation:
    'Recreate the StatefulSet with an orphaning delete (pods and claims stay): `kubectl sts-storage generate-template STS --apply` does this for added templates; by hand, `kubectl delete sts STS --cascade=orphan` then apply the manifest. Existing claims keep their old size and class (see STS-009).',
  needs: ['statefulsets'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    if (!snapshot.liveStatefulSets) return findings;
    for (const sts of snapshot.statefulSets) {
      const live = snapshot.liveStatefulSets.get(objectKey(sts));
      if (!live) continue;
      const changed = IMMUTABLE.filter((f) => differs(f, sts, live));
      if (changed.length === 0) continue;
      findings.push(
        setFinding(sts, {
          related: [],
          message: `applying statefulset ${sts.metadata?.name} will be refused: ${changed.join(', ')} differ${changed.length === 1 ? 's' : ''} from the live object and ${changed.length === 1 ? 'is' : 'are'} immutable`,
          evidence: [
            ...changed.map(
              (f) =>
                `${f}: live ${f === 'volumeClaimTemplates' ? normalizeTemplates(live) : JSON.stringify(live.spec?.[f] ?? null)}, manifest ${f === 'volumeClaimTemplates' ? normalizeTemplates(sts) : JSON.stringify(sts.spec?.[f] ?? null)}`,
            ),
            ...immutableUpdateRefusals(snapshot.serverVersion, sts.metadata?.name ?? '', changed).map((r) =>
              snapshot.serverVersion
                ? `the API server (${snapshot.serverVersion.gitVersion}) answers: ${r.text}`
                : `Kubernetes ${r.releases} answers: ${r.text}`,
            ),
          ],
          fix: {
            command: `${commands.generateTemplate(sts)} --apply`,
            description: 'recreate the StatefulSet with an orphaning delete (pods and claims stay)',
          },
        }),
      );
    }
    return findings;
  },
});
