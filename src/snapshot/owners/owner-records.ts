// What the cluster says about who writes each StatefulSet, beyond the set's
// own metadata: Helm release records, the custom resources that control sets,
// Argo CD Applications, Flux Kustomizations and HelmReleases. Read once per
// snapshot (read-owner-records.ts); analysis/owner.ts turns them into one
// Owner per set.
import type { HelmReleaseRecord } from './helm-release.js';

export type { HelmReleaseRecord, RenderedSet, SizeKey } from './helm-release.js';

/** A custom resource that controls a set (a Prometheus, an Elasticsearch…), without its managedFields. */
export interface ControllerResource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  /** the resource (plural) it is served as, for the repairs' paths and RBAC */
  resource: string;
}

/** An Argo CD Application, as far as a repair cares: does it put a changed object back? */
export interface ArgoApplication {
  name: string;
  namespace: string;
  automated: boolean;
  selfHeal: boolean;
}

/** A Flux Kustomization or HelmRelease, as far as a repair cares. */
export interface FluxObject {
  kind: 'Kustomization' | 'HelmRelease';
  name: string;
  namespace: string;
  suspended: boolean;
  /** Kustomization spec.force: a refused apply becomes delete-and-recreate, pods included */
  force: boolean;
  /** HelmRelease spec.driftDetection.mode == enabled: live changes are reverted */
  driftCorrection: boolean;
  /** HelmRelease: where its release Secret lives */
  storageNamespace?: string;
}

export interface OwnerRecords {
  helmReleases: HelmReleaseRecord[];
  controllers: ControllerResource[];
  argoApplications: ArgoApplication[];
  fluxObjects: FluxObject[];
  /** what could not be read, and what the owner is judged by instead */
  skipped: string[];
}

export const NO_OWNER_RECORDS: OwnerRecords = { helmReleases: [], controllers: [], argoApplications: [], fluxObjects: [], skipped: [] };
