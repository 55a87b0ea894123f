// generate-template: writes the volumeClaimTemplates that STS-001 mounts
// lack. Templates are immutable (ValidateStatefulSetUpdate), so applying them
// means the standard orphaning procedure: back up, delete with
// propagationPolicy Orphan (pods and claims stay; the garbage collector only
// removes their ownerReferences), create the new object, and let the
// controller adopt the pods (ClaimPods) and reuse the claims
// (createPersistentVolumeClaims only creates missing ones).
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { Claim, StatefulSet, StorageClass, Volume } from '../kube/types.js';
import { claimClass, claimHasClass, capacityOf, requestOf, requirementsOfTemplate, satisfyReasons, volumeClass } from '../kube/binding.js';
import { runChecks } from '../checks/run-checks.js';
import { stsTemplateClassMissing } from '../checks/sts-template-class-missing.js';
import { snapshotFromObjects } from '../snapshot/from-objects.js';
import { formatBytes } from '../kube/quantity.js';
import { mountsOf, ordinalOfPod, templateNames } from '../kube/statefulset.js';
import { clone, specPreconditions, targetOf, type Permission, type PlannedChange, type Refusal, type Step } from './plan.js';
import { collectionPath, objectPath } from '../kube/resources.js';

export const DEFAULT_SIZE = '1Gi';
export const DEFAULT_ACCESS_MODE = 'ReadWriteOnce';

export interface TemplateFlags {
  size?: string;
  storageClass?: string;
  accessModes?: string[];
  /** the cluster's default StorageClass: a name, null when it has none, undefined when unknown */
  defaultClass?: string | null;
}

export interface GeneratedTemplate {
  template: V1PersistentVolumeClaim;
  /** "size 5Gi: from claim data-db-0" etc. */
  provenance: string[];
}

/** Fields the API server owns; a manifest for `kubectl apply` must not carry them. */
export function cleanManifest(sts: StatefulSet): StatefulSet {
  const out = clone(sts);
  delete out.status;
  if (out.metadata) {
    for (const k of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'generation',
      'managedFields',
      'selfLink',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'ownerReferences',
    ] as const)
      delete (out.metadata as Record<string, unknown>)[k];
    if (out.metadata.annotations) {
      delete out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
      if (Object.keys(out.metadata.annotations).length === 0) delete out.metadata.annotations;
    }
  }
  out.apiVersion = 'apps/v1';
  out.kind = 'StatefulSet';
  return out;
}

function evidenceFor(templateName: string, sts: StatefulSet, claims: Claim[], volumes: Volume[]): { claim?: Claim; volume?: Volume } {
  const prefix = `${templateName}-${sts.metadata?.name}-`;
  const isOrdinal = (n: string | undefined) => !!n && n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length));
  const claim = claims.find((c) => c.metadata?.namespace === sts.metadata?.namespace && isOrdinal(c.metadata?.name));
  const volume = volumes.find((v) => v.spec?.claimRef?.namespace === sts.metadata?.namespace && isOrdinal(v.spec?.claimRef?.name));
  return { claim, volume };
}

