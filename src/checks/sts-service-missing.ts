import { defineCheck, type FindingDraft } from './check.js';
import { setFinding } from './helpers.js';

export const stsServiceMissing = defineCheck({
  id: 'sts-service-missing',
  code: 'STS-007',
  severity: 'warning',
  title: 'spec.serviceName names no Service, or a Service that is not headless',
  rationale:
    "A StatefulSet's pods get stable DNS names (pod.service.namespace) only through the headless Service named in spec.serviceName. Without it, clustered databases cannot find their peers even when storage is healthy. serviceName is immutable.",
  remediation: "Create a Service with clusterIP: None and the StatefulSet's selector under the name spec.serviceName gives.",
  needs: ['statefulsets', 'services'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const name = sts.spec?.serviceName;
      const ns = sts.metadata?.namespace;
      if (!name || !snapshot.coversNamespace(ns)) continue;
      const svc = snapshot.service(ns, name);
      if (svc && svc.spec?.clusterIP === 'None') continue;
      findings.push(
        setFinding(sts, {
          related: [{ kind: 'Service', namespace: ns, name }],
          message: svc
            ? `serviceName "${name}" of statefulset ${sts.metadata?.name} names a Service that is not headless (clusterIP ${svc.spec?.clusterIP ?? 'unset'})`
            : `serviceName "${name}" of statefulset ${sts.metadata?.name} names no Service in namespace ${ns}`,
          evidence: [`spec.serviceName: ${name}`],
        }),
      );
    }
    return findings;
  },
});
