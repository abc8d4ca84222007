import { configDefaults, defineConfig } from 'vitest/config';

// The simulated school year (about 9 minutes on a quiet 2-core machine) runs on its own: `npm run test:year`.
const SCHOOL_YEAR = 'test/agreements/school-year.test.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: process.env.LANTERN_TEST_YEAR ? configDefaults.exclude : [...configDefaults.exclude, SCHOOL_YEAR],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest-results.json' },
  },
});
