import Table from 'cli-table3';
import { BORDERLESS } from './borderless.js';
import type { Finding } from '../checks/check.js';
import type { AuditReport } from './report.js';
import { paintSeverity, type Paint } from './colors.js';

export interface TableOptions {
  wide: boolean;
  paint: Paint;
  /** terminal width; long cells wrap inside it */
  width?: number;
}

function objectLabel(f: Pick<Finding, 'object'>): string {
  const kind = { StatefulSet: 'sts', PersistentVolumeClaim: 'pvc', PersistentVolume: 'pv' }[f.object.kind] ?? f.object.kind.toLowerCase();
  return `${kind}/${f.object.name}`;
}

function makeTable(opts: TableOptions, head: string[]): Table.Table {
  const table = new Table({
    head: head.map((h) => opts.paint('bold', h)),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
    chars: BORDERLESS,
    wordWrap: true,
    wrapOnWordBoundary: true,
    ...(opts.width ? { colWidths: columnWidths(head.length, opts) } : {}),
  });
  return table;
}

function columnWidths(columns: number, opts: TableOptions): Array<number | null> {
  const width = Math.max(opts.width ?? 120, 80);
  const fixed = [8, 8, 40];
  const rest = width - fixed.reduce((a, b) => a + b, 0) - 2 * columns;
  if (columns === 4) return [...fixed, Math.max(rest, 30)];
  return [...fixed, Math.max(Math.floor(rest * 0.5), 30), Math.max(Math.ceil(rest * 0.5), 30)];
}

/**
 * kubectl-like table, grouped by StatefulSet, one block per group; findings
 * about objects no StatefulSet owns come last under "(no statefulset)".
 */
export function renderTable(report: AuditReport, opts: TableOptions): string {
  const out: string[] = [];
  const groups = new Map<string, AuditReport['findings']>();
  for (const f of report.findings) {
    const key = f.statefulSet ?? '';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const head = ['SEVERITY', 'CODE', 'OBJECT', 'MESSAGE', ...(opts.wide ? ['EVIDENCE'] : [])];
  for (const [group, findings] of groups) {
    out.push(opts.paint('bold', group ? `StatefulSet ${group}` : '(no statefulset)'));
    const table = makeTable(opts, head);
    for (const f of findings) {
      const where = f.location ? `\n${opts.paint('dim', `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}`)}` : '';
      const row = [paintSeverity(opts.paint, f.severity), f.code, `${f.object.namespace ? f.object.namespace + '/' : ''}${objectLabel(f)}${where}`, f.message];
      if (opts.wide) row.push(f.evidence.map((e) => `- ${e}`).join('\n'));
      table.push(row);
    }
    out.push(table.toString());
    // Repair commands stay on one line each, outside the table, so they can be copied.
    const repairs = new Map<string, string[]>();
    for (const f of findings) if (f.fix) repairs.set(f.fix.command, [...(repairs.get(f.fix.command) ?? []), f.code]);
    if (repairs.size > 0) {
      out.push(opts.paint('green', 'Repair:'));
      for (const [command, codes] of repairs) out.push(`  ${command}    # ${[...new Set(codes)].join(', ')}`);
    }
    out.push('');
  }
  if (report.findings.length === 0) out.push('No storage problems found.', '');
  if (report.preflight?.length) {
    out.push(opts.paint('bold', "After apply, the StatefulSets' claims:"));
    for (const p of report.preflight) {
      const mark = p.outcome === 'stays-pending' ? opts.paint('red', p.outcome) : p.outcome;
      out.push(`  ${p.statefulSet} ${p.claim}: ${mark}: ${p.detail}`);
    }
    out.push('');
  }
  const s = report.summary;
  out.push(`${s.error} error(s), ${s.warning} warning(s), ${s.info} info`);
  if (report.skipped.length > 0) {
    out.push(opts.paint('yellow', `Skipped ${report.skipped.length} check(s):`));
    for (const sk of report.skipped) out.push(`  ${sk.check}: ${sk.reason}`);
  }
  return out.join('\n') + '\n';
}
