import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import { withSnapshotFirstOptions } from '../snapshot-first.js';
import { withOwnerSyncOption } from '../options/owner-options.js';
import type { ResizeArgs } from '../handlers/resize.js';

export function resizeCommand(ctx: CommandContext): CommandModule<object, ResizeArgs> {
  return {
    command: 'resize <statefulset>',
    describe: "Grow a StatefulSet's volumes: every claim of a template, then the template itself (volumeClaimTemplates are immutable: orphaning re-create)",
    builder: (y: Argv) =>
      withSnapshotFirstOptions(withOwnerSyncOption(withRepairOptions(withClusterOptions(y))))
        .positional('statefulset', { type: 'string', demandOption: true, describe: 'StatefulSet name' })
        .option('to', { type: 'string', demandOption: true, describe: 'The new size of every claim of the template (e.g. 20Gi); claims cannot shrink' })
        .option('template', { type: 'string', describe: 'volumeClaimTemplate to grow (needed when the set has several)' })
        .option('wait', { type: 'boolean', describe: 'After the change, wait until every claim reports the new capacity (or --timeout)' })
        .option('timeout', { type: 'string', default: '5m', describe: 'How long --wait waits' })
        .example('$0 resize web -n shop --to 20Gi --dry-run', 'The plan and the preflight: classes, quota, limits, claims mid-resize')
        .example(
          '$0 resize web -n shop --to 20Gi --wait',
          'Grow, re-create the set with the larger template, and wait for the resizer',
        ) as unknown as Argv<ResizeArgs>,
    handler: async (args) => (await import('../handlers/resize.js')).handle(args, ctx),
  };
}
