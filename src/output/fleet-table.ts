// The fleet audit as a person reads it: each cluster's own table under a
// heading naming its context, server and version, a failed cluster's reason
// in its place, and one summary line per cluster at the end.
import type { ClusterResult } from './fleet-report.js';
import { clusterSummaryLine } from './fleet-report.js';
import { renderTable, type TableOptions } from './table.js';
import { wrapText } from './text.js';

export interface FleetTableOptions extends Omit<TableOptions, 'scopeText'> {
  /** each audited cluster's scope, in words ("in all namespaces (Kubernetes v1.37.2)") */
  scopeText: (result: ClusterResult) => string;
}

export function renderFleetTable(results: ClusterResult[], opts: FleetTableOptions): string {
  const { paint } = opts;
  const out: string[] = [];
  for (const c of results) {
    out.push(paint('bold', `=== Cluster ${c.context}${c.server ? ` (${c.server})` : ''}`));
    if (c.status === 'audited')
      out.push(renderTable(c.report, { ...opts, scopeText: `in cluster ${c.context}, ${opts.scopeText(c).replace(/^in /, '')}` }).trimEnd(), '');
    else out.push(...wrapText(paint('red', `Not audited: ${c.status === 'unreachable' ? 'not reached' : 'refused'}: ${c.error}`), opts.width, '  '), '');
  }
  const failed = results.filter((c) => c.status !== 'audited').length;
  out.push(paint('bold', `${results.length} cluster(s)${failed ? `, ${failed} not audited` : ''}:`));
  for (const c of results) {
    const line = `  ${clusterSummaryLine(c)}`;
    out.push(...wrapText(c.status === 'audited' ? line : paint('red', line), opts.width, '    '));
  }
  return out.join('\n') + '\n';
}
