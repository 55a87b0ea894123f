import { defineCheck, type FindingDraft } from './check.js';
import { quoteEvents, setFinding } from './helpers.js';
import { replicasOf } from '../kube/statefulset.js';
import { eventTime } from '../snapshot/cluster-snapshot.js';

// The scheduler's volume-binding messages (volumebinding plugin, binder.go).
const STORAGE_SCHEDULING = /persistentvolumeclaim|persistent volume|volume node affinity|PersistentVolume's node affinity|free storage/i;

export const stsFailedCreate = defineCheck({
  id: 'sts-failed-create',
  code: 'STS-005',
  severity: 'error',
  title: 'The StatefulSet controller cannot create pods, or pods wait on storage',
  rationale:
    'When creating a pod or its claims fails, the StatefulSet controller records a Warning FailedCreate event on the StatefulSet ("create Pod web-0 in StatefulSet web failed error: ...") and retries; with OrderedReady management no later ordinal is created either. Pods that exist but cannot be scheduled because of their claims also leave the StatefulSet short of replicas.',
  remediation: 'Repair the cause quoted in the evidence (usually STS-001 or a claim finding); the controller retries by itself once it is fixed.',
  needs: ['statefulsets', 'pods', 'events'],
  followsFrom: { codes: ['STS-001', 'STS-003', 'STS-004'], on: 'same' },
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const sts of snapshot.statefulSets) {
      const pods = snapshot.podsOf(sts);
      const replicas = replicasOf(sts);
      // FailedCreate events outlive the problem (event TTL): they count only
      // while the set is still short of pods.
      const failed = pods.length < replicas ? snapshot.eventsFor('StatefulSet', sts, ['FailedCreate']) : [];
      const waiting = pods
        .filter((p) => !p.spec?.nodeName)
        .flatMap((pod) =>
          snapshot
            .eventsFor('Pod', pod, ['FailedScheduling'])
            .filter((e) => STORAGE_SCHEDULING.test(e.message ?? ''))
            .slice(0, 1),
        );
      if (failed.length === 0 && waiting.length === 0) continue;
      const latest = failed[0] ?? waiting[0]!;
      findings.push(
        setFinding(sts, {
          related: waiting.map((e) => ({ kind: 'Pod', namespace: e.involvedObject.namespace, name: e.involvedObject.name ?? '' })),
          message: `statefulset ${sts.metadata?.name} has ${pods.length} of ${replicas} pods: ${latest.message ?? latest.reason}`,
          evidence: [
            ...quoteEvents(snapshot, failed, 2),
            ...quoteEvents(
              snapshot,
              waiting.sort((a, b) => (eventTime(b) ?? 0) - (eventTime(a) ?? 0)),
              3,
            ).map((q) => `pod ${q}`),
          ],
        }),
      );
    }
    return findings;
  },
});
