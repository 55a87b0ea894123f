// The storage chain of one StatefulSet, per template and ordinal:
// template -> expected claim -> claim phase -> PV -> claimRef -> pod, with the
// findings that apply to each link. Data only; `show` renders it.
import type { Finding, Severity } from '../checks/check.js';
import type { StatefulSet } from '../kube/types.js';
import { keyOf } from '../kube/types.js';
import { claimClass, claimHasClass, requestOf, capacityOf } from '../kube/binding.js';
import { expansionState } from '../kube/expansion.js';
import { formatBytes } from '../kube/quantity.js';
import { phaseSince } from '../kube/lifecycle.js';
import { claimNameFor, replicasOf, startOrdinal } from '../kube/statefulset.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { deletesData, setExposure, type ClaimExposure } from '../analysis/deletion-paths.js';
import { describeOwner, ownerOf, type Owner } from '../analysis/owner.js';

export interface ChainFinding {
  code: string;
  severity: Severity;
  message: string;
  fix?: string;
  /** the code of the finding this one follows from */
  causedBy?: string;
}

export interface OrdinalLink {
  ordinal: number;
  inRange: boolean;
  /** deletedBy: what would delete the claim (retention policy, ownerReferences), empty when nothing does */
  /** request/capacity: what it asks and what its volume has; resizing: an expansion in progress or stuck */
  claim: {
    name: string;
    phase: string;
    why?: string;
    request?: string;
    capacity?: string;
    resizing?: string;
    deletedBy: string[];
    findings: ChainFinding[];
  };
  /** phaseSince: "Released for 3h (since …)", from status.lastPhaseTransitionTime when the PV has it;
   *  deletedWithClaim: reclaimPolicy Delete, so the data goes when the claim does */
  volume?: {
    name: string;
    phase: string;
    phaseSince?: string;
    reclaimPolicy: string;
    deletedWithClaim: boolean;
    capacity: string;
    findings: ChainFinding[];
  };
  claimRef?: { namespace: string; name: string; uid?: string; stale: boolean };
  pod: { name: string; phase: string };
}

export interface TemplateLink {
  name: string;
  size: string;
  accessModes: string[];
  storageClass: { name: string; exists: boolean; isDefault: boolean; note: string };
  ordinals: OrdinalLink[];
}

export interface StorageChain {
  kind: 'StorageChain';
  statefulSet: {
    namespace: string;
    name: string;
    replicas: number;
    ordinalsStart: number;
    findings: ChainFinding[];
    /** who writes it (Helm, an operator, GitOps, kubectl apply), when one is recognised */
    owner?: string;
    /** the manager that last wrote its volumeClaimTemplates (managedFields) */
    templateManager?: string;
  };
  templates: TemplateLink[];
}

/** What would delete one claim, in words: the answer `show` prints under it. */
function deletersOf(c: ClaimExposure | undefined, sts: StatefulSet): string[] {
  if (!c) return [];
  const set = sts.metadata?.name ?? '';
  const out: string[] = [];
  const keep = c.ordinal - startOrdinal(sts);
  if (c.byScaleDown) out.push(`a scale-down to ${keep === 0 ? '0 replicas' : `${keep} replica${keep === 1 ? '' : 's'} or fewer`} (whenScaled: Delete)`);
  if (c.bySetDeletion) out.push(`deleting statefulset ${set} (whenDeleted: Delete)`);
  for (const t of c.ownerThreats) {
    if (t.kind === 'foreign') out.push(`deleting ${t.owners.map((o) => `${o.kind} ${o.name}`).join(' and ')} (ownerReference)`);
    else if (t.kind === 'set-against-policy') out.push(`deleting statefulset ${set} (an ownerReference whenDeleted: Retain does not call for)`);
    else if (t.kind === 'stale-set') out.push(`the garbage collector (ownerReference to a previous ${t.owner.name}, uid ${t.owner.uid})`);
    else out.push(`deleting pod ${t.owner.name} (ownerReference)`);
  }
  return out;
}

function toChain(f: Finding): ChainFinding {
  return {
    code: f.code,
    severity: f.severity,
    message: f.message,
    ...(f.fix ? { fix: f.fix.command } : {}),
    ...(f.causedBy ? { causedBy: f.causedBy.code } : {}),
  };
}

function ownerFields(owner: Owner): { owner?: string; templateManager?: string } {
  return {
    ...(owner.type !== 'none' ? { owner: describeOwner(owner) } : {}),
    ...(owner.templateManager ? { templateManager: owner.templateManager } : {}),
  };
}

