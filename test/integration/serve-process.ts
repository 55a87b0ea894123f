// `serve` as users run it: the real executable in a child process, on a port
// the OS picks, read over HTTP. Its metrics are parsed from the Prometheus
// text format it serves.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT, kubeconfig, waitFor } from './helpers.js';
import { parseMetrics, type Sample } from './metrics-text.js';

export type { Sample };
export { parseMetrics };

export class ServeProcess {
  private stderr = '';
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(args: string[], opts: { kubeconfig?: string; env?: Record<string, string> } = {}): Promise<ServeProcess> {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'kubectl-sts-storage'), 'serve', '--listen', '127.0.0.1:0', ...args], {
      env: { ...process.env, KUBECONFIG: opts.kubeconfig ?? kubeconfig, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
      child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
      child.stderr!.on('data', () => {
        const m = /serving (http:\/\/\S+)\/metrics/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const serve = new ServeProcess(child, url);
    child.stderr!.on('data', (d) => (serve.stderr += d));
    serve.stderr = stderr;
    return serve;
  }

  get log(): string {
    return this.stderr;
  }

  async get(pathname: string): Promise<{ status: number; body: string }> {
    const res = await fetch(this.url + pathname);
    return { status: res.status, body: await res.text() };
  }

  async metrics(): Promise<Sample[]> {
    const { status, body } = await this.get('/metrics');
    if (status !== 200) throw new Error(`/metrics answered ${status}: ${body}`);
    return parseMetrics(body);
  }

  /** The value of one series (undefined when it is absent). */
  async value(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    return (await this.metrics()).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  }

  async waitFor(what: string, probe: (samples: Sample[]) => boolean, timeoutMs = 30_000): Promise<void> {
    await waitFor(`serve: ${what}`, async () => probe(await this.metrics()), timeoutMs);
  }

  /** SIGTERM, as a pod is stopped: resolves with the exit code. */
  stop(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve(this.child.exitCode);
      this.child.once('exit', (code) => resolve(code));
      this.child.kill('SIGTERM');
    });
  }
}

export const has = (samples: Sample[], name: string, labels: Record<string, string>, value?: number): boolean =>
  samples.some((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && (value === undefined || s.value === value));
