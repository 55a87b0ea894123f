// The labels, annotations and field managers that Helm, Argo CD, Flux and
// kubectl leave on the objects they write (sources: each project's code, see
// docs/owners.md). Read here and nowhere else.
import type { KubeObject } from './types.js';
import { compareText } from './text-order.js';

export const HELM_RELEASE_NAME = 'meta.helm.sh/release-name';
export const HELM_RELEASE_NAMESPACE = 'meta.helm.sh/release-namespace';
/** Argo CD 3.x default tracking: "<app>:<group>/<kind>:<namespace>/<name>" */
export const ARGO_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
/** Argo CD 2.x default tracking label (charts set it too: a weak sign alone) */
export const ARGO_INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const FLUX_KUSTOMIZATION_NAME = 'kustomize.toolkit.fluxcd.io/name';
export const FLUX_KUSTOMIZATION_NAMESPACE = 'kustomize.toolkit.fluxcd.io/namespace';
export const FLUX_HELMRELEASE_NAME = 'helm.toolkit.fluxcd.io/name';
export const FLUX_HELMRELEASE_NAMESPACE = 'helm.toolkit.fluxcd.io/namespace';
export const FLUX_FORCE = 'kustomize.toolkit.fluxcd.io/force';
/** kubectl apply's (and Argo CD's client-side apply's) copy of the applied object */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

const label = (o: KubeObject, k: string) => o.metadata?.labels?.[k];
const note = (o: KubeObject, k: string) => o.metadata?.annotations?.[k];

export function helmMarks(o: KubeObject): { release: string; namespace: string } | undefined {
  const release = note(o, HELM_RELEASE_NAME);
  return release ? { release, namespace: note(o, HELM_RELEASE_NAMESPACE) ?? o.metadata?.namespace ?? '' } : undefined;
}

/** The Argo CD application, from the tracking-id when it names this very object, else the instance label. */
export function argoMarks(o: KubeObject, kind: string): { app: string; via: 'tracking-id' | 'label' } | undefined {
  const id = note(o, ARGO_TRACKING_ID);
  if (id) {
    const m = /^([^:]+):([^/]*)\/([^:]+):([^/]*)\/(.+)$/.exec(id);
    if (m && m[3] === kind && m[5] === o.metadata?.name) return { app: m[1]!, via: 'tracking-id' };
  }
  const instance = label(o, ARGO_INSTANCE_LABEL);
  return instance ? { app: instance, via: 'label' } : undefined;
}

export function fluxMarks(o: KubeObject): { kind: 'Kustomization' | 'HelmRelease'; name: string; namespace: string; force: boolean } | undefined {
  const force = label(o, FLUX_FORCE) === 'enabled' || note(o, FLUX_FORCE) === 'enabled';
  const hr = label(o, FLUX_HELMRELEASE_NAME);
  if (hr) return { kind: 'HelmRelease', name: hr, namespace: label(o, FLUX_HELMRELEASE_NAMESPACE) ?? '', force };
  const ks = label(o, FLUX_KUSTOMIZATION_NAME);
  if (ks) return { kind: 'Kustomization', name: ks, namespace: label(o, FLUX_KUSTOMIZATION_NAMESPACE) ?? '', force };
  return undefined;
}

export function managedFieldsOf(o: KubeObject): ManagedFieldsEntry[] {
  return (o.metadata as { managedFields?: ManagedFieldsEntry[] } | undefined)?.managedFields ?? [];
}

/** The manager that last set a field (the whole list, for an atomic one like volumeClaimTemplates). */
export function managerOf(o: KubeObject, ...path: string[]): string | undefined {
  const owns = (e: ManagedFieldsEntry) => {
    let node: unknown = e.fieldsV1;
    for (const p of path) {
      if (node === null || typeof node !== 'object' || !(`f:${p}` in (node as object))) return false;
      node = (node as Record<string, unknown>)[`f:${p}`];
    }
    return true;
  };
  const entries = managedFieldsOf(o).filter((e) => !e.subresource && owns(e));
  // Several owners share a value applied alike; the latest writer is the one to name.
  return entries.sort((a, b) => compareText(String(b.time ?? ''), String(a.time ?? '')))[0]?.manager;
}

/** A controller ownerReference to something other than a built-in kind. */
export function controllerOwner(o: KubeObject): { apiVersion: string; kind: string; name: string; uid: string } | undefined {
  const refs = (o.metadata as { ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }> } | undefined)
    ?.ownerReferences;
  const c = refs?.find((r) => r.controller);
  return c ? { apiVersion: c.apiVersion, kind: c.kind, name: c.name, uid: c.uid } : undefined;
}

/** An owner whose controller is part of Kubernetes (core, apps, batch): not an operator's resource. */
export function isBuiltInOwner(apiVersion: string): boolean {
  return ['v1', 'apps/v1', 'batch/v1'].includes(apiVersion);
}
