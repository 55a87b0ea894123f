// Who owns a StatefulSet: the one place that turns its ownerReferences,
// labels, annotations, managedFields and the owner records of the snapshot
// into an Owner. Checks and planners ask here; nobody else parses those marks.
// Most reliable first: a controller ownerReference to a custom resource (and
// that resource's own owner), Helm's release annotations confirmed by the
// release Secret, Flux's labels, Argo CD's tracking id (or its instance label
// when an Application of that name exists), kubectl's last-applied copy.
import type { KubeObject, StatefulSet } from '../kube/types.js';
import { argoMarks, controllerOwner, fluxMarks, helmMarks, isBuiltInOwner, LAST_APPLIED, managedFieldsOf, managerOf } from '../kube/owner-marks.js';
import type { ArgoApplication, ControllerResource, FluxObject, HelmReleaseRecord, OwnerRecords, RenderedSet } from '../snapshot/owners/owner-records.js';
import { knownOperator, type KnownOperator } from './operators.js';

export type Owner = { templateManager?: string } & (
  | {
      type: 'operator';
      ref: { apiVersion: string; kind: string; name: string; namespace: string; uid: string };
      /** the resource as read; undefined when it could not be */
      resource?: ControllerResource;
      operator?: KnownOperator;
      /** the resource's own owner (Helm, GitOps) */
      managedBy?: Owner;
    }
  | {
      type: 'helm';
      release: string;
      namespace: string;
      /** the deployed release, when its Secret could be read */
      record?: HelmReleaseRecord;
      /** this set as the deployed release renders it */
      rendered?: RenderedSet;
      /** a Flux HelmRelease drives the release */
      flux?: { name: string; namespace: string; object?: FluxObject };
    }
  | { type: 'argocd'; app: string; via: 'tracking-id' | 'label'; application?: ArgoApplication }
  | { type: 'flux'; kind: 'Kustomization'; name: string; namespace: string; force: boolean; object?: FluxObject }
  | { type: 'kubectl' }
  | { type: 'none' }
);

function ownerOfObject(o: KubeObject, kind: string, records: OwnerRecords): Owner {
  const ns = o.metadata?.namespace ?? '';
  const controller = controllerOwner(o);
  if (controller && !isBuiltInOwner(controller.apiVersion)) {
    const resource = records.controllers.find((c) => c.metadata.uid === controller.uid);
    return {
      type: 'operator',
      ref: { ...controller, namespace: ns },
      resource,
      operator: knownOperator(controller.apiVersion, controller.kind),
      managedBy: resource ? ownerOfObject({ ...resource, kind: resource.kind }, resource.kind, records) : undefined,
    };
  }
  const flux = fluxMarks(o);
  const helm = helmMarks(o);
  if (helm) {
    const record = records.helmReleases.find((r) => r.release === helm.release && r.namespace === helm.namespace);
    const rendered = record?.statefulSets.find((s) => s.name === o.metadata?.name && s.namespace === ns);
    const fluxObject =
      flux?.kind === 'HelmRelease'
        ? records.fluxObjects.find((f) => f.kind === 'HelmRelease' && f.name === flux.name && f.namespace === flux.namespace)
        : undefined;
    return {
      type: 'helm',
      release: helm.release,
      namespace: helm.namespace,
      record,
      rendered,
      ...(flux?.kind === 'HelmRelease' ? { flux: { name: flux.name, namespace: flux.namespace, object: fluxObject } } : {}),
    };
  }
  if (flux?.kind === 'Kustomization') {
    const object = records.fluxObjects.find((f) => f.kind === 'Kustomization' && f.name === flux.name && f.namespace === flux.namespace);
    return { type: 'flux', kind: 'Kustomization', name: flux.name, namespace: flux.namespace, force: flux.force || !!object?.force, object };
  }
  const argo = argoMarks(o, kind);
  if (argo) {
    const application = records.argoApplications.find((a) => a.name === argo.app || `${a.namespace}_${a.name}` === argo.app);
    // The instance label alone is set by most charts: it means Argo CD only when such an Application exists.
    if (argo.via === 'tracking-id' || application) return { type: 'argocd', app: argo.app, via: argo.via, application };
  }
  if (o.metadata?.annotations?.[LAST_APPLIED] !== undefined) return { type: 'kubectl' };
  return { type: 'none' };
}

