import { describe, expect, it } from 'vitest';
import { REQUEST_LOG_SIZE, requestLog } from '../../../src/kube/client.js';

describe('the request log', () => {
  it('counts every request and keeps only the latest REQUEST_LOG_SIZE (a long-running serve must not grow with its requests)', () => {
    const before = { count: requestLog.count, bytes: requestLog.bytes };
    for (let i = 0; i < REQUEST_LOG_SIZE + 250; i++) requestLog.record({ method: 'GET', path: `/p/${i}`, status: 200, ms: 1, bytes: 10 });
    expect(requestLog.count - before.count).toBe(REQUEST_LOG_SIZE + 250);
    expect(requestLog.bytes - before.bytes).toBe((REQUEST_LOG_SIZE + 250) * 10);
    expect(requestLog.recent).toHaveLength(REQUEST_LOG_SIZE);
    expect(requestLog.recent.at(-1)!.path).toBe(`/p/${REQUEST_LOG_SIZE + 249}`);
    expect(requestLog.recent[0]!.path).toBe('/p/250');
  });
});
