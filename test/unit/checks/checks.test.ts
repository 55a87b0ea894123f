// One table-driven test over every check and its fixture file: fire-* cases
// must produce exactly the findings listed, ok-* cases none.
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../src/checks/index.js';
import { findingsOfCase, loadFixture } from './fixture-loader.js';

for (const check of ALL_CHECKS) {
  describe(`${check.code} ${check.id}`, () => {
    for (const c of loadFixture(check.id)) {
      it(c.name, () => {
        const findings = findingsOfCase(check, c);
        const got = findings.map((f) => `${f.code} ${f.object.kind}/${f.object.name} ${f.severity}`).sort();
        const want = c.expect.map((e) => (e.split(' ').length === 2 ? `${e} ${check.severity}` : e)).sort();
        expect(got).toEqual(want);
        // In the order of expect, as the fixture lists them.
        const unmatched = [...findings];
        const ordered = c.expect.map(
          (e) =>
            unmatched.splice(
              unmatched.findIndex((f) => e.startsWith(`${f.code} ${f.object.kind}/${f.object.name}`)),
              1,
            )[0]!,
        );
        // Every fire- case states the exact message and repair command of each finding.
        if (c.name.startsWith('fire')) {
          expect(c.messages, 'a fire- case lists its messages').toBeDefined();
          expect(c.fixes, 'a fire- case lists its fix commands (null for none)').toBeDefined();
        }
        if (c.messages) expect(ordered.map((f) => f.message)).toEqual(c.messages);
        if (c.fixes) expect(ordered.map((f) => f.fix?.command ?? null)).toEqual(c.fixes);
        for (const line of c.evidence ?? []) expect(findings.flatMap((f) => f.evidence)).toContain(line);
        for (const f of findings) {
          expect(f.message.length).toBeGreaterThan(10);
          expect(f.evidence.every((e) => typeof e === 'string' && e.length > 0)).toBe(true);
        }
      });
    }
  });
}
