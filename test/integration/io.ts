import { PassThrough } from 'node:stream';
import type { IO } from '../../src/cli/io.js';

/** In-memory streams for running commands in-process. */
export function memoryIO(env: Record<string, string> = {}): IO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const stdin = new PassThrough();
  stdin.end();
  return { stdout, stderr, stdin, env: { NO_COLOR: '1', ...env }, out: () => out, err: () => err };
}
