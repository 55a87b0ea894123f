import { defineCheck, type FindingDraft, type Severity } from './check.js';
import { claimRefText, volumeFinding } from './helpers.js';
import { requirementsOf, satisfyReasons } from '../kube/binding.js';

export const pvPreboundUnmatched = defineCheck({
  id: 'pv-prebound-unmatched',
  code: 'PV-004',
  severity: 'warning',
  title: 'Available but reserved for a claim that does not exist or cannot use it',
  rationale:
    'A claimRef without uid reserves the PV (syncVolume: "volume is pre-bound to claim"): no other claim can take it. If the named claim does not exist the PV sits idle; if it asks for more capacity, other access modes or another volumeMode the binder refuses the pair (VolumeMismatch) and both wait. A claimRef missing its name or namespace can never match anything.',
  remediation:
    'Reserve the PV for the right claim with `kubectl sts-storage prebind PV --claim NS/NAME --force`, or release it for any claim with `kubectl sts-storage fix-claimref PV --full --force`.',
  needs: ['persistentvolumes', 'persistentvolumeclaims'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const volume of snapshot.volumes) {
      const ref = volume.spec?.claimRef;
      if (!ref || ref.uid || volume.status?.phase === 'Bound') continue;
      const pv = volume.metadata?.name ?? '';
      if (!ref.name || !ref.namespace) {
        if (!snapshot.volumeInScope(volume) && snapshot.namespaces !== undefined) continue;
        findings.push(
          volumeFinding(snapshot, volume, {
            related: [],
            message: `PV ${pv} has a claimRef without ${ref.name ? 'namespace' : 'name'}; it is reserved and can never bind`,
            evidence: [claimRefText(volume)],
          }),
        );
        continue;
      }
      if (!snapshot.volumeInScope(volume)) continue;
      const claim = snapshot.claim(ref.namespace, ref.name);
      let message: string;
      let severity: Severity = 'warning';
      const evidence = [claimRefText(volume)];
      if (!claim) {
        const owner = snapshot.claimOwner(ref.namespace, ref.name);
        if (owner) {
          severity = 'info';
          message = `PV ${pv} is reserved for claim ${ref.namespace}/${ref.name}, which statefulset ${owner.sts.metadata?.name} creates for ordinal ${owner.ordinal}`;
        } else {
          message = `PV ${pv} is reserved for claim ${ref.namespace}/${ref.name}, which does not exist`;
        }
      } else {
        const reasons = satisfyReasons(volume, requirementsOf(claim), { compareClass: false });
        if (reasons.length === 0) continue;
        message = `PV ${pv} is reserved for claim ${ref.namespace}/${ref.name}, which it cannot satisfy: ${reasons.join('; ')}`;
        evidence.push(...reasons);
      }
      findings.push(
        volumeFinding(snapshot, volume, {
          severity,
          related: [{ kind: 'PersistentVolumeClaim', namespace: ref.namespace, name: ref.name }],
          message,
          evidence,
        }),
      );
    }
    return findings;
  },
});
