// A JSON import, so bundles and single executables carry the version in them.
import pkg from '../package.json' with { type: 'json' };

export const VERSION_INFO = {
  version: pkg.version,
  // Release builds stamp the commit into package.json; a checkout reports "dev".
  commit: (pkg as { gitCommit?: string }).gitCommit ?? 'dev',
};
