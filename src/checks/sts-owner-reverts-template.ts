import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { describeOwner, ownerOf, revertsTemplateChanges } from '../analysis/owner.js';

export const stsOwnerRevertsTemplate = defineCheck({
  id: 'sts-owner-reverts-template',
  code: 'STS-020',
  severity: 'info',
  title: 'A controller owns the set and would undo a change to its claim templates',
  rationale:
    "A change to a set's volumeClaimTemplates means re-creating the set. When an operator (prometheus-operator, ECK, RabbitMQ, Zalando…) or an auto-syncing GitOps controller (Argo CD with selfHeal, a Flux Kustomization that is not suspended, a Flux HelmRelease with drift correction) owns the set, it re-creates or re-applies it from its own source within seconds: the change is lost, and prometheus-operator and Flux's force re-create with a deleting propagation that takes every pod. Nothing is wrong today; this says where a storage change must be made.",
  remediation:
    'Change the size in the owner (the finding names the field or the source), or pause it first (argocd app set APP --sync-policy none; flux suspend kustomization NAME; spec.paused on a prometheus-operator resource). `kubectl sts-storage resize` refuses such a set, or, for prometheus-operator, resizes through the resource.',
  needs: ['statefulsets'],
  needsOwners: true,
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const owner = ownerOf(sts, snapshot.owners);
      const reverts = revertsTemplateChanges(owner);
      if (!reverts) continue;
      findings.push(
        setFinding(sts, {
          related: [],
          message: `statefulset ${sts.metadata?.name} is owned by ${describeOwner(owner)}: ${reverts}`,
          evidence: owner.templateManager ? [`managedFields: spec.volumeClaimTemplates was last written by ${owner.templateManager}`] : [],
        }),
      );
    }
    return findings;
  },
});
