import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('../package.json') as { version: string; gitCommit?: string };

export const VERSION_INFO = {
  version: pkg.version,
  // Release builds stamp the commit into package.json; a checkout reports "dev".
  commit: pkg.gitCommit ?? 'dev',
};
