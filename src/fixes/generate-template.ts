// generate-template: writes the volumeClaimTemplates that STS-001 mounts
// lack. Templates are immutable (ValidateStatefulSetUpdate), so applying them
// means re-creating the set (recreate.ts); the controller adopts the pods
// (ClaimPods) and reuses the claims (createPersistentVolumeClaims only
// creates missing ones).
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { Claim, StatefulSet, StorageClass, Volume } from '../kube/types.js';
import { claimClass, claimHasClass, capacityOf, requestOf, requirementsOfTemplate, satisfyReasons, volumeClass } from '../kube/binding.js';
import { runChecks } from '../checks/run-checks.js';
import { stsTemplateClassMissing } from '../checks/sts-template-class-missing.js';
import { snapshotFromObjects } from '../snapshot/from-objects.js';
import { formatBytes } from '../kube/quantity.js';
import { mountsOf, ordinalOfPod, templateNames } from '../kube/statefulset.js';
import { clone, type PlannedChange, type Refusal } from './plan.js';
import { planRecreate, withoutServerFields } from './recreate.js';
import { LAST_APPLIED } from '../kube/owner-marks.js';

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

/**
 * The set as a manifest to print for `kubectl apply`: without what the API
 * server owns, its ownerReferences (a manifest names no uid) and the
 * last-applied copy kubectl writes itself.
 */
export function cleanManifest(sts: StatefulSet): StatefulSet {
  const out = withoutServerFields(sts);
  if (out.metadata) {
    delete out.metadata.ownerReferences;
    if (out.metadata.annotations) {
      delete out.metadata.annotations[LAST_APPLIED];
      if (Object.keys(out.metadata.annotations).length === 0) delete out.metadata.annotations;
    }
  }
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

export interface TemplateApplyInput {
  sts: StatefulSet;
  generated: GeneratedTemplate[];
  rollPods: string[];
}

/** The orphan-delete-and-recreate plan. Refuses what it cannot make safe. */
export function planTemplateApply({ sts, generated, rollPods }: TemplateApplyInput): PlannedChange | Refusal {
  // A set being deleted is refused (by planRecreate) before "nothing to add".
  if (generated.length === 0 && !sts.metadata?.deletionTimestamp)
    return {
      target: { kind: 'StatefulSet', namespace: sts.metadata?.namespace, name: sts.metadata?.name ?? '' },
      reasons: ['every mount already names a volume or a volumeClaimTemplate: nothing to add'],
      noop: true,
    };
  const added = generated.map((g) => g.template);
  return planRecreate(
    sts,
    (set) => {
      set.spec = { ...set.spec!, volumeClaimTemplates: [...(set.spec?.volumeClaimTemplates ?? []), ...clone(added)] };
    },
    {
      summary: `add volumeClaimTemplate${generated.length > 1 ? 's' : ''} ${generated.map((g) => `"${g.template.metadata?.name}"`).join(', ')} to statefulset ${sts.metadata?.name} (orphaning delete + create)`,
      createDescription: 'create the StatefulSet with the added volumeClaimTemplates',
      rollPods,
      notes: generated.flatMap((g) => g.provenance.map((p) => `template "${g.template.metadata?.name}" ${p}`)),
      owned: ['/spec/volumeClaimTemplates'],
    },
  );
}

/** Existing pods cannot gain a volume in place (pod volumes are immutable): these need a restart. */
export function podsNeedingRestart(sts: StatefulSet, podNames: string[]): string[] {
  return podNames.filter((n) => ordinalOfPod(sts, n) !== undefined).sort((a, b) => ordinalOfPod(sts, b)! - ordinalOfPod(sts, a)!);
}