export function buildStorageChain(snapshot: ClusterSnapshot, sts: StatefulSet, findings: Finding[]): StorageChain {
  const ns = sts.metadata?.namespace ?? '';
  const setName = sts.metadata?.name ?? '';
  const about = (kind: string, name: string, namespace?: string) =>
    findings.filter((f) => f.object.kind === kind && f.object.name === name && (f.object.namespace ?? '') === (namespace ?? '')).map(toChain);
  const start = startOrdinal(sts);
  const replicas = replicasOf(sts);
  const failedCreate = snapshot.eventsFor('StatefulSet', sts, ['FailedCreate'])[0];
  const pods = new Map(snapshot.podsOf(sts).map((p) => [p.metadata?.name ?? '', p]));
  const exposure = new Map(setExposure(snapshot, sts).claims.map((c) => [c.claim.metadata?.name ?? '', c]));
  // Leftover ordinals (scale-down with Retain) are shown above the range, and
  // so are those of which only a PV remains (its claim deleted: PV-001).
  const leftovers = new Set<number>();
  const names = [
    ...snapshot.claims.map((c) => [c.metadata?.namespace, c.metadata?.name ?? ''] as const),
    ...snapshot.volumes.map((v) => [v.spec?.claimRef?.namespace, v.spec?.claimRef?.name ?? ''] as const),
  ];
  for (const [namespace, name] of names) {
    const owner = snapshot.claimOwner(namespace, name);
    if (owner && owner.sts === sts && (owner.ordinal < start || owner.ordinal >= start + replicas)) leftovers.add(owner.ordinal);
  }
  const ordinals = [...Array.from({ length: replicas }, (_, i) => start + i), ...[...leftovers].sort((a, b) => a - b)];
  const templates: TemplateLink[] = (sts.spec?.volumeClaimTemplates ?? []).map((t) => {
    const className = claimHasClass(t) ? claimClass(t) : (snapshot.defaultClass()?.metadata?.name ?? '');
    const sc = className ? snapshot.storageClass(className) : undefined;
    const note = !claimHasClass(t)
      ? sc
        ? `class unset: default class ${className} applies`
        : 'class unset, and there is no default class'
      : className === ''
        ? 'class "": static PVs only'
        : `class ${className}${sc ? (snapshot.defaultClass() === sc ? ' (default)' : '') : ' (does not exist)'}`;
    return {
      name: t.metadata?.name ?? '',
      size: formatBytes(requestOf(t.spec)),
      accessModes: t.spec?.accessModes ?? [],
      storageClass: { name: className, exists: !!sc, isDefault: !!sc && snapshot.defaultClass() === sc, note },
      ordinals: ordinals.map((ordinal) => {
        const claimName = claimNameFor(t.metadata?.name ?? '', setName, ordinal);
        const claim = snapshot.claim(ns, claimName);
        const podName = `${setName}-${ordinal}`;
        const pod = pods.get(podName);
        const inRange = ordinal >= start && ordinal < start + replicas;
        const link: OrdinalLink = {
          ordinal,
          inRange,
          claim: {
            name: claimName,
            phase: claim?.status?.phase ?? 'missing',
            deletedBy: deletersOf(exposure.get(claimName), sts),
            findings: about('PersistentVolumeClaim', claimName, ns),
          },
          pod: {
            name: podName,
            phase: pod
              ? (pod.status?.phase ?? 'Unknown') + (pod.spec?.nodeName ? ` on ${pod.spec.nodeName}` : ', not scheduled')
              : inRange
                ? 'missing'
                : 'none (ordinal out of range)',
          },
        };
        if (claim) {
          const e = expansionState(claim);
          if (e.request !== undefined) link.claim.request = formatBytes(e.request);
          if (e.capacity !== undefined) link.claim.capacity = formatBytes(e.capacity);
          if (e.midResize || e.infeasible)
            link.claim.resizing = [e.status, ...e.conditions.map((c) => c.type)].filter(Boolean).join(', ') || 'requested, not started';
        }
        if (!claim)
          link.claim.why = !inRange
            ? 'not created'
            : failedCreate
              ? `pod not created: ${failedCreate.message ?? ''}`
              : 'not created yet (its pod has not been created)';
        const volumeName = claim?.spec?.volumeName || snapshot.volumesReferencing(ns, claimName)[0]?.metadata?.name;
        const volume = snapshot.volume(volumeName);
        if (volume) {
          const since = phaseSince(volume, snapshot.now);
          link.volume = {
            name: volume.metadata?.name ?? '',
            phase: volume.status?.phase ?? 'unknown',
            ...(since ? { phaseSince: since } : {}),
            reclaimPolicy: volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain',
            deletedWithClaim: deletesData(volume.spec?.persistentVolumeReclaimPolicy),
            capacity: formatBytes(capacityOf(volume)),
            findings: about('PersistentVolume', volume.metadata?.name ?? ''),
          };
          const ref = volume.spec?.claimRef;
          if (ref)
            link.claimRef = {
              namespace: ref.namespace ?? '',
              name: ref.name ?? '',
              ...(ref.uid ? { uid: ref.uid } : {}),
              stale: !!ref.uid && (!claim || claim.metadata?.uid !== ref.uid),
            };
        }
        return link;
      }),
    };
  });
  return {
    kind: 'StorageChain',
    statefulSet: {
      namespace: ns,
      name: setName,
      replicas,
      ordinalsStart: start,
      findings: about('StatefulSet', setName, ns),
      ...ownerFields(ownerOf(sts, snapshot.owners)),
    },
    templates,
  };
}

export function chainKey(chain: StorageChain): string {
  return keyOf(chain.statefulSet.namespace, chain.statefulSet.name);
}
