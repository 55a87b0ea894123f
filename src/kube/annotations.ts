// Annotations this tool writes on other people's objects, and reads back.

/**
 * On a PV whose claimRef a repair of ours changed or cleared: the claim
 * ("namespace/name") whose data the PV holds. A StatefulSet ordinal's data
 * belongs to that ordinal; the audit reports (PV-012) a PV that later binds
 * another ordinal's claim.
 */
export const HELD_CLAIM_ANNOTATION = 'sts-storage.kubectl.io/held-claim';
