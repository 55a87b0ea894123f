import { UsageError } from '../errors.js';
import type { CommandContext } from '../commands/context.js';
import { clientFrom, type ClusterArgs } from '../options/cluster-options.js';
import { outputWidth, startSpinner, stdoutPaint, unicodeTerminal } from '../io.js';
import { EXIT } from '../errors.js';
import { validateName } from '../validate.js';
import { loadSnapshotFromCluster } from '../../snapshot/load-from-cluster.js';
import { runChecks } from '../../checks/run-checks.js';
import { buildStorageChain } from '../../output/storage-chain.js';
import { renderTree } from '../../output/tree.js';
import { serialize } from '../../output/serialize.js';

export interface ShowArgs extends ClusterArgs {
  statefulset: string;
  output: 'tree' | 'json' | 'yaml';
  ascii?: boolean;
}

export async function handle(args: ShowArgs, ctx: CommandContext): Promise<void> {
  validateName('statefulset', args.statefulset);
  if (args['all-namespaces']) throw new UsageError('show draws one StatefulSet of one namespace: use -n NAMESPACE, not -A');
  const client = await clientFrom(args);
  const namespace = args.namespace || client.namespace;
  const spinner = await startSpinner(ctx.io, `Reading ${client.server}…`);
  let snapshot;
  try {
    snapshot = await loadSnapshotFromCluster(client, { scope: { namespace, names: [args.statefulset] }, chunkSize: args['chunk-size'] });
  } finally {
    spinner.stop();
    client.close();
  }
  const sts = snapshot.statefulSets[0]!;
  const chain = buildStorageChain(snapshot, sts, runChecks(snapshot).findings);
  if (args.output !== 'tree') ctx.io.stdout.write(serialize(chain, args.output));
  else {
    const width = outputWidth(ctx.io) ?? (ctx.io.stdout.isTTY ? 80 : 100);
    ctx.io.stdout.write(renderTree(chain, { width, ascii: !!args.ascii || !unicodeTerminal(ctx.io.env), paint: stdoutPaint(ctx.io) }));
  }
  ctx.exitCode = EXIT.OK;
}
