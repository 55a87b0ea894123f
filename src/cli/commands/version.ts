import type { CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import { VERSION_INFO } from '../../version.js';

export function versionCommand(ctx: CommandContext): CommandModule {
  return {
    command: 'version',
    describe: 'Print the plugin version, its commit and the Node.js version it runs on',
    builder: (y) => withClusterOptions(y),
    handler: () => {
      ctx.io.stdout.write(`kubectl-sts-storage ${VERSION_INFO.version} (commit ${VERSION_INFO.commit}, node ${process.version})\n`);
      ctx.exitCode = 0;
    },
  };
}
