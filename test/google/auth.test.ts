import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isLanternError } from '../../src/errors.js';
import { googleAuthFactory, readServiceAccountKey } from '../../src/google/auth.js';
import { writeServiceAccountKey } from '../monitoring/connectors/support/fake-google.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('the service account key reader', () => {
  it('reports each problem with the caller’s code and the variable to set', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sa-'));
    const notKey = path.join(dir, 'not-key.json');
    writeFileSync(notKey, JSON.stringify({ client_email: 'x@y' }));
    const unset = thrown(() => readServiceAccountKey(null, { code: ErrorCode.ClassroomFailed, purpose: 'the Classroom scopes' }));
    expect(isLanternError(unset, ErrorCode.ClassroomFailed)).toBe(true);
    expect((unset as Error).message).toMatch(/LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE is not set.*the Classroom scopes/);
    const missing = thrown(() => readServiceAccountKey(path.join(dir, 'none.json'), { code: ErrorCode.MailNotConfigured }));
    expect(isLanternError(missing, ErrorCode.MailNotConfigured)).toBe(true);
    expect(isLanternError(thrown(() => readServiceAccountKey(notKey)), ErrorCode.ConfigInvalid)).toBe(true);
  });

  it('reads a downloaded key, and the factory gives one client per subject and scopes', () => {
    const keyFile = writeServiceAccountKey();
    expect(readServiceAccountKey(keyFile).clientEmail).toMatch(/@/);
    const auth = googleAuthFactory({ keyFile });
    const a = auth('a@school.example', ['s1', 's2']);
    expect(auth('a@school.example', ['s2', 's1'])).toBe(a);
    expect(auth('b@school.example', ['s1', 's2'])).not.toBe(a);
  });
});
