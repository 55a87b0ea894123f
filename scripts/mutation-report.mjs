// The score per folder and file from Stryker's JSON report, and the list of
// mutants no test noticed (reports/mutation/survivors.txt), for
// scripts/mutation.mjs; `npm run mutation -- --report-only` prints them again
// without running Stryker.
//
// One kind of mutant is not judged: a static one (Stryker saw it run while a
// module loaded) outside every function, such as a check's code, title or
// `needs` list. Stryker switches a mutant on per test, after the modules are
// loaded, so such a mutant is never seen by the test that "covers" it (one
// that happened to load the module lazily), and it survives whatever the
// tests assert. Stryker's `ignoreStatic` leaves these out when no test covers
// them; this does the same when one does. They are counted and listed apart.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const NOT_VALID = new Set(['CompileError', 'RuntimeError', 'Ignored']);

/** [start, end) offsets of every function body in a source text. */
function functionRanges(fileName, source) {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const ranges = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) ranges.push([node.getStart(sf), node.end]);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { sf, ranges };
}

function isModuleLevel({ sf, ranges }, location) {
  const offset = ts.getPositionOfLineAndCharacter(sf, location.start.line - 1, location.start.column - 1);
  return !ranges.some(([start, end]) => start <= offset && offset < end);
}

/** Scores by folder and by file, and every mutant no test noticed, from report.files. */
export function scoreReport(report) {
  const byFolder = new Map();
  const byFile = new Map();
  const survivors = [];
  const notJudged = [];
  /** folder -> mutator -> surviving or uncovered mutants */
  const kinds = new Map();
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const functions = functionRanges(file, source);
    const lines = source.split('\n');
    const folder = path.dirname(file);
    const tally = (map, key) => map.get(key) ?? map.set(key, { detected: 0, total: 0, survived: 0, noCoverage: 0, notJudged: 0 }).get(key);
    const f = tally(byFolder, folder);
    const g = tally(byFile, file);
    for (const m of mutants) {
      if (NOT_VALID.has(m.status)) continue;
      const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
      const line = lines[m.location.start.line - 1]?.trim().slice(0, 100) ?? '';
      const entry = `${where}  ${m.status === 'NoCoverage' ? 'not covered' : m.status.toLowerCase()}  ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? '').slice(0, 60)}\n    ${line}`;
      if (m.static && isModuleLevel(functions, m.location)) {
        f.notJudged++;
        g.notJudged++;
        notJudged.push(entry);
        continue;
      }
      for (const s of [f, g]) {
        s.total++;
        if (m.status === 'Killed' || m.status === 'Timeout') s.detected++;
        if (m.status === 'Survived') s.survived++;
        if (m.status === 'NoCoverage') s.noCoverage++;
      }
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        survivors.push(entry);
        const k = kinds.get(folder) ?? kinds.set(folder, new Map()).get(folder);
        k.set(m.mutatorName, (k.get(m.mutatorName) ?? 0) + 1);
      }
    }
  }
  return { byFolder, byFile, survivors, notJudged, kinds };
}

const pct = (s) => `${((100 * s.detected) / Math.max(1, s.total)).toFixed(1).padStart(5)}%`;
const counts = (s) => `(${s.detected}/${s.total}; ${s.survived} survived, ${s.noCoverage} not covered, ${s.notJudged} module-level not judged)`;

/** Prints the scores per folder and writes the survivors' list beside the report. */
export function printReport(reportFile, out = process.stdout) {
  const { byFolder, byFile, survivors, notJudged, kinds } = scoreReport(JSON.parse(fs.readFileSync(reportFile, 'utf8')));
  const sorted = (map) => [...map].sort(([a], [b]) => a.localeCompare(b));
  out.write('\nmutation score per folder (killed + timed out / all judged):\n');
  for (const [folder, s] of sorted(byFolder)) out.write(`  ${folder.padEnd(16)} ${pct(s)}  ${counts(s)}\n`);
  const list = path.join(path.dirname(reportFile), 'survivors.txt');
  fs.writeFileSync(
    list,
    [
      '# surviving and uncovered mutants by kind, per folder',
      ...sorted(kinds).map(
        ([folder, k]) =>
          `${folder}: ${[...k]
            .sort(([, a], [, b]) => b - a)
            .map(([name, n]) => `${name} ${n}`)
            .join(', ')}`,
      ),
      '',
      '# score per file',
      ...sorted(byFile).map(([file, s]) => `${pct(s)}  ${file}  ${counts(s)}`),
      '',
      `# ${survivors.length} mutants no test noticed`,
      ...survivors,
      '',
      `# ${notJudged.length} module-level static mutants, not judged (see scripts/mutation-report.mjs)`,
      ...notJudged,
      '',
    ].join('\n'),
  );
  out.write(`per file, and every surviving mutant: ${path.relative(process.cwd(), list)}\n`);
}
