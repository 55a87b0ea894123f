// A KubeClient for the repair engine's unit tests: it records every request
// and answers as the test says. It knows nothing of Kubernetes (no storage, no
// resourceVersions, no validation): each test scripts the answers it needs,
// copied from what the real API server sends, and what the server itself does
// with the requests is proven on the control plane (test/integration).
import { KubeClient } from '../../../src/kube/client.js';

export interface Call {
  method: string;
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  contentType?: string;
}

export interface RecordingClient {
  client: KubeClient;
  calls: Call[];
  /** every request but reads and the RBAC reviews */
  writes: () => Call[];
}

/**
 * `answer` returns the response body or throws the error the server would
 * give; `list` answers collection reads. Permission reviews are allowed.
 */
export function recordingClient(answer: (call: Call) => unknown = () => ({}), list: (path: string) => unknown[] = () => []): RecordingClient {
  const calls: Call[] = [];
  const client = {
    server: 'https://recorded.invalid',
    user: 'tester',
    async request(method: string, p: string, opts: { query?: Record<string, unknown>; body?: unknown; contentType?: string } = {}) {
      const call = { method, path: p, query: opts.query, body: opts.body, contentType: opts.contentType };
      calls.push(call);
      if (p.endsWith('/selfsubjectaccessreviews')) return { status: { allowed: true } };
      return answer(call);
    },
    async list(p: string) {
      calls.push({ method: 'LIST', path: p });
      return list(p);
    },
    // The real review, sent through this recorder's request.
    mayI: KubeClient.prototype.mayI,
  } as unknown as KubeClient;
  return { client, calls, writes: () => calls.filter((c) => !['GET', 'LIST'].includes(c.method) && !c.path.endsWith('/selfsubjectaccessreviews')) };
}

/** Time that passes only when the engine sleeps. */
export function testClock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}
