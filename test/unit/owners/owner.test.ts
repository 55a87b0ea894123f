// ownerOf: which mark wins, and what each owner would do to a re-created set.
import { describe, expect, it } from 'vitest';
import { describeOwner, ownerOf, revertsTemplateChanges } from '../../../src/analysis/owner.js';
import { NO_OWNER_RECORDS, type OwnerRecords } from '../../../src/snapshot/owners/owner-records.js';
import type { StatefulSet } from '../../../src/kube/types.js';

const set = (metadata: Record<string, unknown>): StatefulSet => ({ metadata: { name: 'db', namespace: 'shop', ...metadata } }) as StatefulSet;
const records = (r: Partial<OwnerRecords>): OwnerRecords => ({ ...NO_OWNER_RECORDS, ...r });
const HELM = { 'meta.helm.sh/release-name': 'r', 'meta.helm.sh/release-namespace': 'shop' };

describe('ownerOf', () => {
  it("prefers a controller reference to a custom resource over every mark, and reads that resource's own owner", () => {
    const s = set({
      annotations: { ...HELM },
      ownerReferences: [{ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', name: 'p', uid: 'u1', controller: true }],
    });
    const r = records({
      controllers: [
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'Prometheus',
          resource: 'prometheuses',
          metadata: { name: 'p', namespace: 'shop', uid: 'u1', annotations: { ...HELM } },
          spec: {},
        },
      ],
    });
    const owner = ownerOf(s, r);
    expect(owner.type).toBe('operator');
    expect(describeOwner(owner)).toBe('Prometheus shop/p (prometheus-operator), itself owned by Helm release r in shop (its release Secret was not read)');
  });

  it('a built-in controller (apps/v1) is not an operator', () => {
    const s = set({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid: 'u', controller: true }] });
    expect(ownerOf(s, NO_OWNER_RECORDS).type).toBe('none');
  });

  it("Helm's annotations over Flux's and Argo CD's marks; a Flux HelmRelease drives the release", () => {
    const s = set({
      annotations: { ...HELM, 'argocd.argoproj.io/tracking-id': 'app:apps/StatefulSet:shop/db' },
      labels: { 'helm.toolkit.fluxcd.io/name': 'r', 'helm.toolkit.fluxcd.io/namespace': 'flux' },
    });
    const owner = ownerOf(
      s,
      records({ fluxObjects: [{ kind: 'HelmRelease', name: 'r', namespace: 'flux', suspended: false, force: false, driftCorrection: true }] }),
    );
    expect(owner).toMatchObject({ type: 'helm', release: 'r', flux: { name: 'r', namespace: 'flux' } });
    expect(revertsTemplateChanges(owner)).toMatch(/^Flux HelmRelease flux\/r corrects drift/);
  });

  it("Argo CD's tracking id counts only when it names this very object", () => {
    expect(ownerOf(set({ annotations: { 'argocd.argoproj.io/tracking-id': 'app:apps/StatefulSet:shop/other' } }), NO_OWNER_RECORDS).type).toBe('none');
    const owner = ownerOf(set({ annotations: { 'argocd.argoproj.io/tracking-id': 'app:apps/StatefulSet:shop/db' } }), NO_OWNER_RECORDS);
    expect(owner).toMatchObject({ type: 'argocd', app: 'app', via: 'tracking-id' });
    // Not read: whether it self-heals is unknown, and that is said as a risk.
    expect(revertsTemplateChanges(owner)).toMatch(/could not be read, so whether it self-heals is unknown/);
  });

  it('the instance label means Argo CD only when such an Application exists (charts set it too), namespaced apps as <ns>_<app>', () => {
    const s = set({ labels: { 'app.kubernetes.io/instance': 'argocd_shop' } });
    expect(ownerOf(s, NO_OWNER_RECORDS).type).toBe('none');
    const owner = ownerOf(s, records({ argoApplications: [{ name: 'shop', namespace: 'argocd', automated: true, selfHeal: false }] }));
    expect(owner).toMatchObject({ type: 'argocd', via: 'label' });
    expect(revertsTemplateChanges(owner)).toBeUndefined();
  });

  it('kubectl apply by its last-applied copy, after every other mark; the template manager from managedFields, newest writer first', () => {
    const s = set({
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      managedFields: [
        { manager: 'kubectl-client-side-apply', operation: 'Update', time: '2026-01-01T00:00:00Z', fieldsV1: { 'f:spec': { 'f:volumeClaimTemplates': {} } } },
        { manager: 'kubectl-sts-storage', operation: 'Update', time: '2026-02-01T00:00:00Z', fieldsV1: { 'f:spec': { 'f:volumeClaimTemplates': {} } } },
        { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', time: '2026-03-01T00:00:00Z', fieldsV1: { 'f:status': {} } },
      ],
    });
    expect(ownerOf(s, NO_OWNER_RECORDS)).toEqual({ type: 'kubectl', templateManager: 'kubectl-sts-storage' });
  });

  it('picks the record of this set among others: by uid, release and namespace, name and kind', () => {
    const r = records({
      controllers: [
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'Prometheus',
          resource: 'prometheuses',
          metadata: { name: 'other', namespace: 'shop', uid: 'u9' },
          spec: { paused: true },
        },
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'Prometheus',
          resource: 'prometheuses',
          metadata: { name: 'p', namespace: 'shop', uid: 'u1' },
          spec: { paused: false },
        },
      ],
      helmReleases: [
        { release: 'r', namespace: 'other', storedIn: 'other', revision: 9, status: 'deployed', chart: { name: 'x', version: '9' }, statefulSets: [] },
        {
          release: 'r',
          namespace: 'shop',
          storedIn: 'shop',
          revision: 2,
          status: 'deployed',
          chart: { name: 'db', version: '1' },
          statefulSets: [
            { name: 'other', namespace: 'shop', source: 's', volumeClaimTemplates: [], sizeKeys: {} },
            { name: 'db', namespace: 'other', source: 's', volumeClaimTemplates: [], sizeKeys: {} },
            { name: 'db', namespace: 'shop', source: 'mine', volumeClaimTemplates: [], sizeKeys: {} },
          ],
        },
      ],
      fluxObjects: [
        { kind: 'HelmRelease', name: 'apps', namespace: 'flux', suspended: true, force: false, driftCorrection: false },
        { kind: 'Kustomization', name: 'other', namespace: 'flux', suspended: true, force: false, driftCorrection: false },
        { kind: 'Kustomization', name: 'apps', namespace: 'other', suspended: true, force: false, driftCorrection: false },
        { kind: 'Kustomization', name: 'apps', namespace: 'flux', suspended: false, force: true, driftCorrection: false },
      ],
      argoApplications: [
        { name: 'other', namespace: 'argocd', automated: true, selfHeal: false },
        { name: 'app', namespace: 'argocd', automated: true, selfHeal: true },
      ],
    });
    const operator = ownerOf(
      set({ ownerReferences: [{ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', name: 'p', uid: 'u1', controller: true }] }),
      r,
    );
    expect(operator.type === 'operator' && operator.resource?.metadata.name).toBe('p');
    expect(revertsTemplateChanges(operator)).toMatch(/^prometheus-operator re-creates the set from Prometheus p/);
    const helm = ownerOf(set({ annotations: { ...HELM } }), r);
    expect(helm.type === 'helm' && [helm.record?.revision, helm.rendered?.source]).toEqual([2, 'mine']);
    const kustomization = ownerOf(set({ labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux' } }), r);
    expect(kustomization).toMatchObject({ type: 'flux', force: true, object: { suspended: false } });
    const argo = ownerOf(set({ annotations: { 'argocd.argoproj.io/tracking-id': 'app:apps/StatefulSet:shop/db' } }), r);
    expect(argo).toMatchObject({ type: 'argocd', application: { name: 'app', selfHeal: true } });
    expect(describeOwner(ownerOf(set({}), r))).toBe('no owner recognised');
  });
});
