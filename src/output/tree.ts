// `show`: the storage chain as a tree. Fits the width by truncating the
// details of a line (messages, evidence), never its structure or codes.
import type { ChainFinding, StorageChain } from './storage-chain.js';
import stringWidth from 'string-width';
import { wrapCommand, wrapText } from './text.js';
import { paintSeverity, type Paint } from './colors.js';

export interface TreeOptions {
  width: number;
  ascii: boolean;
  paint: Paint;
}

interface Node {
  label: string;
  /** finding nodes: their label is coloured by it */
  severity?: ChainFinding['severity'];
  /** a command: wrapped with shell continuations, never truncated */
  command?: boolean;
  detail?: string;
  codes?: ChainFinding[];
  children: Node[];
}

function findingNodes(findings: ChainFinding[]): Node[] {
  return findings.map((f) => ({
    // A consequence says which root cause it follows from, so the reader starts there.
    label: `${f.code} ${f.severity}${f.causedBy ? ` (follows from ${f.causedBy})` : ''}:`,
    severity: f.severity,
    detail: f.message,
    children: f.fix ? [{ label: 'fix:', detail: f.fix, command: true, children: [] }] : [],
  }));
}

function toNodes(chain: StorageChain): Node {
  const s = chain.statefulSet;
  return {
    label: `StatefulSet ${s.namespace}/${s.name}`,
    detail: `replicas ${s.replicas}, ordinals ${s.ordinalsStart}..${s.ordinalsStart + s.replicas - 1}`,
    codes: s.findings,
    children: [
      ...(s.owner ? [{ label: 'owner:', detail: s.owner, children: [] }] : []),
      ...findingNodes(s.findings),
      ...chain.templates.map((t) => ({
        label: `template ${t.name}`,
        detail: `${t.size} ${t.accessModes.join(',')}, ${t.storageClass.note}`,
        children: t.ordinals.map((o) => {
          const size = o.claim.request ? `(request ${o.claim.request}${o.claim.capacity ? `, capacity ${o.claim.capacity}` : ''})` : undefined;
          const claimNode: Node = {
            // An expansion under way is part of the claim's state, never cut off.
            label: `claim ${o.claim.name}: ${o.claim.phase}${o.claim.resizing ? ` (resizing: ${o.claim.resizing})` : ''}`,
            detail: [size, o.claim.why].filter(Boolean).join('; ') || undefined,
            codes: o.claim.findings,
            children: [
              ...(o.claim.deletedBy.length ? [{ label: 'deleted by:', detail: o.claim.deletedBy.join('; '), children: [] }] : []),
              ...findingNodes(o.claim.findings),
            ],
          };
          if (o.volume) {
            claimNode.children.push({
              // The reclaim policy and the data-loss marker are in the label, which is never cut;
              // the timestamp goes last, in the detail, which may be.
              label: `PV ${o.volume.name} (${o.volume.capacity}): ${o.volume.phase}, reclaim ${o.volume.reclaimPolicy}${o.volume.deletedWithClaim ? ': deleted with its claim' : ''}`,
              detail: o.volume.phaseSince,
              codes: o.volume.findings,
              children: [
                ...(o.claimRef
                  ? [
                      {
                        label: `claimRef ${o.claimRef.namespace}/${o.claimRef.name}${o.claimRef.stale ? ' STALE' : ''}`,
                        detail: o.claimRef.uid ? `uid ${o.claimRef.uid}` : 'no uid (pre-bound)',
                        children: [],
                      },
                    ]
                  : []),
                ...findingNodes(o.volume.findings),
              ],
            });
          } else {
            claimNode.children.push({ label: 'PV: none', children: [] });
          }
          claimNode.children.push({ label: `pod ${o.pod.name}: ${o.pod.phase}`, children: [] });
          return { label: `ordinal ${o.ordinal}${o.inRange ? '' : ' (leftover)'}`, children: [claimNode] };
        }),
      })),
    ],
  };
}

function truncate(text: string, room: number, ascii: boolean): string {
  if (room <= 0) return '';
  if (text.length <= room) return text;
  const mark = ascii ? '...' : '…';
  return room <= mark.length ? mark.slice(0, room) : `${text.slice(0, room - mark.length)}${mark}`;
}

export function renderTree(chain: StorageChain, opts: TreeOptions): string {
  const g = opts.ascii ? { tee: '|- ', last: '`- ', pipe: '|  ', gap: '   ' } : { tee: '├─ ', last: '└─ ', pipe: '│  ', gap: '   ' };
  const lines: string[] = [];
  const emit = (node: Node, prefix: string, connector: string) => {
    const head = `${prefix}${connector}${node.label}`;
    // Codes are kept while they fit; the rest become "+N" (they are listed as children anyway).
    let shown = node.codes ?? [];
    const codeWidth = (list: ChainFinding[], hidden: number) =>
      list.map((c) => `[${c.code}]`).join(' ').length + (hidden ? ` +${hidden}`.length : 0) + (list.length || hidden ? 1 : 0);
    // A detail (the header's "replicas 3, ordinals 0..2") matters more than codes its children list again.
    const keep = node.detail && !node.command ? 0 : 1;
    while (shown.length > keep && head.length + codeWidth(shown, (node.codes ?? []).length - shown.length) + (node.detail?.length ?? 0) + 1 > opts.width)
      shown = shown.slice(0, -1);
    const hidden = (node.codes ?? []).length - shown.length;
    const codes = [...shown.map((c) => paintSeverity(opts.paint, c.severity, `[${c.code}]`)), ...(hidden ? [`+${hidden}`] : [])];
    const fixed = head.length + codeWidth(shown, hidden);
    const label = node.severity ? paintSeverity(opts.paint, node.severity, node.label) : node.label;
    const childPrefix = prefix + (connector === g.tee ? g.pipe : connector === g.last ? g.gap : '');
    if (node.command && node.detail) {
      const [first, ...rest] = wrapCommand(node.detail, opts.width - fixed - 1, opts.width - childPrefix.length - 4);
      lines.push(`${prefix}${connector}${label} ${first}`);
      for (const r of rest) lines.push(`${childPrefix}    ${r}`);
    } else if (head.length > opts.width) {
      // A label wider than the terminal (a long PV name) wraps under its node, whole words kept;
      // the detail fills what room the last line leaves.
      const wrapped = wrapText(`${prefix}${connector}${label}`, opts.width, `${childPrefix}   `);
      const last = wrapped.pop()!;
      const room = opts.width - stringWidth(last) - codeWidth(shown, hidden) - 1;
      const detail = node.detail && room > 3 ? truncate(node.detail, room, opts.ascii) : '';
      lines.push(...wrapped, [last, detail, codes.join(' ')].filter(Boolean).join(' '));
    } else {
      const detail = node.detail ? truncate(node.detail, opts.width - fixed - 1, opts.ascii) : '';
      lines.push([`${prefix}${connector}${label}`, detail, codes.join(' ')].filter(Boolean).join(' '));
    }
    node.children.forEach((c, i) => emit(c, childPrefix, i === node.children.length - 1 ? g.last : g.tee));
  };
  emit(toNodes(chain), '', '');
  return lines.join('\n') + '\n';
}
