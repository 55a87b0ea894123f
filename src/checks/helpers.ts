import type { Claim, KubeEvent, StatefulSet, Volume, VolumeSnapshot, KubeObject } from '../kube/types.js';
import { refOf, keyOf } from '../kube/types.js';
import { eventTime } from '../snapshot/cluster-snapshot.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { formatDuration, timeOf } from '../kube/time.js';
import type { FindingDraft } from './check.js';
import type { ClaimExposure } from '../analysis/deletion-paths.js';

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

/** A finding about a VolumeSnapshot, grouped under the set whose claim it was taken of. */
export function snapshotFinding(snapshot: ClusterSnapshot, vs: VolumeSnapshot, f: Omit<FindingDraft, 'object' | 'statefulSet'>): FindingDraft {
  const claim = vs.spec?.source?.persistentVolumeClaimName;
  const owner = claim ? snapshot.claimOwner(vs.metadata?.namespace, claim) : undefined;
  return { ...f, object: refOf('VolumeSnapshot', vs), statefulSet: owner ? stsKey(owner.sts) : undefined };
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
  // No --full: advice is followed as it is, and --full hands a PV's data to whichever claim binds first.
  fixClaimRef: (...volumes: string[]) => `${PLUGIN} fix-claimref ${volumes.join(' ')}`,
  prebind: (volume: string, namespace: string, claim: string) => `${PLUGIN} prebind ${volume} --claim ${namespace}/${claim}`,
  generateTemplate: (sts: StatefulSet) => `${PLUGIN} generate-template ${sts.metadata?.name} -n ${sts.metadata?.namespace}`,
  protect: (sts: StatefulSet, flags = '') => `${PLUGIN} protect ${sts.metadata?.name} -n ${sts.metadata?.namespace}${flags}`,
  // --template only when the set has more than one: resize asks for it then.
  resize: (sts: StatefulSet, size: string, template: string) =>
    `${PLUGIN} resize ${sts.metadata?.name} -n ${sts.metadata?.namespace} --to ${size}${(sts.spec?.volumeClaimTemplates ?? []).length > 1 ? ` --template ${template}` : ''}`,
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

/**
 * "a", "a and b", "a, b, and c": the names a message lists, as Intl.ListFormat('en', conjunction)
 * writes them (a property test holds the two together). Not Intl itself: its first use maps 4.5 MiB
 * of ICU's list data into the process, which serve would then keep resident all day.
 */
export function listOf(names: string[]): string {
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, -1).join(', ')}, and ${names[names.length - 1]}`;
}

// Wording shared by the data-loss checks (STS-013, STS-014, PVC-009): what a lost claim takes with it.

const nameOf = (c: ClaimExposure) => c.claim.metadata?.name ?? '';
const volumeName = (c: ClaimExposure) => c.volume?.metadata?.name ?? '';

export function claimNames(claims: ClaimExposure[]): string {
  return `${claims.length === 1 ? 'claim' : 'claims'} ${listOf(claims.map(nameOf))}`;
}

/** ", and with them PVs a and b (reclaimPolicy Delete); PV c keeps the data, Released (reclaimPolicy Retain), …" */
export function volumesLost(claims: ClaimExposure[]): string {
  const deleted = claims.filter((c) => c.volume && c.volumeDeletedWithClaim).map(volumeName);
  const kept = claims.filter((c) => c.volume && !c.volumeDeletedWithClaim).map(volumeName);
  let text = '';
  if (deleted.length > 0)
    text += `, and with ${claims.length === 1 ? 'it' : 'them'} ${deleted.length === 1 ? 'PV' : 'PVs'} ${listOf(deleted)} (reclaimPolicy Delete)`;
  if (kept.length > 0)
    text += `; ${kept.length === 1 ? 'PV' : 'PVs'} ${listOf(kept)} ${kept.length === 1 ? 'keeps' : 'keep'} the data, Released (reclaimPolicy Retain), but new claims do not bind ${kept.length === 1 ? 'it' : 'them'} again by themselves`;
  return text;
}

/** One evidence line per claim: where its data lives and what its PV does when the claim goes. */
export function claimEvidence(claims: ClaimExposure[]): string[] {
  return claims.map((c) =>
    c.volume
      ? `claim ${nameOf(c)} -> PV ${volumeName(c)} (${c.volume.status?.phase ?? 'unknown'}, reclaimPolicy ${c.volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain'})`
      : `claim ${nameOf(c)}: ${c.claim.status?.phase ?? 'unknown'}, no PV yet`,
  );
}

export function anyDataDeleted(claims: ClaimExposure[]): boolean {
  return claims.some((c) => c.volume && c.volumeDeletedWithClaim);
}
