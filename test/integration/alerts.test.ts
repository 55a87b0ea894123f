// The alerting rules serve ships, proven by Prometheus's own promtool (built
// from the Go module proxy): they load, and test/alerts/alerts.test.yaml's
// cases fire, wait and resolve as written.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, skipReason } from './helpers.js';
import { tools } from './owned-sets.js';

const promtool = () => path.join(tools['prometheus']!, 'promtool');

describe.skipIf(!!skipReason)('the shipped alerting rules, by promtool', () => {
  it('promtool check rules: every rule of deploy/chart/files/alerts.yaml parses', () => {
    const r = spawnSync(promtool(), ['check', 'rules', 'deploy/chart/files/alerts.yaml'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 12 rules found/);
  });

  it('promtool test rules: the alerts fire, wait, resolve and quote the finding as the test file says', () => {
    const r = spawnSync(promtool(), ['test', 'rules', 'test/alerts/alerts.test.yaml'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
  });
});
