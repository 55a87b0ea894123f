import type { Argv, CommandModule } from 'yargs';
import { withClusterOptions } from '../options/cluster-options.js';
import type { CommandContext } from './context.js';
import { completionScript } from '../completion-script.js';
import { EXIT } from '../errors.js';

interface CompletionArgs {
  shell: 'bash' | 'zsh' | 'fish' | 'powershell';
}

export function completionCommand(ctx: CommandContext): CommandModule<object, CompletionArgs> {
  return {
    command: 'completion <shell>',
    describe: 'Print a shell completion script (kubectl itself completes `kubectl sts-storage` through kubectl_complete-sts_storage)',
    builder: (y: Argv) =>
      withClusterOptions(y)
        .positional('shell', { choices: ['bash', 'zsh', 'fish', 'powershell'] as const, demandOption: true })
        .example('source <($0 completion bash)', '') as unknown as Argv<CompletionArgs>,
    handler: (args) => {
      ctx.io.stdout.write(completionScript(args.shell));
      ctx.exitCode = EXIT.OK;
    },
  };
}
