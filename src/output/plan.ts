import type { Plan, PlannedChange } from '../fixes/plan.js';
import type { Paint } from './colors.js';
import { wrapCommand, wrapText } from './text.js';

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(prefix, Array.isArray(value) ? '[]' : '{}');
    for (const [k, v] of entries) flatten(v, Array.isArray(value) ? `${prefix}[${k}]` : prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, JSON.stringify(value));
}

/** Fields the API server fills in: a repair never sets them, so the plan does not show them. */
const SERVER_OWNED = ['metadata.managedFields', 'metadata.creationTimestamp', 'metadata.generation', 'metadata.resourceVersion', 'metadata.uid', 'status'];

/** Field-level diff of two versions of an object: "- path: old" / "+ path: new". */
export function diffObjects(before: unknown, after: unknown): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const lines: string[] = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => !SERVER_OWNED.some((p) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`)));
  for (const k of keys.sort()) {
    const x = a.get(k);
    const y = b.get(k);
    if (x === y) continue;
    if (x !== undefined) lines.push(`- ${k}: ${x}`);
    if (y !== undefined) lines.push(`+ ${k}: ${y}`);
  }
  return lines;
}

/** One change of a plan, each line wrapped to `width` (the terminal's) without splitting an identifier. */
export function renderChange(change: PlannedChange, paint: Paint, width?: number): string {
  const t = change.target;
  const lines = wrapText(
    `${paint('bold', `${t.kind} ${t.namespace ? t.namespace + '/' : ''}${t.name}`)} (uid ${t.uid}, resourceVersion ${t.resourceVersion}): ${change.summary}`,
    width,
    '    ',
  );
  const item = (text: string) => lines.push(...wrapText(`    ${text}`, width, '        '));
  for (const d of diffObjects(change.before, change.after)) item(d.startsWith('-') ? paint('red', d) : paint('green', d));
  for (const s of change.steps) item(`step: ${s.description}`);
  for (const w of change.warnings) item(`${paint('yellow', 'warning:')} ${w}`);
  for (const n of change.notes) item(`note: ${n}`);
  return lines.join('\n');
}

export function renderPlan(plan: Plan, paint: Paint, width?: number): string {
  const out: string[] = [];
  if (plan.owner) out.push(...wrapText(`Owner: ${plan.owner}`, width, '    '));
  if (plan.changes.length > 0) {
    out.push(plan.headline ?? `Plan: ${plan.changes.length} object(s) to change`);
    for (const c of plan.changes) out.push(renderChange(c, paint, width));
  }
  for (const r of plan.refusals) {
    const label = r.noop ? paint('dim', 'skipped') : paint('red', 'refused');
    out.push(
      ...wrapText(`${label}: ${r.target.kind} ${r.target.namespace ? r.target.namespace + '/' : ''}${r.target.name}: ${r.reasons.join('; ')}`, width, '    '),
    );
  }
  for (const w of plan.warnings ?? []) out.push(...wrapText(`${paint('yellow', 'warning')}: ${w}`, width, '    '));
  if (plan.changes.length > 0) out.push(...renderNextSteps(plan, width));
  // After a refusal "nothing to change" would read as "all is well".
  if (plan.changes.length === 0) out.push(plan.refusals.some((r) => !r.noop) ? 'Nothing was planned.' : 'Nothing to change.');
  return out.join('\n') + '\n';
}

/** The owner's next step, after the plan and again after the result: the command stays whole on its own line. */
export function renderNextSteps(plan: Plan, width?: number): string[] {
  return (plan.nextSteps ?? []).flatMap((s) => [
    ...wrapText(`then: ${s.text}${s.command ? ':' : ''}`, width, '    '),
    ...(s.command ? (width ? wrapCommand(s.command, width - 2, width - 6).map((l, i) => (i === 0 ? `  ${l}` : `      ${l}`)) : [`  ${s.command}`]) : []),
  ]);
}
