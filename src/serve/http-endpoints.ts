// What `serve` answers on its port: /metrics (Prometheus text format, from
// prom-client), /healthz (the process runs), /readyz (ready once the first
// audit of a whole snapshot is done) and /report (that audit as the JSON of
// `audit -o json`, compact, with the watcher's state).
import http from 'node:http';
import type { WatcherStatus } from './storage-watcher.js';

export interface EndpointSources {
  /** the Prometheus exposition, in pieces written one after the other */
  metrics: () => Promise<(string | Buffer)[]>;
  /** its content type (prom-client's) */
  metricsType: string;
  status: () => WatcherStatus;
  /** the last audit's report as JSON (an object), undefined before the first */
  report: () => string | undefined;
}

export function createEndpoints(sources: EndpointSources): http.Server {
  return http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'only GET\n');
    switch (path) {
      case '/metrics':
        sources.metrics().then(
          (pieces) => {
            res.writeHead(200, { 'Content-Type': sources.metricsType, 'Cache-Control': 'no-store' });
            if (req.method !== 'HEAD') for (const piece of pieces) res.write(piece);
            res.end();
          },
          (err: Error) => send(500, 'text/plain; charset=utf-8', `${err.message}\n`),
        );
        return;
      case '/healthz':
        return send(200, 'text/plain; charset=utf-8', 'ok\n');
      case '/readyz': {
        const s = sources.status();
        if (s.ready) return send(200, 'text/plain; charset=utf-8', 'ok\n');
        const waiting = s.kinds.filter((k) => !k.listed).map((k) => k.resource);
        return send(
          503,
          'text/plain; charset=utf-8',
          `not ready: no whole snapshot audited yet${waiting.length ? ` (still listing ${waiting.join(', ')})` : ''}\n`,
        );
      }
      case '/report': {
        const report = sources.report();
        const s = sources.status();
        if (report === undefined) return send(503, 'application/json', `${JSON.stringify({ ready: false, status: s })}\n`);
        // The report's members, then the state now: what JSON.stringify({ ...report, status }) writes.
        return send(200, 'application/json', `${report.slice(0, -1)},"status":${JSON.stringify(s)}}\n`);
      }
      default:
        return send(404, 'text/plain; charset=utf-8', 'not found: /metrics, /healthz, /readyz, /report\n');
    }
  });
}
