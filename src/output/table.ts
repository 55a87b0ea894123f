// The audit as a person reads it: kubectl's borderless columns, grouped by
// StatefulSet, each consequence under the root cause it follows from. On a
// terminal only the MESSAGE column (and, with -o wide, the evidence) wraps;
// the object's full name is never cut, and no line is wider than the
// terminal. Piped, lines are not wrapped and carry no trailing spaces.
import stringWidth from 'string-width';
import type { Finding } from '../checks/check.js';
import type { AuditReport } from './report.js';
import { paintSeverity, type Paint } from './colors.js';
import { wrapCommand, wrapText } from './text.js';
import { listOf } from '../checks/helpers.js';

export interface TableOptions {
  wide: boolean;
  paint: Paint;
  /** the terminal's width; undefined when piped (no wrapping) */
  width?: number;
  /** ASCII only (--ascii, or a terminal that is not UTF-8) */
  ascii?: boolean;
  /** what the audit covered, for the closing line: "in namespace shop" */
  scopeText?: string;
  /** said after "No storage problems found": how to look wider */
  emptyHint?: string;
}

type ReportFinding = AuditReport['findings'][number];

const GAP = '  ';
/** Narrower than this, the message goes on lines of its own under the row. */
const MIN_MESSAGE = 24;

function objectLabel(f: Pick<Finding, 'object'>): string {
  const kind = { StatefulSet: 'sts', PersistentVolumeClaim: 'pvc', PersistentVolume: 'pv' }[f.object.kind] ?? f.object.kind.toLowerCase();
  return `${f.object.namespace ? f.object.namespace + '/' : ''}${kind}/${f.object.name}`;
}

const refKey = (r: { code: string; object: { kind: string; namespace?: string; name: string } }) =>
  `${r.code} ${r.object.kind}/${r.object.namespace ?? ''}/${r.object.name}`;

/** Root causes in report order, each followed by what follows from it (depth-first), with the depth. */
function byCause(findings: ReportFinding[]): Array<{ finding: ReportFinding; depth: number }> {
  const present = new Set(findings.map(refKey));
  const children = new Map<string, ReportFinding[]>();
  const roots: ReportFinding[] = [];
  for (const f of findings) {
    if (f.causedBy && present.has(refKey(f.causedBy))) children.set(refKey(f.causedBy), [...(children.get(refKey(f.causedBy)) ?? []), f]);
    else roots.push(f);
  }
  const out: Array<{ finding: ReportFinding; depth: number }> = [];
  const visit = (f: ReportFinding, depth: number) => {
    out.push({ finding: f, depth });
    for (const c of children.get(refKey(f)) ?? []) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  return out;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - stringWidth(text)));

/** The API server's dry run, per document: refusals and warnings quoted; what it was not asked, and why. */
function serverVerdictLines(verdicts: NonNullable<AuditReport['serverVerdicts']>, opts: TableOptions, paint: Paint): string[] {
  const out: string[] = [];
  const refused = verdicts.filter((v) => v.verdict === 'refused');
  const notAsked = verdicts.filter((v) => v.verdict === 'not-asked');
  const accepted = verdicts.length - refused.length - notAsked.length;
  out.push(
    paint('bold', `The API server's dry run: ${accepted} accepted, ${refused.length} refused${notAsked.length ? `, ${notAsked.length} not asked` : ''}:`),
  );
  const where = (v: (typeof verdicts)[number]) =>
    `${v.kind} ${v.namespace ? `${v.namespace}/` : ''}${v.name}${v.location ? ` (${v.location.file}${v.location.line ? `:${v.location.line}` : ''})` : ''}`;
  const say = (text: string) => out.push(...wrapText(`  ${text}`, opts.width, '    '));
  for (const v of refused) say(`${paint('red', 'refused')} ${where(v)}: ${v.message}`);
  for (const v of verdicts) for (const w of v.warnings) say(`warning ${where(v)}: ${w}`);
  if (notAsked.length) {
    const reasons = [...new Set(notAsked.map((v) => v.message))];
    say(`not asked (${reasons.join('; ')}): ${notAsked.map(where).join(', ')}; judged by the server's published schema instead`);
  }
  out.push('');
  return out;
}

