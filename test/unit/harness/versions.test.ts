// test/cluster/versions.json is the one list of tested releases: the harness
// defaults to its newest supported entry, which go.mod must pin.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { homeVersion, pinnedKubernetesVersion, releases, resolveVersion } from '../../../scripts/cluster.mjs';

describe('test/cluster/versions.json', () => {
  it('lists each release once, newest first, with a legacy entry and CI on the newest and the legacy one', () => {
    const list = releases() as Array<{ minor: string; version: string; support: string; ci: boolean }>;
    const minors = list.map((r) => Number(r.minor.split('.')[1]));
    expect([...minors].sort((a, b) => b - a)).toEqual(minors);
    expect(new Set(minors).size).toBe(minors.length);
    for (const r of list) expect(r.version.startsWith(`v${r.minor}.`)).toBe(true);
    expect(list.filter((r) => r.ci).map((r) => r.support)).toEqual(['supported', 'legacy']);
    expect(list.filter((r) => r.ci)[0]).toBe(list[0]);
  });

  it('the default control plane is the newest supported release, and go.mod pins it', () => {
    expect(homeVersion()).toBe((releases() as Array<{ version: string }>)[0]!.version);
    expect(pinnedKubernetesVersion()).toBe(homeVersion());
  });

  it('resolves a listed minor or a full version, and names the choices for anything else', () => {
    expect(resolveVersion('1.36')).toBe('v1.36.3');
    expect(resolveVersion('v1.35.9')).toBe('v1.35.9');
    expect(() => resolveVersion('1.34')).toThrow('unknown Kubernetes release "1.34": use a version like v1.37.2 or one of 1.37, 1.36, 1.35, 1.33');
  });
});
