import type { CommandContext } from '../commands/context.js';
import { clientFrom, namespaceFrom, type ClusterArgs } from '../options/cluster-options.js';
import { durationFlag } from '../options/duration.js';
import { EXIT, UsageError } from '../errors.js';
import { say } from '../io.js';
import { VERSION_INFO } from '../../version.js';
import { createMetrics } from '../../serve/metrics.js';
import { StorageWatcher } from '../../serve/storage-watcher.js';
import { createEndpoints } from '../../serve/http-endpoints.js';
import { collectorBeforeAudits, favourMemory } from '../../serve/memory-mode.js';

export interface ServeArgs extends ClusterArgs {
  listen: string;
  interval: string;
  settle: string;
  resync: string;
  'pending-threshold': string;
  'low-memory': boolean;
}

/** host:port, [v6]:port or :port (every address), as Go's net.Listen takes it. */
export function parseListen(text: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen "${text}": expected HOST:PORT, such as 127.0.0.1:9847 or :9847`);
  return { host: m[1] ?? (m[2] || undefined), port };
}

export async function handle(args: ServeArgs, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const listen = parseListen(args.listen);
  const intervalMs = durationFlag('--interval', args.interval);
  const settleMs = durationFlag('--settle', args.settle);
  const resyncMs = durationFlag('--resync', args.resync);
  const pendingThresholdMs = durationFlag('--pending-threshold', args['pending-threshold']);
  if (intervalMs <= 0 || resyncMs <= 0) throw new UsageError('--interval and --resync must be more than 0');
  // Before the stores fill: the first list and audit are serve's peak.
  let beforeAudit: (() => void) | undefined;
  if (args['low-memory']) {
    favourMemory();
    beforeAudit = collectorBeforeAudits();
  }
  const client = await clientFrom(args);
  const namespace = namespaceFrom(args, client);
  const log = (line: string) => say(io.stderr, io, `${new Date().toISOString()} ${line}`);
  const metrics = createMetrics({ version: VERSION_INFO.version, server: client.server });
  const watcher = new StorageWatcher(client, metrics, {
    namespace,
    intervalMs,
    settleMs,
    resyncMs,
    pendingThresholdMs,
    chunkSize: args['chunk-size'],
    log,
    beforeAudit,
  });
  const server = createEndpoints({
    metrics: () => metrics.exposition(),
    metricsType: metrics.registry.contentType,
    status: () => watcher.status(),
    reportMembers: () => watcher.reportMembers,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new UsageError(`--listen ${args.listen}: ${err.code ?? ''} ${err.message}`.trim())));
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  const where =
    typeof address === 'object' && address ? `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : args.listen;
  log(`serving http://${where}/metrics; watching ${client.server} (${namespace === undefined ? 'all namespaces' : `namespace ${namespace}`}), read-only`);
  await watcher.start();
  // Runs until SIGTERM (a pod's stop) or SIGINT: then closes the watches and the port, and exits 0.
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: stopping`);
      watcher.stop();
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  client.close();
  ctx.exitCode = EXIT.OK;
}
