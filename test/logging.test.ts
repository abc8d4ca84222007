import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskEmail } from '../src/log/logger.js';
import { makeMessage, postActivity } from './support/activities.js';
import { spawnLantern } from './support/spawn-lantern.js';
import { testMongoUri } from './support/db.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logging', () => {
  it('redacts names, email addresses and titles wherever they appear', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    log.child({ schoolId: 'northgate' }).info({ person: { name: 'Ava Adebayo', email: 'ava@pupils.northgate.example' }, file: { title: 'Year 3 SEN register' }, email: 'x@y.example' }, 'event');
    const [line] = out.lines();
    const text = JSON.stringify(line);
    expect(text).not.toContain('Ava');
    expect(text).not.toContain('northgate.example');
    expect(text).not.toContain('SEN register');
    expect(line).toMatchObject({ schoolId: 'northgate', email: '[redacted]' });
  });

  it('masks addresses for the rare log line that needs a hint', () => {
    expect(maskEmail('j.smith@northgate.example')).toBe('j…@northgate.example');
    expect(maskEmail('nonsense')).toBe('…');
  });
});

describe('the Agents SDK and stray environment variables', () => {
  it('stays in demo mode when CLIENTID or Connections__* are set in the environment', { timeout: 120_000 }, async () => {
    const server = await spawnLantern({
      MONGODB_URI: `${testMongoUri()}sdkenv_${Date.now()}`,
      CLIENTID: '99999999-9999-4999-8999-999999999999',
      clientId: '99999999-9999-4999-8999-999999999999',
      Connections__serviceConnection__Settings__ClientId: '99999999-9999-4999-8999-999999999999',
      CloudAdapterOptions__validateServiceUrl: 'false',
    });
    try {
      const { status } = await postActivity(server.url, makeMessage('help'));
      expect(status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
