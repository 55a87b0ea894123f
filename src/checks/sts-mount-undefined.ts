import { defineCheck, type FindingDraft } from './check.js';
import { commands, setFinding } from './helpers.js';
import { closestName, fieldPathOf, mountsOf, templateNames, type ContainerMount } from '../kube/statefulset.js';
import { badMountRefusal, refusesBadMountsAtCreate } from '../kube/server-messages.js';
import { objectKey, type StatefulSet } from '../kube/types.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';

function badMounts(sts: StatefulSet): ContainerMount[] {
  const known = new Set([...templateNames(sts), ...(sts.spec?.template?.spec?.volumes ?? []).map((v) => v.name)]);
  return mountsOf(sts.spec?.template?.spec).filter((m) => !known.has(m.name));
}

/**
 * What the API server does with this StatefulSet. Up to 1.33 it accepts it and
 * every pod fails ValidateVolumeMounts; from 1.34 it refuses it at create, and
 * on update it validates the new template unless the old one already fails
 * (ValidateStatefulSetUpdate: SkipValidatePodTemplateSpec). So on a live 1.34+
 * cluster such an object predates the upgrade, and a manifest is refused.
 */
function serverVerdict(snapshot: ClusterSnapshot, sts: StatefulSet, m: ContainerMount): { note: string; refused: boolean } {
  const refusal = badMountRefusal(sts.metadata?.name ?? '', fieldPathOf(m), m.name);
  const version = snapshot.serverVersion?.gitVersion;
  const refuses = refusesBadMountsAtCreate(snapshot.serverVersion);
  if (snapshot.locations?.has(sts)) {
    if (refuses === undefined)
      return {
        refused: false,
        note: `Kubernetes 1.34 and later refuse this StatefulSet: ${refusal}. Up to 1.33 it is accepted, and every pod fails at creation.`,
      };
    if (!refuses) return { refused: false, note: `the API server (${version}) accepts this StatefulSet, and every pod fails at creation.` };
    const live = snapshot.liveStatefulSets?.get(objectKey(sts));
    if (live && badMounts(live).length > 0)
      return {
        refused: false,
        note: `the API server (${version}) accepts this update only because the live object already fails validation (the update skips pod template validation then); every pod still fails at creation.`,
      };
    return { refused: true, note: `the API server (${version}) will refuse it: ${refusal}` };
  }
  if (refuses === undefined)
    return {
      refused: false,
      note: 'Kubernetes up to 1.33 accepts this StatefulSet and every pod fails at creation; 1.34 and later refuse it when it is created.',
    };
  if (refuses)
    return {
      refused: false,
      note: `the API server (${version}) refuses this at create since 1.34, so this object was created before an upgrade; its pods still cannot be created.`,
    };
  return { refused: false, note: `the API server (${version}) accepts this StatefulSet, and every pod fails at creation.` };
}

export const stsMountUndefined = defineCheck({
  id: 'sts-mount-undefined',
  code: 'STS-001',
  severity: 'error',
  title: 'A volumeMount names no volume and no volumeClaimTemplate',
  rationale:
    'The StatefulSet controller gives each pod one volume per volumeClaimTemplate (named after the template) plus the pod template\'s own volumes. A mount or device whose name matches neither makes pod creation fail validation ("spec.containers[0].volumeMounts[0].name: Not found"), reported as FailedCreate on the StatefulSet. Up to Kubernetes 1.33 the API server accepts the StatefulSet itself, so the mistake surfaces only when pods are created. Since 1.34 it refuses such a StatefulSet at create ("…is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found"), so on a live cluster the finding means the object was created before an upgrade, and in a manifest (`audit -f`) that the apply will fail.',
  remediation:
    'Rename the mount to the template it was meant to use with `kubectl sts-storage fix-mounts STS --rename MOUNT=TEMPLATE` (a normal rolling update), or add the missing volumeClaimTemplate with `kubectl sts-storage generate-template STS --apply`, which recreates the StatefulSet with an orphaning delete because templates are immutable.',
  needs: ['statefulsets'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const spec = sts.spec?.template?.spec;
      const templates = templateNames(sts);
      const volumes = (spec?.volumes ?? []).map((v) => v?.name ?? '');
      const mounted = new Set(mountsOf(spec).map((m) => m.name));
      const bad = badMounts(sts);
      if (bad.length === 0) continue;
      const unmountedTemplates = templates.filter((t) => !mounted.has(t));
      const renames: Array<[string, string]> = [];
      const setFindings: FindingDraft[] = [];
      for (const m of bad) {
        const closest = closestName(m.name, unmountedTemplates.length > 0 ? unmountedTemplates : templates);
        // A mount with no name (stored unvalidated up to 1.33) has nothing for --rename to name.
        if (m.name !== '' && closest && unmountedTemplates.includes(closest) && !renames.some(([from]) => from === m.name)) renames.push([m.name, closest]);
        const verdict = serverVerdict(snapshot, sts, m);
        setFindings.push(
          setFinding(sts, {
            related: [],
            message: `container ${m.container || `#${m.index} (no name)`} ${m.field === 'volumeMounts' ? 'mounts' : 'uses device'} ${m.name === '' ? 'a volume with no name' : `"${m.name}"`}, which is neither a volume nor a volumeClaimTemplate of statefulset ${sts.metadata?.name}${verdict.refused ? `; the API server (${snapshot.serverVersion?.gitVersion}) will refuse it at create` : ''}`,
            evidence: [
              `${fieldPathOf(m)}: Not found: "${m.name}"`,
              `volumeClaimTemplates: [${templates.join(', ')}]`,
              `pod template volumes: [${volumes.join(', ')}]`,
              ...(closest ? [`closest template: ${closest}`] : []),
              verdict.note,
            ],
          }),
        );
      }
      // One repair covers every bad mount of the set. A mount with no name needs a
      // name from its author first: no template can be generated for it.
      const fix = bad.some((m) => m.name === '')
        ? undefined
        : renames.length === new Set(bad.map((m) => m.name)).size
          ? {
              command: commands.fixMounts(sts, renames),
              description: `rename the mount${renames.length > 1 ? 's' : ''} to the unmounted template${renames.length > 1 ? 's' : ''} (rolling update); or add templates with ${commands.generateTemplate(sts)} --apply`,
            }
          : {
              command: commands.generateTemplate(sts),
              description: 'generate the missing volumeClaimTemplates; add --apply to recreate the StatefulSet safely (orphaning delete)',
            };
      for (const f of setFindings) findings.push(fix ? { ...f, fix } : f);
    }
    return findings;
  },
});