export function renderTable(report: AuditReport, opts: TableOptions): string {
  const out: string[] = [];
  const { paint } = opts;
  const arrow = opts.ascii ? '-> ' : '↳ ';
  const groups = new Map<string, ReportFinding[]>();
  for (const f of report.findings) groups.set(f.statefulSet ?? '', [...(groups.get(f.statefulSet ?? '') ?? []), f]);

  for (const [group, findings] of groups) {
    out.push(paint('bold', group ? `StatefulSet ${group}` : '(no statefulset)'));
    const rows = byCause(findings).map(({ finding: f, depth }) => ({
      f,
      severity: f.severity,
      code: `${'  '.repeat(Math.max(0, depth - 1))}${depth > 0 ? arrow : ''}${f.code}`,
      object: objectLabel(f),
      where: f.location ? `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}` : undefined,
    }));
    const w = {
      severity: Math.max(8, ...rows.map((r) => r.severity.length)),
      code: Math.max(4, ...rows.map((r) => stringWidth(r.code))),
      object: Math.max(6, ...rows.map((r) => Math.max(stringWidth(r.object), stringWidth(r.where ?? '')))),
    };
    const lead = w.severity + w.code + w.object + 3 * GAP.length;
    const messageWidth = opts.width ? opts.width - lead : undefined;
    // Too narrow for a column: the message (and evidence) go on their own lines, indented.
    const stacked = messageWidth !== undefined && messageWidth < MIN_MESSAGE;
    const indent = '    ';
    const textWidth = stacked ? opts.width! - indent.length : messageWidth;
    const head = [pad('SEVERITY', w.severity), pad('CODE', w.code), stacked ? 'OBJECT' : pad('OBJECT', w.object), stacked ? '' : 'MESSAGE'].join(GAP);
    out.push(paint('bold', head.trimEnd()));
    const textOf = (f: Finding, room: number | undefined) => [
      ...wrapText(f.message, room),
      ...(opts.wide ? f.evidence.flatMap((e) => wrapText(`- ${e}`, room, '  ')) : []),
    ];
    for (const r of rows) {
      let text = textOf(r.f, textWidth);
      // An identifier wider than the column is never split: this row's text goes on its own lines.
      const rowStacked = stacked || (textWidth !== undefined && text.some((l) => stringWidth(l) > textWidth));
      if (rowStacked && !stacked) text = textOf(r.f, opts.width! - indent.length);
      const leftColumn = [r.object, ...(r.where ? [paint('dim', r.where)] : [])];
      const first = [paintSeverity(paint, r.severity, pad(r.severity, w.severity)), pad(r.code, w.code)];
      if (rowStacked) {
        out.push([...first, leftColumn[0]].join(GAP));
        if (r.where) out.push(`${' '.repeat(w.severity + w.code + 2 * GAP.length)}${leftColumn[1]}`);
        for (const line of text) out.push(`${indent}${line}`.trimEnd());
        continue;
      }
      const right = text;
      const height = Math.max(right.length, leftColumn.length);
      for (let i = 0; i < height; i++) {
        const left = i === 0 ? first.join(GAP) : ' '.repeat(w.severity + w.code + GAP.length);
        out.push(`${left}${GAP}${pad(leftColumn[i] ?? '', w.object)}${GAP}${right[i] ?? ''}`.trimEnd());
      }
    }
    out.push(...repairLines(findings, opts));
    out.push('');
  }

  const scope = opts.scopeText ? ` ${opts.scopeText}` : '';
  const gaps = report.skipped.filter((s) => !s.notInstalled);
  const refused = report.errors?.length ?? 0;
  if (report.findings.length === 0) {
    // An all-clear says what it did not check, and never covers a document it could not read.
    const skipped = report.offline
      ? ` by the ${report.offline.checks} check(s) that run offline`
      : gaps.length > 0
        ? ` by the checks that could run (${gaps.length} could not, below)`
        : '';
    const readable = refused > 0 ? ` in the documents that could be read (${refused} problem(s) refused a document, above)` : '';
    out.push(...wrapText(`No storage problems found${scope}${readable}${skipped}${opts.emptyHint ? `; ${opts.emptyHint}` : ''}.`, opts.width), '');
  }
  if (report.serverVerdicts?.length) out.push(...serverVerdictLines(report.serverVerdicts, opts, paint));
  if (report.preflight?.length) {
    out.push(paint('bold', "After apply, the StatefulSets' claims:"));
    for (const p of report.preflight) {
      const mark = p.outcome === 'stays-pending' ? paint('red', p.outcome) : p.outcome;
      out.push(...wrapText(`  ${p.statefulSet} ${p.claim}: ${mark}: ${p.detail}`, opts.width, '    '));
    }
    out.push('');
  }
  const s = report.summary;
  const roots = s.error + s.warning + s.info;
  if (report.findings.length > 0) {
    const follow = s.consequences > 0 ? `; ${s.consequences} more finding(s) follow from them` : '';
    const unread = refused > 0 ? `; ${refused} refusal(s) of documents not audited, above` : '';
    out.push(...wrapText(`${roots} problem(s)${scope}: ${s.error} error(s), ${s.warning} warning(s), ${s.info} info${follow}${unread}`, opts.width));
  }
  if (report.offline) {
    const o = report.offline;
    const needs = o.needCluster > 0 ? `; ${o.needCluster} more need the cluster's ${listOf(o.kinds)} (add --preflight)` : '';
    out.push(...wrapText(`Checked offline: ${o.checks} check(s) on ${o.statefulSets} StatefulSet(s)${needs}.`, opts.width));
  } else {
    if (gaps.length > 0) {
      out.push(paint('yellow', `Skipped ${gaps.length} check(s):`));
      // One line per reason, with the checks it stopped.
      const byReason = new Map<string, string[]>();
      for (const sk of gaps) byReason.set(sk.reason, [...(byReason.get(sk.reason) ?? []), sk.check]);
      for (const [reason, checks] of byReason) {
        out.push(...wrapText(`  ${checks.join(', ')}: ${reason}`, opts.width, '    '));
      }
    }
    const absent = report.skipped.filter((s) => s.notInstalled);
    if (absent.length > 0) {
      const why = absent[0]!.reason.replace(/^needs \S+: /, '');
      out.push(...wrapText(paint('dim', `Not applicable here: ${absent.map((s) => s.check).join(', ')} (${why}).`), opts.width));
    }
  }
  return out.join('\n') + '\n';
}

