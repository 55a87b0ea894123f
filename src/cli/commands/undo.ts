import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { withRepairOptions } from '../options/repair-options.js';
import type { UndoArgs } from '../handlers/undo.js';

export function undoCommand(ctx: CommandContext): CommandModule<object, UndoArgs> {
  return {
    command: 'undo [backup]',
    describe: 'List the backups the repairs wrote, or restore one (with the same plan, confirmation and preconditions)',
    builder: (y: Argv) =>
      withRepairOptions(withClusterOptions(y))
        .positional('backup', { type: 'string', describe: 'A backup name from the list, or its directory' })
        .example('$0 undo', 'List the backups')
        .example('$0 undo 20261123T185820Z-fix-claimref', 'Restore what that repair changed') as unknown as Argv<UndoArgs>,
    handler: async (args) => (await import('../handlers/undo.js')).handle(args, ctx),
  };
}
