// `npm run docs`: regenerates docs/checks.md and the README catalog from the
// checks' metadata. A unit test fails when either is stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_CHECKS } from '../checks/index.js';
import { CATALOG_BEGIN, CATALOG_END, renderCatalogMarkdown, renderCatalogSummary } from '../output/catalog.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function expectedReadme(readme: string): string {
  const start = readme.indexOf(CATALOG_BEGIN);
  const end = readme.indexOf(CATALOG_END);
  if (start < 0 || end < start) throw new Error('README.md lacks the catalog markers');
  return readme.slice(0, start + CATALOG_BEGIN.length) + '\n' + renderCatalogSummary(ALL_CHECKS) + '\n' + readme.slice(end);
}

export function expectedCatalog(): string {
  return renderCatalogMarkdown(ALL_CHECKS);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'docs', 'checks.md'), expectedCatalog());
  const readmePath = path.join(ROOT, 'README.md');
  fs.writeFileSync(readmePath, expectedReadme(fs.readFileSync(readmePath, 'utf8')));
  process.stdout.write('wrote docs/checks.md and the README catalog\n');
}
