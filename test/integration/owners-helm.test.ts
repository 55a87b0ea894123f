// A set rendered by a Helm release, with the real helm 3 and helm 4 (built
// from the Go module proxy by scripts/go-tools.mjs): after `resize`, the
// release is reported out of step (STS-019) naming its values key; an upgrade
// with unchanged values is refused exactly as the finding said; the upgrade
// the tool printed succeeds (on Helm 4 without --force-conflicts: the
// re-create handed every field back to its manager) and the finding is gone.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, runCli, skipReason, useSandbox } from './helpers.js';
import { CHART, reservedVolumes, runTool, waitBound } from './owned-sets.js';
import { matchesRefusal } from '../../src/kube/server-messages.js';
import type { Claim, StatefulSet } from '../../src/kube/types.js';
import type { ManagedFieldsEntry } from '../../src/kube/owner-marks.js';

const CLAIMS = ['data-db-0', 'data-db-1'];
// The chart's values hold this; no output, backup or report of the tool may.
const PASSWORD = 'not-a-real-secret';

const managers = (o: StatefulSet) =>
  ((o.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? []).filter((m) => !m.subresource).map((m) => `${m.manager} ${m.operation}`);

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe.skipIf(!!skipReason)('a StatefulSet owned by a Helm release (real helm 3 and 4)', () => {
  const sandbox = useSandbox();

  for (const major of ['helm3', 'helm4'] as const) {
    it(`${major}: resize keeps the release's marks and prints its next step; the plain upgrade is refused as STS-019 says; the printed one puts the release in step`, async () => {
      const { cluster } = sandbox;
      const ns = await cluster.namespace(`own-${major}`);
      const className = `own-${ns}`;
      await reservedVolumes(cluster, ns, className, CLAIMS);
      const install = await runTool(major, ['install', 'r', CHART, '-n', ns, '--set', `persistence.storageClass=${className}`]);
      expect(install.code, install.stderr).toBe(0);
      await waitBound(cluster, ns, CLAIMS);
      const before = (await cluster.get<StatefulSet>('StatefulSet', 'db', ns))!;
      expect(managers(before)).toContain(major === 'helm4' ? 'helm Apply' : 'helm Update');

      const resize = await runCli(['resize', 'db', '-n', ns, '--to', '2Gi', '--yes'], { env: sandbox.env() });
      expect(resize.code, resize.stdout + resize.stderr).toBe(0);
      expect(resize.stdout).toContain(`Owner: Helm release r in ${ns} (chart db 0.1.0, revision 1)`);
      const printed = /^ {2}(helm upgrade r <chart> .*)$/m.exec(resize.stdout)?.[1];
      expect(printed).toBe(`helm upgrade r <chart> -n ${ns} --reuse-values --set persistence.size=2Gi`);

      // The re-created set: every label, annotation and manager as before, the template grown.
      const after = (await cluster.get<StatefulSet>('StatefulSet', 'db', ns))!;
      expect(after.metadata!.uid).not.toBe(before.metadata!.uid);
      expect(after.metadata!.labels).toEqual(before.metadata!.labels);
      expect(after.metadata!.annotations).toEqual(before.metadata!.annotations);
      expect(managers(after)).toEqual(managers(before));
      expect(after.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!['storage']).toBe('2Gi');
      // Our own writes carry our field manager.
      const claim = (await cluster.get<Claim>('PersistentVolumeClaim', 'data-db-0', ns))!;
      expect(((claim.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? []).map((m) => m.manager)).toContain('kubectl-sts-storage');

      const show = await runCli(['show', 'db', '-n', ns]);
      expect(show.stdout).toContain(`owner: Helm release r in ${ns} (chart db 0.1.0, revision 1)`);
      const { report } = await audit(['-n', ns]);
      const finding = report.findings.find((f) => f.code === 'STS-019' && f.object.name === 'db');
      expect(finding?.message).toBe(
        'Helm release r (revision 1) renders template data storage 1Gi, but statefulset db has 2Gi: the next helm upgrade that renders it unchanged is refused',
      );
      expect(finding?.evidence).toContain('template data: values key persistence.size');
      expect(report.owners).toContainEqual(expect.objectContaining({ statefulSet: `${ns}/db`, type: 'helm' }));
      // The release Secret's values and rendered Secret stay where they are.
      for (const text of [resize.stdout, resize.stderr, JSON.stringify(report), ...filesUnder(sandbox.backupDir).map((f) => fs.readFileSync(f, 'utf8'))])
        expect(text).not.toContain(PASSWORD);

      const plain = await runTool(major, ['upgrade', 'r', CHART, '-n', ns, '--reuse-values']);
      expect(plain.code).not.toBe(0);
      const predicted = finding!.evidence.filter((e) => e.startsWith("the API server's answer")).map((e) => e.slice(e.indexOf('): ') + 3));
      expect(
        predicted.some((p) => matchesRefusal(p, plain.stderr)),
        `${plain.stderr}\ndoes not say any of\n${predicted.join('\n')}`,
      ).toBe(true);

      const followed = await runTool(major, printed!.replace('<chart>', CHART).split(' ').slice(1));
      expect(followed.code, followed.stderr).toBe(0);
      const { report: again } = await audit(['-n', ns]);
      expect(again.findings.filter((f) => f.code === 'STS-019')).toEqual([]);
      const upgraded = (await cluster.get<StatefulSet>('StatefulSet', 'db', ns))!;
      expect(upgraded.metadata!.uid).toBe(after.metadata!.uid);
      expect(upgraded.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!['storage']).toBe('2Gi');
    });
  }
});
