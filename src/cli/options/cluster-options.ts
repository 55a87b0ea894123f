import type { Argv } from 'yargs';
import { KubeClient } from '../../kube/client.js';
import { durationFlag } from './duration.js';
import { UsageError } from '../errors.js';

export interface ClusterArgs {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  'all-namespaces'?: boolean;
  'request-timeout': string;
  'chunk-size': number;
  debug?: boolean;
}

/** kubectl's flag names and letters (genericclioptions). */
export function withClusterOptions<T>(y: Argv<T>): Argv<T & ClusterArgs> {
  return y
    .option('kubeconfig', { type: 'string', describe: 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)', global: true })
    .option('context', { type: 'string', describe: 'The kubeconfig context to use', global: true })
    .option('namespace', { alias: 'n', type: 'string', describe: "Namespace (default: the context's namespace)", global: true })
    .option('all-namespaces', { alias: 'A', type: 'boolean', describe: 'Across all namespaces', global: true })
    .option('request-timeout', { type: 'string', default: '30s', describe: 'How long to wait for each API request (0 = no limit)', global: true })
    .option('chunk-size', { type: 'number', default: 500, describe: 'Objects per page when listing', global: true, hidden: true })
    .option('debug', { type: 'boolean', describe: 'Print stack traces and every API request on stderr', global: true }) as Argv<T & ClusterArgs>;
}

export async function clientFrom(args: ClusterArgs): Promise<KubeClient> {
  // Several clusters at once is a read (audit --context a,b); a repair writes to exactly one.
  if (args.context?.includes(',')) throw new UsageError(`--context "${args.context}": this command works on exactly one context; only audit reads several`);
  const timeout = durationFlag('--request-timeout', args['request-timeout']);
  return KubeClient.fromOptions({ kubeconfig: args.kubeconfig, context: args.context, requestTimeoutMs: timeout });
}

/** -A wins; else -n; else the context's namespace. */
export function namespaceFrom(args: ClusterArgs, client: { namespace: string }): string | undefined {
  if (args['all-namespaces']) return undefined;
  return args.namespace || client.namespace;
}
