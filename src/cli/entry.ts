// Entry of the single-file bundle (npm run bundle), which the single
// executables run. No top-level await: the bundle is CommonJS.
import { main } from './main.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
