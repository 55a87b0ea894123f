import type { Readable, Writable } from 'node:stream';
import { wrapText } from '../output/text.js';
import { colorEnabled, makePaint, type Paint } from '../output/colors.js';

export interface IO {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function processIO(): IO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** The width output should fit: the terminal's, or COLUMNS when piped (undefined: no limit). */
type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** The width of the terminal a stream goes to; piped, COLUMNS if set, else none (whole lines). */
function widthOf(stream: Stream, io: IO): number | undefined {
  return stream.isTTY ? stream.columns : Number(io.env['COLUMNS']) || undefined;
}

export function outputWidth(io: IO): number | undefined {
  return widthOf(io.stdout, io);
}

/**
 * A message on a stream, wrapped to the terminal it goes to at spaces only, so
 * names and commands stay whole; continuation lines start with `indent`.
 */
export function say(stream: Stream, io: IO, text: string, indent = '    '): void {
  stream.write(`${wrapText(text, widthOf(stream, io), indent).join('\n')}\n`);
}

export function stdoutPaint(io: IO): Paint {
  return makePaint(colorEnabled(io.stdout, io.env));
}

export function stderrPaint(io: IO): Paint {
  return makePaint(colorEnabled(io.stderr, io.env));
}

export interface Spinner {
  update(text: string): void;
  stop(): void;
  /** writes a line while spinning: the spinner steps aside and comes back */
  around(write: () => void): void;
}

/** ora on stderr, only when stderr is a terminal: pipes and CI logs stay clean. */
export async function startSpinner(io: IO, text: string): Promise<Spinner> {
  if (!io.stderr.isTTY || io.env['CI'] === 'true') return { update() {}, stop() {}, around: (write) => write() };
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: io.stderr as NodeJS.WriteStream, color: 'cyan', isEnabled: true }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    stop: () => spinner.stop(),
    around: (write) => {
      spinner.clear();
      write();
      spinner.render();
    },
  };
}

/** Box drawing needs a UTF-8 locale; an explicit non-UTF-8 locale gets ASCII. */
export function unicodeTerminal(env: NodeJS.ProcessEnv): boolean {
  const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'];
  if (env['TERM'] === 'dumb' || env['TERM'] === 'linux') return false;
  return !locale || /utf-?8/i.test(locale);
}
