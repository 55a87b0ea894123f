import type { Argv } from 'yargs';

export interface OwnerSyncArgs {
  'despite-owner-sync'?: boolean;
}

/** For the repairs that re-create a set: the one way past an auto-syncing owner. */
export function withOwnerSyncOption<T>(y: Argv<T>): Argv<T & OwnerSyncArgs> {
  return y.option('despite-owner-sync', {
    type: 'boolean',
    describe:
      'Re-create the set even though an auto-syncing GitOps controller owns it (Argo CD selfHeal, a reconciling Flux Kustomization): it may put the old template back; pause it instead if you can',
  }) as Argv<T & OwnerSyncArgs>;
}
