// fix-mounts: the rolling-update repair for STS-001. The pod template is
// mutable (ValidateStatefulSetUpdate allows 'template'), so renaming a mount to
// the volumeClaimTemplate it was meant to use is an ordinary update.
import type { StatefulSet } from '../kube/types.js';
import { mountsOf, templateNames } from '../kube/statefulset.js';
import { closestName } from '../kube/statefulset.js';
import { clone, pointer, specPreconditions, targetOf, type PlannedChange, type Refusal } from './plan.js';
import { objectPath } from '../kube/resources.js';

export type Rename = [from: string, to: string];

/** The renames the tool proposes: each mount naming nothing -> the closest unmounted template. */
export function proposeRenames(sts: StatefulSet): Rename[] {
  const spec = sts.spec?.template?.spec;
  const templates = templateNames(sts);
  const known = new Set([...templates, ...(spec?.volumes ?? []).map((v) => v.name)]);
  const mounts = mountsOf(spec);
  const mounted = new Set(mounts.map((m) => m.name));
  const unmounted = templates.filter((t) => !mounted.has(t));
  const out: Rename[] = [];
  for (const m of mounts) {
    if (known.has(m.name) || out.some(([from]) => from === m.name)) continue;
    const target = closestName(
      m.name,
      unmounted.filter((t) => !out.some(([, to]) => to === t)),
    );
    if (target) out.push([m.name, target]);
  }
  return out;
}

export function planMountRename(sts: StatefulSet, renames: Rename[]): PlannedChange | Refusal {
  const name = sts.metadata?.name ?? '';
  const refusal = (...reasons: string[]): Refusal => ({ target: { kind: 'StatefulSet', namespace: sts.metadata?.namespace, name }, reasons });
  if (sts.metadata?.deletionTimestamp) return refusal('it is being deleted');
  if (renames.length === 0) return { ...refusal('no mount needs renaming: every mount names a volume or a volumeClaimTemplate'), noop: true };
  const spec = sts.spec?.template?.spec;
  const targets = new Set([...templateNames(sts), ...(spec?.volumes ?? []).map((v) => v.name)]);
  const mounts = mountsOf(spec);
  const reasons: string[] = [];
  for (const [from, to] of renames) {
    if (!mounts.some((m) => m.name === from)) reasons.push(`no container mounts "${from}"`);
    if (!targets.has(to))
      reasons.push(`"${to}" is neither a volumeClaimTemplate nor a pod volume of statefulset ${name} (templates: ${templateNames(sts).join(', ') || 'none'})`);
  }
  if (reasons.length > 0) return refusal(...reasons);
  const after = clone(sts);
  const patch = specPreconditions(sts);
  const afterSpec = after.spec!.template!.spec!;
  for (const m of mounts) {
    const rename = renames.find(([from]) => from === m.name);
    if (!rename) continue;
    patch.push({ op: 'test', path: pointer('spec', 'template', 'spec', m.containerKind, m.index, m.field, m.mountIndex, 'name'), value: m.name });
    patch.push({ op: 'replace', path: pointer('spec', 'template', 'spec', m.containerKind, m.index, m.field, m.mountIndex, 'name'), value: rename[1] });
    const containers = afterSpec[m.containerKind] as Array<{ volumeMounts?: Array<{ name: string }>; volumeDevices?: Array<{ name: string }> }>;
    containers[m.index]![m.field]![m.mountIndex]!.name = rename[1];
  }
  return {
    target: targetOf('StatefulSet', sts),
    summary: `rename ${renames.map(([a, b]) => `mount "${a}" to "${b}"`).join(', ')} in statefulset ${name}`,
    before: sts,
    after,
    steps: [
      {
        kind: 'patch',
        path: objectPath('StatefulSet', name, sts.metadata?.namespace),
        patch,
        description: 'JSON patch of the pod template with test preconditions (a rolling update)',
      },
    ],
    permissions: [{ verb: 'patch', group: 'apps', resource: 'statefulsets', namespace: sts.metadata?.namespace }],
    warnings: [],
    owned: ['/spec/template/spec'],
    notes: ['the StatefulSet controller rolls the pods (or creates those that failed) with the renamed mounts'],
  };
}
