import type { Severity } from '../checks/check.js';

export type Paint = (style: 'red' | 'yellow' | 'cyan' | 'green' | 'bold' | 'dim', text: string) => string;

const CODES = { red: [31, 39], yellow: [33, 39], cyan: [36, 39], green: [32, 39], bold: [1, 22], dim: [2, 22] } as const;

/** Colour only for a TTY, never with NO_COLOR set (https://no-color.org) or TERM=dumb. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return !!stream.isTTY && env['TERM'] !== 'dumb';
}

export function makePaint(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  return (style, text) => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m`;
}

export function paintSeverity(paint: Paint, severity: Severity, text: string = severity): string {
  return severity === 'error' ? paint('red', text) : severity === 'warning' ? paint('yellow', text) : paint('cyan', text);
}
