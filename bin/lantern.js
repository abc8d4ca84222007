#!/usr/bin/env node
// Entry point of the `lantern` command; the compiled CLI lives in dist/ (built by `npm run build`).
import module from 'node:module';

// Node 22.1+ keeps compiled module code on disk between runs, which shortens every start; Node 20 has no cache.
module.enableCompileCache?.();
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.url ?? err.message).includes('dist/cli/main.js')) {
    process.stderr.write('Lantern is not built yet: run `npm run build` (or `npm install`) first.\n');
    process.exit(1);
  }
  throw err;
});
