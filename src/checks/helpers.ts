import type { Claim, KubeEvent, StatefulSet, Volume, KubeObject } from '../kube/types.js';
import { refOf, keyOf } from '../kube/types.js';
import { eventTime } from '../snapshot/cluster-snapshot.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { formatDuration, timeOf } from '../kube/time.js';
import type { FindingDraft } from './check.js';

export const PLUGIN = 'kubectl sts-storage';

export function stsKey(sts: StatefulSet): string {
  return keyOf(sts.metadata?.namespace, sts.metadata?.name);
}

/** Quotes the controller's own words: "FailedBinding (x12, 40s ago): no persistent volumes ...". */
export function quoteEvents(snapshot: ClusterSnapshot, events: KubeEvent[], max = 3): string[] {
  return events.slice(0, max).map((e) => {
    const t = eventTime(e);
    const age = t !== undefined ? `, ${formatDuration(Math.max(0, snapshot.now - t))} ago` : '';
    const count = e.count && e.count > 1 ? ` x${e.count}` : e.series?.count ? ` x${e.series.count}` : '';
    return `event ${e.reason}${count}${age}: ${e.message ?? ''}`.trimEnd();
  });
}

export function ageOf(snapshot: ClusterSnapshot, object: KubeObject): number | undefined {
  const t = timeOf(object.metadata?.creationTimestamp);
  return t === undefined ? undefined : snapshot.now - t;
}

export function claimFinding(snapshot: ClusterSnapshot, claim: Claim, f: Omit<FindingDraft, 'object' | 'statefulSet'>): FindingDraft {
  const sts = snapshot.statefulSetOfClaim(claim);
  return { ...f, object: refOf('PersistentVolumeClaim', claim), statefulSet: sts ? stsKey(sts) : undefined };
}

export function volumeFinding(snapshot: ClusterSnapshot, volume: Volume, f: Omit<FindingDraft, 'object' | 'statefulSet'>): FindingDraft {
  const ref = volume.spec?.claimRef;
  const owner = ref?.name ? snapshot.claimOwner(ref.namespace, ref.name) : undefined;
  return { ...f, object: refOf('PersistentVolume', volume), statefulSet: owner ? stsKey(owner.sts) : undefined };
}

export function setFinding(sts: StatefulSet, f: Omit<FindingDraft, 'object' | 'statefulSet'>): FindingDraft {
  return { ...f, object: refOf('StatefulSet', sts), statefulSet: stsKey(sts) };
}

export function claimRefText(volume: Volume): string {
  const r = volume.spec?.claimRef;
  if (!r) return 'claimRef: none';
  return `claimRef: ${r.namespace ?? '<no namespace>'}/${r.name ?? '<no name>'}${r.uid ? ` uid=${r.uid}` : ' (no uid)'}${r.resourceVersion ? ` resourceVersion=${r.resourceVersion}` : ''}`;
}

export const commands = {
  fixClaimRef: (volume: string, full = false) => `${PLUGIN} fix-claimref ${volume}${full ? ' --full' : ''}`,
  prebind: (volume: string, namespace: string, claim: string) => `${PLUGIN} prebind ${volume} --claim ${namespace}/${claim}`,
  generateTemplate: (sts: StatefulSet) => `${PLUGIN} generate-template ${sts.metadata?.name} -n ${sts.metadata?.namespace}`,
  fixMounts: (sts: StatefulSet, renames: Array<[string, string]>) =>
    `${PLUGIN} fix-mounts ${sts.metadata?.name} -n ${sts.metadata?.namespace}${renames.map(([a, b]) => ` --rename ${a}=${b}`).join('')}`,
};

/**
 * Released PVs in scope whose claimRef still carries a claim's uid, with the
 * live claim of that namespace/name if there is one (PV-001 and PV-002 split them).
 */
type ClaimRef = NonNullable<NonNullable<Volume['spec']>['claimRef']>;

export function* releasedWithClaimUid(
  snapshot: ClusterSnapshot,
): Generator<{ volume: Volume; ref: ClaimRef & { name: string; uid: string }; claim: Claim | undefined; pv: string }> {
  for (const volume of snapshot.volumes) {
    if (volume.status?.phase !== 'Released' || !snapshot.volumeInScope(volume)) continue;
    const ref = volume.spec?.claimRef;
    if (!ref?.uid || !ref.name) continue;
    yield { volume, ref: { ...ref, name: ref.name, uid: ref.uid }, claim: snapshot.claim(ref.namespace, ref.name), pv: volume.metadata?.name ?? '' };
  }
}

/** [] or [text], for evidence lines that exist only when a field does. */
export function optional(text: string | undefined): string[] {
  return text === undefined ? [] : [text];
}
