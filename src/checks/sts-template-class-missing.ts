import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';
import { claimClass, claimHasClass, mismatchReasons, requirementsOfTemplate } from '../kube/binding.js';
import { claimNameFor, startOrdinal } from '../kube/statefulset.js';
import type { StatefulSet } from '../kube/types.js';

export const stsTemplateClassMissing = defineCheck({
  id: 'sts-template-class-missing',
  code: 'STS-006',
  severity: 'error',
  title: 'A volumeClaimTemplate names a missing StorageClass, or no class can ever serve it',
  rationale:
    'Every ordinal claim copies the template\'s storageClassName. A class that does not exist cannot provision ("storageclass.storage.k8s.io \\"x\\" not found"), and a template without a class in a cluster with no default StorageClass can only bind pre-created PVs without a class; when none fits, every claim stays Pending. volumeClaimTemplates are immutable, so the template cannot simply be edited.',
  remediation:
    'Create the StorageClass the template names, or mark a class as default, or pre-create fitting PVs and reserve them with `kubectl sts-storage prebind PV --statefulset STS --ordinal N`; to change the template itself use `kubectl sts-storage generate-template STS --storage-class SC --apply`.',
  needs: ['statefulsets', 'storageclasses'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    // Once per snapshot, not per template: the free PVs, and the sets whose ordinal claims some PV is tied to.
    const freeVolumes = snapshot.volumes.filter((v) => !v.spec?.claimRef || !v.spec.claimRef.uid);
    const setsWithVolumes = new Set<StatefulSet>();
    for (const v of snapshot.volumes) {
      const ref = v.spec?.claimRef;
      const owner = ref?.name ? snapshot.claimOwner(ref.namespace, ref.name) : undefined;
      if (owner) setsWithVolumes.add(owner.sts);
    }
    for (const sts of snapshot.statefulSets) {
      for (const template of sts.spec?.volumeClaimTemplates ?? []) {
        const tname = template.metadata?.name ?? '';
        const cls = claimClass(template);
        // The binder matches static PVs by class name alone; the StorageClass
        // object is needed only to provision (a missing class binds as
        // Immediate: IsDelayBindingMode). So a class name that groups free
        // static PVs is a valid setup, the one `explain` recommends.
        const servedByStaticVolumes = () => {
          if (!snapshot.has('persistentvolumes')) return false;
          const req = requirementsOfTemplate(template, {
            namespace: sts.metadata?.namespace ?? '',
            name: claimNameFor(tname, sts.metadata?.name ?? '', startOrdinal(sts)),
            className: cls,
          });
          const fits = freeVolumes.some((v) => mismatchReasons(v, { ...req, name: v.spec?.claimRef?.name ?? req.name }, false).length === 0);
          // PVs already tied to this set's ordinal claims (even by a stale uid, which PV-002 repairs) serve it.
          return fits || setsWithVolumes.has(sts);
        };
        if (cls !== '') {
          if (snapshot.storageClass(cls) || servedByStaticVolumes()) continue;
          findings.push(
            setFinding(sts, {
              related: [{ kind: 'StorageClass', name: cls }],
              message: `volumeClaimTemplate "${tname}" of statefulset ${sts.metadata?.name} names StorageClass ${cls}, which does not exist, and no free PV of that class can satisfy it`,
              evidence: [
                `storage classes: [${snapshot.storageClasses.map((s) => s.metadata?.name).join(', ')}]`,
                ...(snapshot.has('persistentvolumes') ? [] : [`static PVs of class ${cls} were not checked: ${snapshot.unavailable.persistentvolumes}`]),
              ],
            }),
          );
          continue;
        }
        const defaultClass = snapshot.defaultClass();
        if (!claimHasClass(template) && defaultClass) continue;
        if (!snapshot.has('persistentvolumes') || servedByStaticVolumes()) continue;
        // storageClassName "" asks for no class: a default class exists and is not applied (the binder
        // defaults only an unset class), which the message must not call "no default".
        const declined = defaultClass?.metadata?.name;
        findings.push(
          setFinding(sts, {
            related: [],
            message: declined
              ? `volumeClaimTemplate "${tname}" of statefulset ${sts.metadata?.name} asks for no StorageClass (storageClassName ""), so the default StorageClass ${declined} does not apply, and no free PV without a class can satisfy it`
              : `volumeClaimTemplate "${tname}" of statefulset ${sts.metadata?.name} names no StorageClass, the cluster has no default StorageClass, and no free PV without a class can satisfy it`,
            evidence: [
              `storageClassName: ${template.spec?.storageClassName === '' ? '""' : 'unset'}`,
              declined
                ? `default StorageClass: ${declined}, not applied to storageClassName ""`
                : snapshot.storageClasses.length
                  ? `default StorageClass: none among [${snapshot.storageClasses.map((s) => s.metadata?.name).join(', ')}]`
                  : 'the cluster has no StorageClass at all',
            ],
          }),
        );
      }
    }
    return findings;
  },
});
