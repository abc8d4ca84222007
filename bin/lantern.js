#!/usr/bin/env node
// Entry point of the `lantern` command; the compiled CLI lives in dist/ (built by `npm run build`).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.url ?? err.message).includes('dist/cli/main.js')) {
    process.stderr.write('Lantern is not built yet: run `npm run build` (or `npm install`) first.\n');
    process.exit(1);
  }
  throw err;
});
