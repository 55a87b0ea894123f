import type { Argv } from 'yargs';

export interface ClaimSpecArgs {
  filename?: string[];
  size?: string;
  'access-mode'?: string[];
  'storage-class'?: string;
}

export function withClaimSpecOptions<T>(y: Argv<T>): Argv<T & ClaimSpecArgs> {
  return y
    .option('filename', {
      alias: 'f',
      type: 'string',
      array: true,
      describe: 'Manifests holding the StatefulSet (or claim) to be applied, for what its claims will ask',
    })
    .option('size', { type: 'string', describe: 'The request the claim will make, when no StatefulSet says it (e.g. 10Gi)' })
    .option('access-mode', { type: 'string', array: true, describe: 'Access modes the claim will ask for (repeatable), with --size' })
    .option('storage-class', { type: 'string', describe: 'storageClassName the claim will have ("" for none), with --size' }) as Argv<T & ClaimSpecArgs>;
}
