// Issue #25, tried as a new user would: StatefulSet web's 3 ordinals each on
// a Retain PV whose name is not in ordinal order; the set and its claims are
// deleted (a botched re-deploy). The user runs, word for word, every repair
// the audit suggests, then applies the set again: each ordinal must get its
// own PV back. With the real StatefulSet controller, garbage collector and PV
// binder; pods stay unscheduled (no kubelet runs).
import { describe, expect, it } from 'vitest';
import { audit, runCli, skipReason, useSandbox, waitFor } from './helpers.js';
import { applyAndBind, deletedSet, setManifest } from './set-lifecycle.js';
import type { Claim, Volume } from '../../src/kube/types.js';
import { HELD_CLAIM_ANNOTATION } from '../../src/kube/annotations.js';

const PLUGIN = 'kubectl sts-storage ';

describe.skipIf(!!skipReason)('advice followed to the letter keeps each ordinal on its own data', () => {
  const sandbox = useSandbox();

  // Ordinal i's data is on names[i]: pv-…-c holds ordinal 0, -a ordinal 1, -b ordinal 2.
  const pvs = (ns: string) => [`pv-od-${ns}-c`, `pv-od-${ns}-a`, `pv-od-${ns}-b`];

  it('after the set and its claims are deleted, every suggested command run verbatim and the set re-applied', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('vfy');
    const names = pvs(ns);
    await deletedSet(cluster, ns, names);

    const { report } = await audit(['-n', ns]);
    const orphaned = report.findings.find((f) => f.code === 'PV-011');
    expect(orphaned?.message).toBe(
      `PVs ${names[0]}, ${names[1]}, and ${names[2]} hold ordinals 0–2 of StatefulSet web, template data, which no longer exists in namespace ${ns}: keep each PV for its own ordinal`,
    );
    // Each PV's own finding follows from the set's, and no advice clears a claimRef.
    for (const f of report.findings.filter((x) => x.code === 'PV-001')) expect(f.causedBy?.code).toBe('PV-011');
    const commands = [...new Set(report.findings.flatMap((f) => (f.fix ? [f.fix.command] : [])))];
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(c).not.toContain('--full');

    // As the user would: each command as printed, answering the confirmation with --yes.
    for (const command of commands) {
      expect(command.startsWith(PLUGIN), command).toBe(true);
      const r = await runCli([...command.slice(PLUGIN.length).split(' '), '--yes'], { env: sandbox.env() });
      expect(r.code, `${command}\n${r.stdout}${r.stderr}`).toBe(0);
    }

    // The repair's writes carry its field manager (managedFields name it, never "unknown"); the test's own are integration-test's.
    const managers = (await cluster.get<Volume>('PersistentVolume', names[0]!))!.metadata?.managedFields?.map((m) => m.manager);
    expect(managers).toContain('kubectl-sts-storage');
    expect(managers).toContain('integration-test');
    expect(managers).not.toContain('unknown');

    const bound = await applyAndBind(cluster, setManifest('web', 3), ns);
    expect(bound).toEqual({ 'data-web-0': names[0], 'data-web-1': names[1], 'data-web-2': names[2] });
    const after = await audit(['-n', ns]);
    expect(after.report.findings.filter((f) => ['PV-001', 'PV-011', 'PV-012'].includes(f.code))).toEqual([]);
  });

  it("fix-claimref --full on an ordinal's PV is refused without the statement naming its claim, and with it records whose data it was", async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('vfyfull');
    const names = pvs(ns);
    await deletedSet(cluster, ns, names);
    const before = (await cluster.get<Volume>('PersistentVolume', names[1]!))!;

    const refused = await runCli(['fix-claimref', names[1]!, '--full', '--yes'], { env: sandbox.env() });
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stdout).toContain(`it holds the data of claim ${ns}/data-web-1`);
    expect(refused.stdout).toContain('--confirm-any-claim=data-web-1');
    const wrong = await runCli(['fix-claimref', names[1]!, '--full', '--confirm-any-claim=data-web-0', '--yes'], { env: sandbox.env() });
    expect(wrong.code).toBe(1);
    expect((await cluster.get<Volume>('PersistentVolume', names[1]!))!.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);

    const stated = await runCli(['fix-claimref', names[1]!, '--full', '--confirm-any-claim=data-web-1', '--yes'], { env: sandbox.env() });
    expect(stated.code, stated.stdout + stated.stderr).toBe(0);
    const cleared = (await cluster.get<Volume>('PersistentVolume', names[1]!))!;
    expect(cleared.spec?.claimRef).toBeUndefined();
    expect(cleared.metadata?.annotations?.[HELD_CLAIM_ANNOTATION]).toBe(`${ns}/data-web-1`);
  });

  it("a PV that ends up on another ordinal's claim is reported as an error", async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('vfyswap');
    const names = pvs(ns);
    await deletedSet(cluster, ns, names);
    // The audit's own repair records each ordinal on its PV ...
    const fixed = await runCli(['fix-claimref', ...names, '--yes'], { env: sandbox.env() });
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    // ... then someone swaps two reservations by hand (kubectl patch), as the tool never would.
    await cluster.patch('PersistentVolume', names[0]!, undefined, { spec: { claimRef: { namespace: ns, name: 'data-web-1' } } });
    await cluster.patch('PersistentVolume', names[1]!, undefined, { spec: { claimRef: { namespace: ns, name: 'data-web-0' } } });
    await waitFor('the swapped PVs Available again', async () => {
      for (const n of names.slice(0, 2)) if ((await cluster.get<Volume>('PersistentVolume', n))?.status?.phase !== 'Available') return false;
      return true;
    });
    const bound = await applyAndBind(cluster, setManifest('web', 3), ns);
    expect(bound).toEqual({ 'data-web-0': names[1], 'data-web-1': names[0], 'data-web-2': names[2] });
    const { report } = await audit(['-n', ns]);
    const swapped = report.findings
      .filter((f) => f.code === 'PV-012')
      .map((f) => `${f.severity} ${f.message}`)
      .sort();
    expect(swapped).toEqual(
      [
        `error PV ${names[0]} holds the data of claim ${ns}/data-web-0 but is bound to claim ${ns}/data-web-1: ordinal 0's data is now ordinal 1's`,
        `error PV ${names[1]} holds the data of claim ${ns}/data-web-1 but is bound to claim ${ns}/data-web-0: ordinal 1's data is now ordinal 0's`,
      ].sort(),
    );
    const claim = (await cluster.get<Claim>('PersistentVolumeClaim', 'data-web-2', ns))!;
    expect(claim.spec?.volumeName).toBe(names[2]);
  });
});
