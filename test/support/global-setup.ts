import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureFerretDbBinary, startFerretDb, type RunningFerretDb } from '../../src/db/embedded/ferretdb.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

let ferret: RunningFerretDb | undefined;
let dataDir: string | undefined;

/**
 * Tests run against a real MongoDB-compatible server: MONGODB_URI when set (e.g. by .ci/run), otherwise a
 * FerretDB started here for the run, with its data in a temporary directory.
 */
export async function setup(project: TestProject): Promise<void> {
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    const binary = await ensureFerretDbBinary();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-test-db-'));
    ferret = await startFerretDb({ binary, dataDir });
    uri = ferret.uri;
  }
  project.provide('mongoUri', uri);
}

export async function teardown(): Promise<void> {
  await ferret?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
