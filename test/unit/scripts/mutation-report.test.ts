// The mutation score's one rule of its own (scripts/mutation-report.mjs): a
// static mutant outside every function body is not judged, since Stryker
// switches mutants on after the modules are loaded; everything else counts.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { scoreReport } from '../../../scripts/mutation-report.mjs';

const source = [
  "export const CODE = 'STS-001';", // 1
  'export const commands = {', // 2
  '  fix: (name: string) => `fix ${name}`,', // 3
  '};', // 4
  'export function check(x: number) {', // 5
  "  return x > 1 ? 'big' : 'small';", // 6
  '}', // 7
].join('\n');

const at = (line: number, column: number) => ({ start: { line, column }, end: { line, column: column + 1 } });
const mutant = (id: string, line: number, column: number, status: string, isStatic: boolean, mutatorName = 'StringLiteral') => ({
  id,
  mutatorName,
  replacement: '""',
  location: at(line, column),
  status,
  static: isStatic,
});

describe('scoreReport', () => {
  it('judges mutants in function bodies, and leaves out static ones at module level: constants and whole functions built at load', () => {
    const report = {
      files: {
        'src/checks/x.ts': {
          source,
          mutants: [
            mutant('1', 1, 21, 'Survived', true), // the constant
            mutant('2', 3, 8, 'Survived', true, 'ArrowFunction'), // the arrow function as a whole, created at load
            mutant('3', 3, 27, 'Killed', true), // the template inside its body: runs per call
            mutant('4', 6, 10, 'Survived', false, 'EqualityOperator'),
            mutant('5', 6, 17, 'NoCoverage', false),
            mutant('6', 6, 25, 'Timeout', true),
            mutant('7', 6, 10, 'CompileError', false),
          ],
        },
      },
    };
    const { byFile, byFolder, notJudged, survivors } = scoreReport(report);
    expect(byFile.get('src/checks/x.ts')).toEqual({ detected: 2, total: 4, survived: 1, noCoverage: 1, notJudged: 2 });
    expect(byFolder.get('src/checks')).toEqual(byFile.get('src/checks/x.ts'));
    expect(notJudged.map((e: string) => e.split('  ')[0])).toEqual(['src/checks/x.ts:1:21', 'src/checks/x.ts:3:8']);
    expect(survivors.map((e: string) => e.split('  ').slice(0, 2).join(' '))).toEqual(['src/checks/x.ts:6:10 survived', 'src/checks/x.ts:6:17 not covered']);
  });
});
