// What the API server answers, release by release, for the StatefulSet
// mistakes this tool predicts. Each text is copied from the Go source of the
// releases it claims to cover (k8s.io/kubernetes, pkg/apis/apps/validation and
// pkg/apis/core/validation); test/integration checks each against the real
// server of every release in test/cluster/versions.json.
import type { ServerVersion } from '../snapshot/cluster-snapshot.js';

/** The minor version, or undefined for an unknown server (manifests read offline). */
function minorOf(v: ServerVersion | undefined): number | undefined {
  if (!v) return undefined;
  return v.major > 1 ? Number.POSITIVE_INFINITY : v.minor;
}

/**
 * Since 1.34 ValidatePodTemplateSpecForStatefulSet validates the pod template
 * at create, with one volume added per claim template (volumesToAddForTemplates;
 * kubernetes PR #131790). Up to 1.33 only the selector, labels, restartPolicy
 * and activeDeadlineSeconds were checked.
 */
export function refusesBadMountsAtCreate(v: ServerVersion | undefined): boolean | undefined {
  const minor = minorOf(v);
  return minor === undefined ? undefined : minor >= 34;
}

/** The 422 for a StatefulSet whose mount names nothing: ValidateVolumeMounts' field.NotFound under spec.template. */
export function badMountRefusal(statefulSet: string, fieldPath: string, name: string): string {
  return `StatefulSet.apps "${statefulSet}" is invalid: ${fieldPath}: Not found: "${name}"`;
}

const FORBIDDEN_UPDATE =
  "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/**
 * The 422 for an update that changes an immutable StatefulSet field. Up to
 * 1.36 ValidateStatefulSetUpdate compares the whole spec with the mutable
 * fields reset and answers with one Forbidden on `spec`. 1.37 checks each
 * immutable field with ValidateImmutableField ("field is immutable"), printing
 * the old Go value where this text has "…".
 */
export function immutableUpdateRefusals(v: ServerVersion | undefined, statefulSet: string, fields: string[]): Array<{ releases: string; text: string }> {
  const prefix = `StatefulSet.apps "${statefulSet}" is invalid: `;
  const perField = fields.map((f) => `spec.${f}: Invalid value: …: field is immutable`);
  const newer = { releases: '1.37 and later', text: prefix + (perField.length === 1 ? perField[0] : `[${perField.join(', ')}]`) };
  const older = { releases: 'up to 1.36', text: prefix + FORBIDDEN_UPDATE };
  const minor = minorOf(v);
  if (minor === undefined) return [newer, older];
  return [minor >= 37 ? newer : older];
}

/** Whether a real server message says what a predicted text says; "…" stands for a value the server prints in full. */
export function matchesRefusal(predicted: string, actual: string): boolean {
  let at = 0;
  for (const part of predicted.split('…')) {
    const found = actual.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return true;
}
