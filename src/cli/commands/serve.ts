import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import type { ServeArgs } from '../handlers/serve.js';

export function serveCommand(ctx: CommandContext): CommandModule<object, ServeArgs> {
  return {
    command: 'serve',
    describe: 'Watch the cluster and serve the findings as Prometheus metrics (/metrics, /healthz, /readyz, /report); read-only',
    builder: (y: Argv) =>
      withClusterOptions(y)
        .option('listen', { type: 'string', default: '127.0.0.1:9847', describe: 'Address and port to serve on (0.0.0.0:9847 in a pod)' })
        .option('interval', { type: 'string', default: '30s', describe: 'The least time between two audits, and between two probes of the API server' })
        .option('settle', { type: 'string', default: '1s', describe: 'How long changes must be quiet before an audit (waiting at most --interval)' })
        .option('resync', { type: 'string', default: '5m', describe: 'Audit at least this often, changed or not (findings that depend on age)' })
        .option('pending-threshold', {
          type: 'string',
          default: '5m',
          describe: 'How long a claim may wait for a provisioner (PVC-005) or a volume resizer (PVC-010) before it is reported',
        })
        .option('low-memory', {
          type: 'boolean',
          default: true,
          describe:
            "Favour memory over audit speed (V8's optimize-for-size mode and a full collection before each audit; at 10k volumes each lowered the peak, by about 20 and 8 MiB; audits about 1.6x slower); --no-low-memory: speed",
        })
        .example('$0 serve -A', 'Watch every namespace; metrics on http://127.0.0.1:9847/metrics')
        .example('$0 serve -A --listen 0.0.0.0:9847', 'In a pod, with its ServiceAccount (deploy/chart)') as unknown as Argv<ServeArgs>,
    handler: async (args) => (await import('../handlers/serve.js')).handle(args, ctx),
  };
}