/**
 * Each repair command once, on lines of its own so it can be copied (a long
 * one continues with shell backslashes); the codes without a repair point to
 * `explain`.
 */
function repairLines(findings: ReportFinding[], opts: TableOptions): string[] {
  const repairs = new Map<string, string[]>();
  for (const f of findings) if (f.fix) repairs.set(f.fix.command, [...(repairs.get(f.fix.command) ?? []), f.code]);
  const unrepaired = [...new Set(findings.filter((f) => !f.fix && !f.causedBy).map((f) => f.code))];
  const lines: string[] = [];
  if (repairs.size > 0) {
    lines.push(opts.paint('green', 'Repair:'));
    for (const [command, codes] of repairs) {
      const comment = `    # ${[...new Set(codes)].join(', ')}`;
      if (!opts.width || 2 + command.length + comment.length <= opts.width) lines.push(`  ${command}${comment}`);
      else lines.push(...wrapCommand(command, opts.width - 2, opts.width - 6).map((l, i) => (i === 0 ? `  ${l}` : `      ${l}`)), `      ${comment.trim()}`);
    }
  }
  if (unrepaired.length > 0) {
    lines.push(
      ...wrapText(
        `No automatic repair for ${unrepaired.join(', ')}: kubectl sts-storage explain ${unrepaired.length === 1 ? unrepaired[0] : 'CODE'} says what to do.`,
        opts.width,
      ),
    );
  }
  return lines;
}