/** One template per mount that names nothing; each value says where it came from. */
export function generateTemplates(sts: StatefulSet, claims: Claim[], volumes: Volume[], flags: TemplateFlags): GeneratedTemplate[] {
  const spec = sts.spec?.template?.spec;
  const known = new Set([...templateNames(sts), ...(spec?.volumes ?? []).map((v) => v.name)]);
  const missing = new Map<string, boolean>(); // name -> used as a block device
  for (const m of mountsOf(spec)) if (!known.has(m.name)) missing.set(m.name, (missing.get(m.name) ?? false) || m.field === 'volumeDevices');
  const out: GeneratedTemplate[] = [];
  for (const [name, block] of missing) {
    const { claim, volume } = evidenceFor(name, sts, claims, volumes);
    const provenance: string[] = [];
    let size = flags.size;
    if (size) provenance.push(`size ${size}: from --size`);
    else if (claim && requestOf(claim.spec) !== undefined)
      provenance.push(`size ${(size = claim.spec!.resources!.requests!['storage'])}: from existing claim ${claim.metadata?.name}`);
    else if (volume && capacityOf(volume) !== undefined)
      provenance.push(`size ${(size = formatBytes(capacityOf(volume)))}: from PV ${volume.metadata?.name} (claimRef ${volume.spec?.claimRef?.name})`);
    else provenance.push(`size ${(size = DEFAULT_SIZE)}: default`);
    let accessModes = flags.accessModes;
    if (accessModes?.length) provenance.push(`accessModes [${accessModes.join(',')}]: from --access-mode`);
    else if (claim?.spec?.accessModes?.length)
      provenance.push(`accessModes [${(accessModes = claim.spec.accessModes).join(',')}]: from existing claim ${claim.metadata?.name}`);
    else if (volume?.spec?.accessModes?.length)
      provenance.push(`accessModes [${(accessModes = volume.spec.accessModes).join(',')}]: from PV ${volume.metadata?.name}`);
    else provenance.push(`accessModes [${(accessModes = [DEFAULT_ACCESS_MODE]).join(',')}]: default`);
    let storageClassName: string | undefined = flags.storageClass;
    if (storageClassName !== undefined) provenance.push(`storageClassName "${storageClassName}": from --storage-class`);
    else if (claim && claimHasClass(claim))
      provenance.push(`storageClassName "${(storageClassName = claimClass(claim))}": from existing claim ${claim.metadata?.name}`);
    else if (volume) provenance.push(`storageClassName "${(storageClassName = volumeClass(volume))}": from PV ${volume.metadata?.name}`);
    else if (flags.defaultClass === null) provenance.push('storageClassName: unset, and the cluster has no default StorageClass');
    else
      provenance.push(`storageClassName: unset, so the cluster's default StorageClass${flags.defaultClass ? ` ${flags.defaultClass}` : ''} applies (default)`);
    const template: V1PersistentVolumeClaim = {
      metadata: { name },
      spec: {
        accessModes,
        resources: { requests: { storage: size! } },
        ...(storageClassName !== undefined ? { storageClassName } : {}),
        ...(block ? { volumeMode: 'Block' } : {}),
      },
    };
    if (block) provenance.push('volumeMode Block: the container uses it as a volumeDevice');
    out.push({ template, provenance });
  }
  return out;
}

/**
 * The generated templates whose claims would stay Pending, judged by the
 * audit's own STS-006 on the StatefulSet as it would be, each with what would
 * make it bind: a repair must not lead into a finding the tool itself raises.
 */
export function strandedTemplates(
  sts: StatefulSet,
  generated: GeneratedTemplate[],
  cluster: { volumes: Volume[]; storageClasses: StorageClass[]; volumesRead: boolean },
): string[] {
  const proposed = clone(sts);
  proposed.spec!.volumeClaimTemplates = [...(proposed.spec!.volumeClaimTemplates ?? []), ...generated.map((g) => g.template)];
  const judge = (set: StatefulSet) =>
    runChecks(
      // Listed items carry no kind: hand them over as the snapshot's lists.
      snapshotFromObjects([set], {
        volumes: cluster.volumes,
        storageClasses: cluster.storageClasses,
        source: 'cluster',
        unavailable: cluster.volumesRead ? {} : { persistentvolumes: 'PersistentVolumes could not be listed' },
      }),
      undefined,
      [stsTemplateClassMissing],
    ).findings.map((f) => f.message);
  const before = new Set(judge(sts));
  return judge(proposed)
    .filter((m) => !before.has(m))
    .map((m) => {
      const g = generated.find((x) => m.includes(`volumeClaimTemplate "${x.template.metadata?.name}"`));
      const fitting = g ? freeVolumesFitting(g.template, cluster.volumes) : new Map<string, string[]>();
      const offer = [...fitting].map(([cls, names]) => `--storage-class ${cls === '' ? '""' : cls} (free PVs that fit: ${names.join(', ')})`);
      return `${m}: its claims would stay Pending; ${offer.length > 0 ? `pass ${offer.join(', or ')}` : 'pass --storage-class with a class that provisions, or create fitting PVs first'}`;
    });
}

