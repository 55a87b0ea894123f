import { defineCheck, type FindingDraft } from './check.js';
import { volumeFinding } from './helpers.js';
import { HELD_CLAIM_ANNOTATION } from '../kube/annotations.js';
import { parseOrdinalName } from '../kube/statefulset.js';
import { keyOf } from '../kube/types.js';

export const pvBoundToOtherOrdinal = defineCheck({
  id: 'pv-bound-to-other-ordinal',
  code: 'PV-012',
  severity: 'error',
  title: "A PV holding one ordinal's data is bound to another ordinal's claim",
  rationale: `When a repair of this tool changes or clears a PV's claimRef, it records on the PV (annotation ${HELD_CLAIM_ANNOTATION}) the claim whose data the PV holds. A StatefulSet's ordinals are not interchangeable: a database replica started on another replica's volume, or a primary on a stale copy, serves wrong data or diverges. When such a PV is later bound to the claim of another ordinal or another set, its data went to the wrong place.`,
  remediation: `Stop the pods of the affected ordinals before they write (scale the set down to below the first affected ordinal, or delete their pods with the set's updates paused), then give each PV back to its own ordinal's claim (kubectl sts-storage restore, or prebind). If the move was intended, remove the annotation: kubectl annotate pv PV ${HELD_CLAIM_ANNOTATION}-.`,
  needs: ['persistentvolumes'],
  find(snapshot) {
    const findings: FindingDraft[] = [];
    for (const volume of snapshot.volumes) {
      const held = volume.metadata?.annotations?.[HELD_CLAIM_ANNOTATION];
      const ref = volume.spec?.claimRef;
      if (!held || !ref?.uid || !ref.name || volume.status?.phase !== 'Bound' || !snapshot.volumeInScope(volume)) continue;
      const now = keyOf(ref.namespace, ref.name);
      if (now === held || !parseOrdinalName(ref.name)) continue;
      const [heldNamespace, heldName] = held.split('/');
      const was = parseOrdinalName(heldName ?? '');
      const is = parseOrdinalName(ref.name)!;
      const what =
        was && was.prefix === is.prefix && heldNamespace === ref.namespace
          ? `ordinal ${was.ordinal}'s data is now ordinal ${is.ordinal}'s`
          : "another set's data is now this ordinal's";
      findings.push(
        volumeFinding(snapshot, volume, {
          related: [
            { kind: 'PersistentVolumeClaim', namespace: ref.namespace, name: ref.name },
            { kind: 'PersistentVolumeClaim', namespace: heldNamespace, name: heldName ?? '' },
          ],
          message: `PV ${volume.metadata?.name} holds the data of claim ${held} but is bound to claim ${now}: ${what}`,
          evidence: [`${HELD_CLAIM_ANNOTATION}: ${held}`, `claimRef: ${now} uid=${ref.uid}`],
        }),
      );
    }
    return findings;
  },
});
