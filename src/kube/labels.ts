import type { V1LabelSelector, V1NodeSelectorRequirement, V1NodeSelectorTerm } from '@kubernetes/client-node';
import type { Node } from './types.js';

type Requirement = { key: string; operator: string; values?: string[] };

function matchRequirement(labels: Record<string, string>, req: Requirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const a = Number(value);
      const b = Number(values[0]);
      if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** metav1.LabelSelector semantics: an empty selector matches everything. */
export function matchesLabelSelector(selector: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => matchRequirement(l, req));
}

/**
 * Parses the label-selector syntax kubectl accepts for -l
 * (k=v, k==v, k!=v, k in (a,b), k notin (a), k, !k), joined by commas.
 */
export function parseLabelSelector(text: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current);
  return parts.map((raw) => {
    const part = raw.trim();
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m)
      return {
        key: m[1]!,
        operator: m[2] === 'in' ? 'In' : 'NotIn',
        values: m[3]!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part);
    if (m) return { key: m[1]!, operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3]!] };
    m = /^(!?)([\w./-]+)$/.exec(part);
    if (m) return { key: m[2]!, operator: m[1] ? 'DoesNotExist' : 'Exists' };
    throw new Error(`invalid label selector "${text}": cannot parse "${part}"`);
  });
}

export function matchesLabelRequirements(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  return reqs.every((r) => matchRequirement(labels ?? {}, r));
}

function matchNodeTerm(node: Node, term: V1NodeSelectorTerm): boolean {
  const exprs: V1NodeSelectorRequirement[] = term.matchExpressions ?? [];
  const fields: V1NodeSelectorRequirement[] = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false; // an empty term matches nothing
  const labels = node.metadata?.labels ?? {};
  const fieldValues: Record<string, string> = { 'metadata.name': node.metadata?.name ?? '' };
  return exprs.every((r) => matchRequirement(labels, r)) && fields.every((r) => matchRequirement(fieldValues, r));
}

/** v1.NodeSelector: the terms are ORed (component-helpers MatchNodeSelectorTerms). */
export function nodeMatchesSelectorTerms(node: Node, terms: V1NodeSelectorTerm[]): boolean {
  return terms.some((t) => matchNodeTerm(node, t));
}
