// What `serve` answers on its port: /metrics (Prometheus text format, from
// prom-client), /healthz (the process runs), /readyz (ready once the first
// audit of a whole snapshot is done) and /report (that audit as the JSON of
// `audit -o json`, compact, with the watcher's state). The two large answers
// are gzip-compressed for a client that accepts it (Prometheus does).
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import Negotiator from 'negotiator';
import { CompressedText, type TextPiece } from './compressed-text.js';
import type { WatcherStatus } from './storage-watcher.js';

export interface EndpointSources {
  /** the Prometheus exposition, in pieces written one after the other */
  metrics: () => Promise<TextPiece[]>;
  /** its content type (prom-client's) */
  metricsType: string;
  status: () => WatcherStatus;
  /** the last audit's report as JSON without its opening brace (its members and the closing one), undefined before the first */
  reportMembers: () => CompressedText | undefined;
}

/** The pieces one after the other, compressed if the client accepts gzip, decompressing those kept compressed. */
async function sendPieces(req: http.IncomingMessage, res: http.ServerResponse, type: string, pieces: TextPiece[]): Promise<void> {
  const gzip = new Negotiator(req).encoding(['identity', 'gzip']) === 'gzip';
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', Vary: 'Accept-Encoding', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
  if (req.method === 'HEAD') return void res.end();
  async function* text() {
    for (const piece of pieces) {
      if (piece instanceof CompressedText) yield* piece.open();
      else yield piece;
    }
  }
  // A client gone mid-answer ends the pipeline with an error: nothing to tell it.
  await (gzip ? pipeline(text, zlib.createGzip({ level: 1 }), res) : pipeline(text, res)).catch(() => undefined);
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
          (pieces) => sendPieces(req, res, sources.metricsType, pieces),
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
        const members = sources.reportMembers();
        const s = sources.status();
        if (members === undefined) return send(503, 'application/json', `${JSON.stringify({ ready: false, status: s })}\n`);
        // The state now, then the report's members: what JSON.stringify({ status, ...report }) writes.
        return void sendPieces(req, res, 'application/json', [`{"status":${JSON.stringify(s)},`, members, '\n']);
      }
      default:
        return send(404, 'text/plain; charset=utf-8', 'not found: /metrics, /healthz, /readyz, /report\n');
    }
  });
}