/** Available PVs with no claimRef that a claim from this template could bind, by class. */
function freeVolumesFitting(template: V1PersistentVolumeClaim, volumes: Volume[]): Map<string, string[]> {
  const byClass = new Map<string, string[]>();
  for (const v of volumes) {
    if (v.spec?.claimRef || v.status?.phase !== 'Available') continue;
    const req = requirementsOfTemplate(template, { namespace: '', name: '', className: volumeClass(v) });
    if (satisfyReasons(v, req, { compareClass: false }).length > 0) continue;
    byClass.set(volumeClass(v), [...(byClass.get(volumeClass(v)) ?? []), v.metadata?.name ?? '']);
  }
  return byClass;
}

/**
 * Before an orphaning delete of a set whose policy is whenDeleted: Delete
 * (its claims then carry an ownerReference to it): switch to Retain, and
 * remove the references. The controller drops them only as it syncs each pod
 * (there may be none), and the garbage collector orphans only the dependents
 * its graph already knows: a claim whose reference it has not seen yet would
 * be collected once the set is gone.
 */
export function keepClaimsThroughDelete(sts: StatefulSet): { steps: Step[]; permissions: Permission[]; warnings: string[] } {
  if (sts.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted !== 'Delete') return { steps: [], permissions: [], warnings: [] };
  const ns = sts.metadata?.namespace ?? '';
  return {
    steps: [
      {
        kind: 'patch',
        path: objectPath('StatefulSet', sts.metadata?.name ?? '', ns),
        patch: [...specPreconditions(sts), { op: 'replace', path: '/spec/persistentVolumeClaimRetentionPolicy/whenDeleted', value: 'Retain' }],
        description: 'set persistentVolumeClaimRetentionPolicy.whenDeleted to Retain so no claim can be deleted with the StatefulSet',
      },
      {
        kind: 'release-claims',
        namespace: ns,
        ownerUid: sts.metadata?.uid ?? '',
        description: "remove the StatefulSet's ownerReference from its claims (JSON patch, uid-checked), so no claim can be collected with it",
      },
    ],
    permissions: [
      { verb: 'patch', group: 'apps', resource: 'statefulsets', namespace: ns },
      { verb: 'list', group: '', resource: 'persistentvolumeclaims', namespace: ns },
      { verb: 'patch', group: '', resource: 'persistentvolumeclaims', namespace: ns },
    ],
    warnings: ['persistentVolumeClaimRetentionPolicy.whenDeleted is Delete: it is switched to Retain before the delete and restored on the new StatefulSet'],
  };
}

export interface TemplateApplyInput {
  sts: StatefulSet;
  generated: GeneratedTemplate[];
  rollPods: string[];
}

/** The orphan-delete-and-recreate plan. Refuses what it cannot make safe. */
export function planTemplateApply({ sts, generated, rollPods }: TemplateApplyInput): PlannedChange | Refusal {
  // A set being deleted is refused (by planReplaceStatefulSet) before "nothing to add".
  if (generated.length === 0 && !sts.metadata?.deletionTimestamp)
    return {
      target: { kind: 'StatefulSet', namespace: sts.metadata?.namespace, name: sts.metadata?.name ?? '' },
      reasons: ['every mount already names a volume or a volumeClaimTemplate: nothing to add'],
      noop: true,
    };
  const newObject = cleanManifest(sts);
  newObject.spec!.volumeClaimTemplates = [...(newObject.spec!.volumeClaimTemplates ?? []), ...generated.map((g) => g.template)];
  return planReplaceStatefulSet(sts, newObject, {
    summary: `add volumeClaimTemplate${generated.length > 1 ? 's' : ''} ${generated.map((g) => `"${g.template.metadata?.name}"`).join(', ')} to statefulset ${sts.metadata?.name} (orphaning delete + create)`,
    createDescription: 'create the StatefulSet with the added volumeClaimTemplates',
    rollPods,
    notes: generated.flatMap((g) => g.provenance.map((p) => `template "${g.template.metadata?.name}" ${p}`)),
  });
}

