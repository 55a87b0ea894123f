// `npm run docs`: regenerates docs/checks.md and the README catalog from the
// checks' metadata. A unit test fails when either is stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ALL_CHECKS } from '../checks/index.js';
import { CATALOG_BEGIN, CATALOG_END, renderCatalogMarkdown, renderCatalogSummary } from '../output/catalog.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const VERSIONS_BEGIN = '<!-- versions:begin (generated from test/cluster/versions.json by `npm run docs`) -->';
const VERSIONS_END = '<!-- versions:end -->';

interface Release {
  minor: string;
  version: string;
  support: 'supported' | 'legacy';
  ci: boolean;
}

/** The README's "Supported Kubernetes versions" table, from the one list the harness and the tests read. */
export function renderVersionsTable(releases: Release[]): string {
  const home = releases.find((r) => r.support === 'supported')!;
  const rows = releases.map((r) => {
    const tested = [
      r === home ? 'the default control plane: unit and integration suites' : 'the integration suite',
      r.ci ? 'in CI' : 'by `npm run test:versions`',
      ...(r.support === 'legacy' ? ['objects made here are carried into the newer releases by the upgrade test'] : []),
    ];
    return `| ${r.minor} | ${r.version} | ${r.support === 'supported' ? 'supported' : 'out of support (legacy)'} | ${tested.join('; ')} |`;
  });
  return ['| Kubernetes | tested patch | status | tested here |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function replaceBetween(text: string, begin: string, end: string, body: string, what: string): string {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README.md lacks the ${what} markers`);
  return text.slice(0, start + begin.length) + '\n' + body + '\n' + text.slice(stop);
}

export function expectedReadme(readme: string): string {
  const releases = (JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'cluster', 'versions.json'), 'utf8')) as { releases: Release[] }).releases;
  const withCatalog = replaceBetween(readme, CATALOG_BEGIN, CATALOG_END, renderCatalogSummary(ALL_CHECKS), 'catalog');
  return replaceBetween(withCatalog, VERSIONS_BEGIN, VERSIONS_END, renderVersionsTable(releases), 'versions');
}

/** Each check's example: the first message its first fire- fixture asserts (the fixture test proves the check prints it). */
export function expectedExamples(): string {
  const examples: Record<string, string> = {};
  for (const check of ALL_CHECKS) {
    const file = path.join(ROOT, 'test', 'unit', 'checks', 'fixtures', `${check.id}.yaml`);
    const cases = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as { name: string; messages?: string[] });
    const fire = cases.find((c) => c.name.startsWith('fire') && c.messages?.length);
    if (!fire) throw new Error(`${file}: no fire- case states its messages`);
    examples[check.code] = fire.messages![0]!;
  }
  return JSON.stringify(examples, null, 2) + '\n';
}

export const EXAMPLES_FILE = path.join(ROOT, 'src', 'checks', 'examples.json');

export function expectedCatalog(): string {
  // From the fixtures, not from the examples.json this process loaded: one run of `npm run docs` writes both.
  const examples = JSON.parse(expectedExamples()) as Record<string, string>;
  return renderCatalogMarkdown(ALL_CHECKS, (c) => examples[c.code] ?? '');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  fs.writeFileSync(EXAMPLES_FILE, expectedExamples());
  fs.writeFileSync(path.join(ROOT, 'docs', 'checks.md'), expectedCatalog());
  const readmePath = path.join(ROOT, 'README.md');
  fs.writeFileSync(readmePath, expectedReadme(fs.readFileSync(readmePath, 'utf8')));
  process.stdout.write('wrote src/checks/examples.json, docs/checks.md, the README catalog and the versions table\n');
}
