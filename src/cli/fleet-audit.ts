// audit --context a,b,c / --all-contexts: every cluster read at the same time
// (at most --max-concurrency at once), each exactly as a single audit reads
// it, into one report. A cluster that cannot be read is reported with its
// reason and never stops or hides the others.
import pLimit from 'p-limit';
import { KubeClient, loadKubeConfig } from '../kube/client.js';
import { ApiError, ConfigError, NotFoundError } from '../kube/errors.js';
import { auditClusterReport, type ClusterReadArgs } from './audit-cluster.js';
import { describeError, UsageError } from './errors.js';
import { durationFlag } from './options/duration.js';
import type { ClusterResult } from '../output/fleet-report.js';

export interface FleetArgs extends ClusterReadArgs {
  kubeconfig?: string;
  context?: string;
  'all-contexts'?: boolean;
  'max-concurrency': number;
  namespace?: string;
  'all-namespaces'?: boolean;
  'request-timeout': string;
}

/** Whether the flags ask for more than one cluster. */
export function isFleet(args: Pick<FleetArgs, 'context' | 'all-contexts'>): boolean {
  return !!args['all-contexts'] || (args.context ?? '').includes(',');
}

/** The contexts to audit, in the order given (or the kubeconfig's), each checked to exist. */
export async function fleetContexts(args: Pick<FleetArgs, 'kubeconfig' | 'context' | 'all-contexts'>): Promise<string[]> {
  const kc = await loadKubeConfig({ kubeconfig: args.kubeconfig });
  const known = kc.getContexts().map((c) => c.name);
  if (args['all-contexts']) {
    if (args.context) throw new UsageError('--all-contexts and --context name the clusters two ways; pass one');
    if (known.length === 0) throw new UsageError('--all-contexts: the kubeconfig has no contexts');
    return known;
  }
  const wanted = [...new Set((args.context ?? '').split(',').map((c) => c.trim()))];
  if (wanted.some((c) => c === '')) throw new UsageError(`--context "${args.context}": an empty context name`);
  const unknown = wanted.filter((c) => !known.includes(c));
  if (unknown.length)
    throw new UsageError(`--context: no context ${unknown.map((c) => `"${c}"`).join(', ')} in the kubeconfig (contexts: ${known.join(', ') || 'none'})`);
  return wanted;
}

/** Each context's audit, in the order of the contexts. */
export async function auditFleet(
  contexts: string[],
  args: FleetArgs,
  options: { now: number; pendingThresholdMs: number; onDone?: (done: number) => void },
): Promise<ClusterResult[]> {
  const requestTimeoutMs = durationFlag('--request-timeout', args['request-timeout']);
  if (!Number.isInteger(args['max-concurrency']) || args['max-concurrency'] < 1) throw new UsageError('--max-concurrency must be a whole number of at least 1');
  const limit = pLimit(args['max-concurrency']);
  let done = 0;
  return Promise.all(
    contexts.map((context) =>
      limit(async (): Promise<ClusterResult> => {
        let client: KubeClient | undefined;
        try {
          client = await KubeClient.fromOptions({ kubeconfig: args.kubeconfig, context, requestTimeoutMs });
          const namespace = args['all-namespaces'] ? undefined : args.namespace || client.namespace;
          const report = await auditClusterReport(client, args, namespace, options);
          return {
            context,
            server: client.server,
            ...(report.scope.serverVersion ? { serverVersion: report.scope.serverVersion } : {}),
            status: 'audited',
            report,
          };
        } catch (err) {
          return { context, ...(client ? { server: client.server } : {}), status: refused(err) ? 'refused' : 'unreachable', error: describeError(err) };
        } finally {
          client?.close();
          options.onDone?.(++done);
        }
      }),
    ),
  );
}

/** The server answered, and said no (or the kubeconfig could not make a client): not a network fault. */
function refused(err: unknown): boolean {
  return (err instanceof ApiError && err.status < 500) || err instanceof ConfigError || err instanceof NotFoundError;
}
