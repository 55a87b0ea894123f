import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.js';
import { clientFrom, namespaceFrom, withClusterOptions, type ClusterArgs } from '../options/cluster-options.js';
import { startSpinner, stderrPaint, stdoutPaint } from '../io.js';
import { EXIT, UsageError } from '../errors.js';
import { loadSnapshotFromCluster } from '../../snapshot/load-from-cluster.js';
import { runChecks } from '../../checks/run-checks.js';
import { SEVERITY_RANK, type Severity } from '../../checks/check.js';
import { buildReport, type AuditReport } from '../../output/report.js';
import { renderTable } from '../../output/table.js';
import { serialize } from '../../output/serialize.js';
import { parseDuration } from '../../kube/time.js';
import type { ClusterSnapshot } from '../../snapshot/cluster-snapshot.js';

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
type OutputFormat = (typeof OUTPUT_FORMATS)[number];

interface AuditArgs extends ClusterArgs {
  statefulsets?: string[];
  selector?: string;
  output: OutputFormat;
  'fail-on': Severity | 'never';
  'pending-threshold': string;
}

export function auditCommand(ctx: CommandContext): CommandModule<object, AuditArgs> {
  return {
    command: 'audit [statefulsets..]',
    describe: 'Read the cluster once, run every check, explain each finding and how to repair it',
    builder: (y: Argv) =>
      withClusterOptions(y)
        .positional('statefulsets', { type: 'string', array: true, describe: 'Only these StatefulSets (and their claims and volumes)' })
        .option('selector', { alias: 'l', type: 'string', describe: 'Label selector for StatefulSets (e.g. app=db)' })
        .option('output', { alias: 'o', choices: OUTPUT_FORMATS, default: 'table' as OutputFormat, describe: 'Output format' })
        .option('fail-on', { choices: ['error', 'warning', 'info', 'never'] as const, default: 'error' as const, describe: 'Exit 1 when a finding has at least this severity' })
        .option('pending-threshold', { type: 'string', default: '5m', describe: 'How long a claim may wait for a provisioner before PVC-005' })
        .example('$0 audit -n shop', 'Audit every StatefulSet, claim and volume of namespace shop')
        .example('$0 audit -A -o json', 'Audit the whole cluster, machine-readable')
        .example('$0 audit mysql -n shop -o wide', 'One StatefulSet, with the evidence') as unknown as Argv<AuditArgs>,
    handler: async (args) => {
      ctx.exitCode = await runAudit(args, ctx);
    },
  };
}

function pendingThreshold(text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UsageError(`--pending-threshold: ${(err as Error).message}`);
  }
}

async function runAudit(args: AuditArgs, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const threshold = pendingThreshold(args['pending-threshold']);
  const client = clientFrom(args);
  const namespace = namespaceFrom(args, client);
  const spinner = await startSpinner(io, `Reading ${client.server}…`);
  let snapshot: ClusterSnapshot;
  try {
    snapshot = await loadSnapshotFromCluster(client, {
      scope: { namespace, selector: args.selector, names: args.statefulsets?.length ? args.statefulsets : undefined },
      chunkSize: args['chunk-size'],
    });
  } finally {
    spinner.stop();
    client.close();
  }
  const { findings, skipped } = runChecks(snapshot, { pendingThresholdMs: threshold });
  const report = buildReport(
    {
      source: 'cluster',
      server: snapshot.server,
      serverVersion: snapshot.serverVersion?.gitVersion,
      namespace,
      allNamespaces: namespace === undefined,
      selector: args.selector,
      statefulSets: args.statefulsets?.length ? args.statefulsets : undefined,
    },
    findings,
    skipped,
  );
  writeReport(report, args.output, ctx);
  if (skipped.length > 0 && args.output !== 'table' && args.output !== 'wide') {
    const paint = stderrPaint(io);
    io.stderr.write(paint('yellow', `warning: skipped ${skipped.length} check(s): ${skipped.map((s) => s.check).join(', ')} (${skipped[0]!.reason})\n`));
  } else if (skipped.length > 0) {
    io.stderr.write(`warning: skipped ${skipped.length} check(s) for lack of permission or data; see the report\n`);
  }
  return exitFor(report, args['fail-on']);
}

export function writeReport(report: AuditReport, format: OutputFormat, ctx: CommandContext): void {
  const { io } = ctx;
  if (format === 'json' || format === 'yaml') {
    io.stdout.write(serialize(report, format));
    return;
  }
  // A terminal wraps to its width; a pipe gets unwrapped lines (grep-friendly) unless COLUMNS says otherwise.
  const width = io.stdout.isTTY ? io.stdout.columns : Number(io.env['COLUMNS']) || undefined;
  io.stdout.write(renderTable(report, { wide: format === 'wide', paint: stdoutPaint(io), width }));
}

export function exitFor(report: AuditReport, failOn: Severity | 'never'): number {
  if (failOn === 'never') return EXIT.OK;
  const floor = SEVERITY_RANK[failOn];
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= floor) ? EXIT.FINDINGS : EXIT.OK;
}