/**
 * Changing volumeClaimTemplates, which the API server refuses to update:
 * delete the set with propagationPolicy Orphan (pods and claims stay, guarded
 * by uid and spec generation), after making sure no claim can be collected
 * with it (keepClaimsThroughDelete), create it again with the new templates,
 * and wait until its pods are adopted. apply-plan validates the create by a
 * server dry run before the delete.
 */
export function planReplaceStatefulSet(
  sts: StatefulSet,
  newObject: StatefulSet,
  opts: { summary: string; createDescription: string; rollPods: string[]; notes: string[] },
): PlannedChange | Refusal {
  const name = sts.metadata?.name ?? '';
  const ns = sts.metadata?.namespace;
  const refusal = (...reasons: string[]): Refusal => ({ target: { kind: 'StatefulSet', namespace: ns, name }, reasons });
  if (sts.metadata?.deletionTimestamp) return refusal('it is being deleted');
  if ((sts.metadata?.finalizers ?? []).length > 0)
    return refusal(`it has finalizers (${sts.metadata!.finalizers!.join(', ')}): another controller manages its deletion`);
  const { rollPods } = opts;
  const steps: Step[] = [];
  const warnings: string[] = [];
  const path = objectPath('StatefulSet', name, ns);
  const keep = keepClaimsThroughDelete(sts);
  steps.push(...keep.steps);
  warnings.push(...keep.warnings);
  steps.push({
    kind: 'delete-orphan',
    path,
    uid: sts.metadata?.uid ?? '',
    generation: sts.metadata?.generation ?? 0,
    description: 'delete with propagationPolicy: Orphan, only if uid and spec generation are still as planned (pods and claims stay)',
  });
  steps.push({ kind: 'create', path: collectionPath('apps/v1', 'statefulsets', ns), body: newObject, description: opts.createDescription });
  steps.push({
    kind: 'wait-adoption',
    namespace: ns ?? '',
    name,
    rollPods,
    description: rollPods.length
      ? `wait for the pods to be adopted, then delete ${rollPods.join(', ')} one at a time (highest ordinal first)`
      : 'wait until the existing pods are adopted or new pods are created',
  });
  const after = clone(sts);
  after.spec!.volumeClaimTemplates = newObject.spec!.volumeClaimTemplates;
  return {
    target: targetOf('StatefulSet', sts),
    summary: opts.summary,
    before: sts,
    after,
    steps,
    permissions: [
      { verb: 'get', group: 'apps', resource: 'statefulsets', namespace: ns },
      { verb: 'delete', group: 'apps', resource: 'statefulsets', namespace: ns },
      { verb: 'create', group: 'apps', resource: 'statefulsets', namespace: ns },
      ...keep.permissions,
      ...(rollPods.length ? [{ verb: 'delete', group: '', resource: 'pods', namespace: ns }] : []),
    ],
    warnings,
    owned: ['/spec/volumeClaimTemplates'],
    replaces: true,
    notes: opts.notes,
  };
}

/** Existing pods cannot gain a volume in place (pod volumes are immutable): these need a restart. */
export function podsNeedingRestart(sts: StatefulSet, podNames: string[]): string[] {
  return podNames.filter((n) => ordinalOfPod(sts, n) !== undefined).sort((a, b) => ordinalOfPod(sts, b)! - ordinalOfPod(sts, a)!);
}
