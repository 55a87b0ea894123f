// Reading one cluster and auditing it: what `audit` does for its one context,
// and the fleet audit (fleet-audit.ts) does for each of many.
import type { ReadClient } from '../kube/read-client.js';
import { loadSnapshotFromCluster } from '../snapshot/load-from-cluster.js';
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import { runChecks } from '../checks/run-checks.js';
import { buildReport, type AuditReport } from '../output/report.js';
import { setOwners } from '../output/set-owners.js';

/** What of the audit's flags reading a cluster needs. */
export interface ClusterReadArgs {
  statefulsets?: string[];
  selector?: string;
  'chunk-size': number;
}

export interface ClusterRead {
  snapshot: ClusterSnapshot;
  scope: AuditReport['scope'];
}

/** The cluster read once, in the namespace given (undefined: all), as the audit scopes it. */
export async function readClusterWith(client: ReadClient, args: ClusterReadArgs, namespace: string | undefined, now: number): Promise<ClusterRead> {
  const names = args.statefulsets?.length ? args.statefulsets : undefined;
  const snapshot = await loadSnapshotFromCluster(client, {
    scope: { namespace, selector: args.selector, names },
    chunkSize: args['chunk-size'],
    now,
  });
  return {
    snapshot,
    scope: {
      source: 'cluster',
      server: snapshot.server,
      serverVersion: snapshot.serverVersion?.gitVersion,
      namespace,
      allNamespaces: namespace === undefined,
      selector: args.selector,
      statefulSets: names,
    },
  };
}

/** A cluster's whole audit report. */
export async function auditClusterReport(
  client: ReadClient,
  args: ClusterReadArgs,
  namespace: string | undefined,
  options: { now: number; pendingThresholdMs: number },
): Promise<AuditReport> {
  const { snapshot, scope } = await readClusterWith(client, args, namespace, options.now);
  const { findings, skipped } = runChecks(snapshot, { pendingThresholdMs: options.pendingThresholdMs });
  return buildReport(scope, findings, skipped, setOwners(snapshot));
}
