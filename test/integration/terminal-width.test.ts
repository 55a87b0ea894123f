// What a person reads before typing `y`, on an 80-column terminal (issue #25):
// every command's plan, refusal and list, run on a pseudo-terminal of 80
// columns, has no line wider than 80 and no identifier (a PV or claim name,
// a uid) split across lines. Prompts are answered "n": nothing is written
// except where a backup is needed for the undo list.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { ROOT, kubeconfig, runCli, skipReason, useSandbox } from './helpers.js';
import { deletedSet, setManifest, writeManifest, applyAndBind } from './set-lifecycle.js';
import type { Volume } from '../../src/kube/types.js';

const WIDTH = 80;

/** The command on a pty of WIDTH columns, a "y/N" prompt answered "n"; what the terminal showed, without colour. */
function onTerminal(args: string[], env: Record<string, string>): { code: number | null; text: string } {
  const r = spawnSync(
    'python3',
    [
      path.join(ROOT, 'test/integration/pty-answer.py'),
      '[y/N]',
      'n\\r',
      String(WIDTH),
      '--',
      process.execPath,
      path.join(ROOT, 'bin/kubectl-sts-storage'),
      ...args,
    ],
    { env: { ...process.env, KUBECONFIG: kubeconfig, ...env }, encoding: 'utf8' },
  );
  // As the terminal shows it: colour gone, and on each line what the last carriage return left (the spinner redraws in place).
  const text = r.stdout
    // Cursor to column 1 (ESC[G) and erase line (ESC[2K), as the spinner redraws, act as a carriage return.
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[(\d*G|2K)/g, '\r')
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.split('\r').pop()!)
    .join('\n');
  return { code: r.status, text };
}

function expectFits(label: string, text: string, identifiers: string[]): void {
  const lines = text.split('\n');
  for (const line of lines) expect(stringWidth(line), `${label}: a line of ${stringWidth(line)} columns:\n${line}`).toBeLessThanOrEqual(WIDTH);
  // An identifier split across lines appears more often once the breaks (and their indentation) are gone.
  const joined = text.replace(/ ?\\?\n\s*/g, '');
  for (const id of identifiers) {
    const whole = text.split(id).length - 1;
    const afterJoin = joined.split(id).length - 1;
    expect(afterJoin, `${label}: "${id}" split across lines`).toBe(whole);
  }
}

describe.skipIf(!!skipReason)('every plan, refusal and list fits an 80-column terminal, identifiers whole', () => {
  const sandbox = useSandbox();

  it('audit, explain, show, undo, and every repair: fix-claimref, restore, prebind, protect, resize, generate-template, fix-mounts, recover-expansion, recover-node', async () => {
    const { cluster } = sandbox;
    const ns = await cluster.namespace('width');
    // Names long enough that a careless wrap would split them.
    const names = [0, 1, 2].map((i) => `pv-${ns}-a-rather-long-volume-name-${i}`);
    const volumes = await deletedSet(cluster, ns, names);
    const ids = [ns, ...names, ...volumes.map((v) => v.metadata!.uid!), ...volumes.map((v) => v.spec!.claimRef!.uid!)];
    const env = sandbox.env();

    const outputs: Array<[string, string]> = [];
    const run = (args: string[]) => {
      const r = onTerminal(args, env);
      outputs.push([args.join(' '), r.text]);
      return r;
    };
    run(['audit', '-n', ns]);
    run(['audit', '-n', ns, '-o', 'wide']);
    run(['explain', 'PV-011']);
    run(['explain']);
    expect(run(['fix-claimref', ...names]).text).toContain('Aborted: nothing was changed.');
    expect(run(['fix-claimref', names[1]!, '--full']).code).toBe(1);
    const manifest = writeManifest(setManifest('web', 3), ns);
    run(['restore', 'web', '-n', ns, '-f', manifest, '--dry-run']);
    run(['prebind', names[0]!, '--claim', `${ns}/some-claim-that-does-not-exist-yet`, '--size', '500Gi']);
    // A backup for the undo list, and the set back for show, protect and resize.
    expect((await runCli(['fix-claimref', ...names, '--yes'], { env })).code).toBe(0);
    run(['undo']);
    await applyAndBind(cluster, setManifest('web', 3), ns);
    run(['show', 'web', '-n', ns]);
    run(['protect', 'web', '-n', ns, '--retention', '--owner-references']);
    run(['resize', 'web', '-n', ns, '--to', '2Gi']);
    // The rest of the repairs, each refusing on this healthy set: their refusals are read too.
    run(['generate-template', 'web', '-n', ns]);
    run(['fix-mounts', 'web', '-n', ns, '--rename', 'a-mount-that-does-not-exist=data']);
    run(['recover-expansion', 'data-web-0', '-n', ns, '--to', '1Gi']);
    run(['recover-node', `node-${ns}-that-does-not-exist`, `--confirm-powered-off=node-${ns}-that-does-not-exist`]);

    // The identifiers checked are there to be split: each PV's uid and name appear in what was shown.
    for (const id of [...names, ...volumes.map((v) => v.metadata!.uid!)])
      expect(
        outputs.some(([, t]) => t.includes(id)),
        id,
      ).toBe(true);
    for (const [label, text] of outputs) {
      expect(text.trim().length, `${label} printed nothing`).toBeGreaterThan(0);
      expectFits(label, text, ids);
    }
    // Nothing was written by a declined prompt: the PVs are as the one --yes left them.
    const after = await Promise.all(names.map(async (n) => (await cluster.get<Volume>('PersistentVolume', n))!.spec?.claimRef?.name));
    expect(after).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
  });
});
