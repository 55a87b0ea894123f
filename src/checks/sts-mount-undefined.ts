import { distance } from 'fastest-levenshtein';
import { defineCheck, type Finding } from './check.js';
import { commands, setFinding } from './helpers.js';
import { fieldPathOf, mountsOf, templateNames } from '../kube/statefulset.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';

/** The template name a mistyped mount most likely meant: substring first, then edit distance. */
export function closestName(name: string, candidates: string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const contains = candidates.filter((c) => c.includes(name) || name.includes(c));
  const pool = contains.length > 0 ? contains : candidates;
  return [...pool].sort((a, b) => distance(a, name) - distance(b, name) || a.localeCompare(b))[0];
}

/**
 * Kubernetes <= 1.33 accepts such a StatefulSet (ValidatePodTemplateSpecForStatefulSet
 * does not validate the pod spec) and every pod then fails ValidateVolumeMounts;
 * 1.34 validates the pod template on create (kubernetes PR #131790), but objects
 * created before an upgrade stay broken.
 */
function versionNote(snapshot: ClusterSnapshot): string {
  const v = snapshot.serverVersion;
  if (!v) return 'Kubernetes up to 1.33 accepts this StatefulSet and every pod fails at creation; 1.34 and later reject it when it is created.';
  if (v.major > 1 || v.minor >= 34) return `the API server (${v.gitVersion}) now rejects this at create, so this object predates the upgrade; its pods still cannot be created.`;
  return `the API server (${v.gitVersion}) accepts this StatefulSet, and every pod fails at creation.`;
}

export const stsMountUndefined = defineCheck({
  id: 'sts-mount-undefined',
  code: 'STS-001',
  severity: 'error',
  title: 'A volumeMount names no volume and no volumeClaimTemplate',
  rationale:
    'The StatefulSet controller gives each pod one volume per volumeClaimTemplate (named after the template) plus the pod template\'s own volumes. A mount or device whose name matches neither makes pod creation fail validation ("spec.containers[0].volumeMounts[0].name: Not found"), reported as FailedCreate on the StatefulSet. Up to Kubernetes 1.33 the API server accepts the StatefulSet itself, so the mistake surfaces only when pods are created.',
  remediation:
    'Rename the mount to the template it was meant to use with `kubectl sts-storage fix-mounts STS --rename MOUNT=TEMPLATE` (a normal rolling update), or add the missing volumeClaimTemplate with `kubectl sts-storage generate-template STS --apply`, which recreates the StatefulSet with an orphaning delete because templates are immutable.',
  needs: ['statefulsets'],
  example: 'statefulset shop/mysql: container mysql mounts "mysql-data", which is neither a volume nor a volumeClaimTemplate',
  find(snapshot) {
    const findings: Finding[] = [];
    for (const sts of snapshot.statefulSets) {
      const spec = sts.spec?.template?.spec;
      const templates = templateNames(sts);
      const volumes = (spec?.volumes ?? []).map((v) => v.name);
      const known = new Set([...templates, ...volumes]);
      const mounted = new Set(mountsOf(spec).map((m) => m.name));
      const bad = mountsOf(spec).filter((m) => !known.has(m.name));
      if (bad.length === 0) continue;
      const unmountedTemplates = templates.filter((t) => !mounted.has(t));
      const renames: Array<[string, string]> = [];
      const setFindings: Finding[] = [];
      for (const m of bad) {
        const closest = closestName(m.name, unmountedTemplates.length > 0 ? unmountedTemplates : templates);
        if (closest && unmountedTemplates.includes(closest) && !renames.some(([from]) => from === m.name)) renames.push([m.name, closest]);
        setFindings.push(
          setFinding(sts, {
            code: 'STS-001',
            severity: 'error',
            related: [],
            message: `container ${m.container} ${m.field === 'volumeMounts' ? 'mounts' : 'uses device'} "${m.name}", which is neither a volume nor a volumeClaimTemplate of statefulset ${sts.metadata?.name}`,
            evidence: [
              `${fieldPathOf(m)}: Not found: "${m.name}"`,
              `volumeClaimTemplates: [${templates.join(', ')}]`,
              `pod template volumes: [${volumes.join(', ')}]`,
              ...(closest ? [`closest template: ${closest}`] : []),
              versionNote(snapshot),
            ],
          }),
        );
      }
      // One repair covers every bad mount of the set.
      const fix =
        renames.length === new Set(bad.map((m) => m.name)).size
          ? { command: commands.fixMounts(sts, renames), description: `rename the mount${renames.length > 1 ? 's' : ''} to the unmounted template${renames.length > 1 ? 's' : ''} (rolling update); or add templates with ${commands.generateTemplate(sts)} --apply` }
          : { command: commands.generateTemplate(sts), description: 'generate the missing volumeClaimTemplates; add --apply to recreate the StatefulSet safely (orphaning delete)' };
      for (const f of setFindings) findings.push({ ...f, fix });
    }
    return findings;
  },
});
