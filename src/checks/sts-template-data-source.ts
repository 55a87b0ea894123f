import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { dataSourceOf, isSnapshotSource, type DataSourceRef } from '../kube/volume-snapshot.js';
import type { StatefulSet } from '../kube/types.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';

/** Does the source exist: true, false, or a reason it could not be looked at. */
function sourceExists(snapshot: ClusterSnapshot, sts: StatefulSet, source: DataSourceRef): boolean | string {
  const namespace = source.namespace ?? sts.metadata?.namespace;
  if (isSnapshotSource(source)) {
    if (!snapshot.has('volumesnapshots')) return `whether VolumeSnapshot ${source.name} exists was not checked: ${snapshot.unavailable.volumesnapshots}`;
    if (!snapshot.coversNamespace(namespace)) return `namespace ${namespace} was not read`;
    return snapshot.volumeSnapshot(namespace, source.name) !== undefined;
  }
  if (source.kind === 'PersistentVolumeClaim' && !source.apiGroup) {
    if (!snapshot.has('persistentvolumeclaims')) return `whether claim ${source.name} exists was not checked: ${snapshot.unavailable.persistentvolumeclaims}`;
    if (!snapshot.coversNamespace(namespace)) return `namespace ${namespace} was not read`;
    return snapshot.claim(namespace, source.name) !== undefined;
  }
  return `a ${source.kind}${source.apiGroup ? `.${source.apiGroup}` : ''} is filled by its volume populator`;
}

export const stsTemplateDataSource = defineCheck({
  id: 'sts-template-data-source',
  code: 'STS-021',
  severity: 'warning',
  title: 'A volumeClaimTemplate has a dataSource: every ordinal clones the same source',
  rationale:
    'The StatefulSet controller copies the template into each ordinal\'s claim, changing only name, namespace and labels, so a template dataSource or dataSourceRef makes every ordinal, and every later scale-up, a clone of one snapshot or claim: ordinals do not get their own data back. volumeClaimTemplates are immutable, so the source stays for the life of the set; once it is deleted, each new ordinal\'s claim stays Pending (external-provisioner: "error getting snapshot ... not found").',
  remediation:
    "Restore per ordinal instead: create the claims <template>-<set>-<ordinal> before the set, each with its own ordinal's snapshot as dataSource, then re-create the set without the template dataSource (`kubectl delete statefulset --cascade=orphan`, then apply it without the field); existing claims keep their data.",
  needs: ['statefulsets'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      for (const template of sts.spec?.volumeClaimTemplates ?? []) {
        const source = dataSourceOf(template);
        if (!source) continue;
        const tname = template.metadata?.name ?? '';
        const what = `${source.kind} ${source.namespace ? `${source.namespace}/` : ''}${source.name}`;
        const exists = sourceExists(snapshot, sts, source);
        const gone = exists === false;
        findings.push(
          setFinding(sts, {
            severity: gone ? 'error' : undefined,
            related:
              source.kind === 'PersistentVolumeClaim' || isSnapshotSource(source)
                ? [{ kind: source.kind, namespace: source.namespace ?? sts.metadata?.namespace, name: source.name }]
                : [],
            message: gone
              ? `volumeClaimTemplate "${tname}" of statefulset ${sts.metadata?.name} clones ${what}, which no longer exists: the claim of every new ordinal will stay Pending`
              : `volumeClaimTemplate "${tname}" of statefulset ${sts.metadata?.name} clones ${what} into every ordinal, and into every later scale-up`,
            evidence: [
              `template ${template.spec?.dataSourceRef ? 'dataSourceRef' : 'dataSource'}: ${source.apiGroup ? `${source.apiGroup}/` : ''}${source.kind} ${source.name}`,
              ...(typeof exists === 'string' ? [exists] : []),
            ],
          }),
        );
      }
    }
    return findings;
  },
});