/** The owner of a set, with the manager that last wrote its volumeClaimTemplates. */
export function ownerOf(sts: StatefulSet, records: OwnerRecords): Owner {
  const owner = ownerOfObject(sts, 'StatefulSet', records);
  const templateManager = managerOf(sts, 'spec', 'volumeClaimTemplates');
  return templateManager ? { ...owner, templateManager } : owner;
}

/** "Helm release r in shop (chart db 0.1.0, revision 2)" */
export function describeOwner(owner: Owner): string {
  switch (owner.type) {
    case 'operator': {
      const by = owner.operator ? ` (${owner.operator.operator})` : '';
      const above = owner.managedBy && owner.managedBy.type !== 'none' ? `, itself owned by ${describeOwner(owner.managedBy)}` : '';
      return `${owner.ref.kind} ${owner.ref.namespace}/${owner.ref.name}${by}${above}`;
    }
    case 'helm': {
      const r = owner.record;
      const detail = r ? ` (chart ${r.chart.name} ${r.chart.version}, revision ${r.revision})` : ' (its release Secret was not read)';
      const flux = owner.flux ? `, driven by Flux HelmRelease ${owner.flux.namespace}/${owner.flux.name}` : '';
      return `Helm release ${owner.release} in ${owner.namespace}${detail}${flux}`;
    }
    case 'argocd': {
      const a = owner.application;
      const sync = a ? (a.selfHeal ? 'auto-sync with selfHeal' : a.automated ? 'auto-sync without selfHeal' : 'manual sync') : 'its Application was not read';
      return `Argo CD Application ${owner.app} (${sync})`;
    }
    case 'flux':
      return `Flux Kustomization ${owner.namespace}/${owner.name}${owner.object ? (owner.object.suspended ? ' (suspended)' : ' (reconciling)') : ' (not read)'}`;
    case 'kubectl':
      return 'kubectl apply (last-applied-configuration)';
    case 'none':
      return 'no owner recognised';
  }
}

/**
 * Why a template change would not last: the controller that would put the
 * old template back, and how. Undefined when none would (Helm waits for the
 * next upgrade; a paused or suspended controller waits to be resumed).
 */
export function revertsTemplateChanges(owner: Owner): string | undefined {
  switch (owner.type) {
    case 'operator': {
      if (owner.resource && owner.operator?.procedure && owner.resource.spec?.['paused'] === true) return undefined;
      const what = owner.operator?.operator ?? `the controller of ${owner.ref.kind} resources`;
      return `${what} re-creates the set from ${owner.ref.kind} ${owner.ref.name}: change ${owner.operator ? owner.operator.sizeField : 'the storage size of that resource'} there instead`;
    }
    case 'argocd':
      if (!owner.application)
        return `Argo CD Application ${owner.app} could not be read, so whether it self-heals is unknown: with selfHeal it re-creates the set from Git at the old size within seconds`;
      return owner.application.selfHeal
        ? `Argo CD Application ${owner.app} self-heals: it re-creates the set from Git at the old size within seconds of the delete (disable auto-sync first: argocd app set ${owner.app} --sync-policy none)`
        : undefined;
    case 'flux':
      if (owner.object?.suspended) return undefined;
      return `Flux Kustomization ${owner.namespace}/${owner.name} ${owner.object ? 'reconciles' : 'may reconcile (it could not be read)'}: it re-applies the old template at its next interval${owner.force ? ', and with force enabled it deletes the set with background propagation, every pod included' : ''} (suspend it first: flux suspend kustomization ${owner.name} -n ${owner.namespace})`;
    case 'helm':
      if (owner.flux && (!owner.flux.object || (!owner.flux.object.suspended && owner.flux.object.driftCorrection)))
        return `Flux HelmRelease ${owner.flux.namespace}/${owner.flux.name} ${owner.flux.object ? 'corrects drift' : 'could not be read, and may correct drift'}: it would put the old template back (suspend it first: flux suspend helmrelease ${owner.flux.name} -n ${owner.flux.namespace})`;
      return undefined;
    default:
      return undefined;
  }
}

/** The managers of an object's fields, status writers aside: who else writes it. */
export function managersOf(o: KubeObject): string[] {
  return [
    ...new Set(
      managedFieldsOf(o)
        .filter((m) => !m.subresource)
        .map((m) => m.manager ?? ''),
    ),
  ].filter(Boolean);
}
