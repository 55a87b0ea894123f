import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { withClusterOptions } from '../options/cluster-options.js';
import type { AuditArgs, OutputFormat } from '../handlers/audit.js';

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml', 'sarif'] as const satisfies readonly OutputFormat[];

export function auditCommand(ctx: CommandContext): CommandModule<object, AuditArgs> {
  return {
    command: 'audit [statefulsets..]',
    describe: 'Read the cluster (or manifest files) once, run every check, explain each finding and how to repair it',
    builder: (y: Argv) =>
      withClusterOptions(y)
        .positional('statefulsets', { type: 'string', array: true, describe: 'Only these StatefulSets (and their claims and volumes)' })
        .option('selector', { alias: 'l', type: 'string', describe: 'Label selector for StatefulSets (e.g. app=db)' })
        .option('output', { alias: 'o', choices: OUTPUT_FORMATS, default: 'table' as OutputFormat, describe: 'Output format' })
        .option('fail-on', {
          choices: ['error', 'warning', 'info', 'never'] as const,
          default: 'error' as const,
          describe: 'Exit 1 when a finding has at least this severity',
        })
        .option('pending-threshold', {
          type: 'string',
          default: '5m',
          describe: 'How long a claim may wait for a provisioner (PVC-005) or a volume resizer (PVC-010) before it is reported',
        })
        .option('filename', {
          alias: 'f',
          type: 'string',
          array: true,
          describe: 'Audit manifest files instead of the cluster: YAML/JSON files, directories, or - for stdin',
        })
        .option('recursive', { alias: 'R', type: 'boolean', describe: 'With -f: descend into directories' })
        .option('preflight', { type: 'boolean', describe: 'With -f: also read the cluster and predict what applying the files will do' })
        .option('all-contexts', { type: 'boolean', describe: 'Audit every context of the kubeconfig at once (or name several: --context a,b,c)' })
        .option('max-concurrency', { type: 'number', default: 4, describe: 'With several contexts: how many clusters are read at the same time' })
        .option('now', { type: 'string', hidden: true, describe: 'Judge ages as of this RFC 3339 time (reproducible reports)' })
        .option('strict', {
          type: 'boolean',
          describe:
            'With -f: refuse unknown and duplicate fields, as kubectl apply --validate=strict (by default they are warnings, as the API server says them)',
        })
        .option('continue-on-error', { type: 'boolean', describe: 'With -f: report the documents that parsed even when others did not (still exit 2)' })
        .example('$0 audit -n shop', 'Audit every StatefulSet, claim and volume of namespace shop')
        .example('$0 audit -A -o json', 'Audit the whole cluster, machine-readable')
        .example('helm template ./chart | $0 audit -f - -o sarif', 'Audit rendered manifests in CI')
        .example('$0 audit --all-contexts -A', 'Audit every cluster of the kubeconfig, one report')
        .example('$0 audit -f k8s/ -R --preflight', 'Predict what applying a directory will do') as unknown as Argv<AuditArgs>,
    handler: async (args) => (await import('../handlers/audit.js')).handle(args, ctx),
  };
}
