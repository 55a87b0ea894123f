#!/usr/bin/env node
// The raw-list floor: the same paginated list requests the audit makes (every
// kind of src/kube/resources.ts, 500 a page, plus /version), issued in
// parallel by a minimal client that reads each body and discards it, keeping
// only the page's continue token. What the API server needs to serve the
// audit's data, with nothing parsed, indexed, checked or rendered.
//   node bench/raw-floor.mjs KUBECONFIG  ->  prints "requests N bytes B" on stderr
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { KINDS, collectionPath } from '../dist/kube/resources.js';

const kc = new KubeConfig();
kc.loadFromFile(process.argv[2]);
const server = new URL(kc.getCurrentCluster().server);
const options = {};
await kc.applyToHTTPSOptions(options);
const agent = new https.Agent({ ...options, keepAlive: true, maxSockets: 16 });
let requests = 0;
let bytes = 0;

function get(path) {
  requests++;
  return new Promise((resolve, reject) => {
    const req = https.request({ host: server.hostname, port: server.port, path, agent, headers: { ...options.headers, accept: 'application/json' } }, (res) => {
      let head = '';
      res.on('data', (chunk) => {
        bytes += chunk.length;
        // metadata (with continue) comes first in a list; the items are dropped unread.
        if (head.length < 4096) head += chunk.toString('latin1', 0, Math.min(chunk.length, 4096));
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(head) : reject(new Error(`${path}: ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function list(kind) {
  const base = collectionPath(kind.group, kind.resource);
  let token = '';
  do {
    const head = await get(`${base}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
    token = /"continue":"([^"]*)"/.exec(head)?.[1] ?? '';
  } while (token);
}

await Promise.all([get('/version'), ...KINDS.map(list)]);
agent.destroy();
process.stderr.write(`requests: ${requests}\nbytes-read: ${bytes}\npeak-rss-kib: ${process.resourceUsage().maxRSS}\n`);
