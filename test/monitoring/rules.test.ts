import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/monitoring/engine.js';
import { appRiskyOauthGrantGoogle, RISKY_GOOGLE_SCOPES } from '../../src/monitoring/rules/app-risky-oauth-grant-google.js';
import { dataMassDeleteMicrosoft } from '../../src/monitoring/rules/data-mass-delete-microsoft.js';
import { ALL_RULES } from '../../src/monitoring/rules/index.js';
import { at, makeAlert, makeDirectoryAudit, makeGoogleEvent, makeO365, makeSignIn, PUPIL, repeat, SAMPLE_TENANT } from '../../src/monitoring/rules/fixtures.js';
import { normaliseRecord } from '../../src/monitoring/records/normalise.js';
import { detectionJson } from '../../src/monitoring/scan/format.js';
import { createTenantContext } from '../../src/monitoring/tenant.js';
import { CATEGORIES, FAMILIES, SEVERITIES } from '../../src/monitoring/types.js';
import { runRecords } from './helpers.js';

/** Values a detection must never carry: file titles, file names and message subjects from the records. */
function privateValues(value: unknown, out: string[] = [], key = ''): string[] {
  if (Array.isArray(value)) value.forEach((v) => privateValues(v, out, key));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const name = typeof o.name === 'string' ? o.name : '';
    if (['doc_title', 'subject', 'file_name'].includes(name) && typeof o.value === 'string') out.push(o.value);
    for (const [k, v] of Object.entries(o)) privateValues(v, out, k);
  } else if (typeof value === 'string' && ['SourceFileName', 'Subject'].includes(key)) out.push(value);
  return out;
}

describe('every rule', () => {
  it('has a unique id', () => {
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
  });

  it('covers every family of B4', () => {
    expect(new Set(ALL_RULES.map((r) => r.family))).toEqual(new Set(FAMILIES));
  });
});

describe.each(ALL_RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
  it('has metadata: family, category, severity, runbook, triggers, threshold where it counts', () => {
    expect(rule.id.startsWith(`${rule.family}.`)).toBe(true);
    expect(CATEGORIES).toContain(rule.category);
    expect(SEVERITIES).toContain(rule.severity);
    expect(rule.title.length).toBeGreaterThan(5);
    expect(rule.runbook.length).toBeGreaterThan(20);
    expect(rule.severityLogic.length).toBeGreaterThan(5);
    expect(rule.categoryLogic.length).toBeGreaterThan(5);
    expect(rule.triggers.length).toBeGreaterThan(0);
    if (rule.threshold) expect(rule.threshold.count).toBeGreaterThan(1);
  });

  it('has positive and negative samples', () => {
    expect(rule.samples.positive.length, `${rule.id} needs at least one positive sample`).toBeGreaterThan(0);
    expect(rule.samples.negative.length, `${rule.id} needs at least one negative sample`).toBeGreaterThan(0);
  });

  it.each(rule.samples.positive.map((s) => [s.name, s] as const))('detects: %s', (_name, sample) => {
    const { detections, problems, stats } = runRecords(sample.records, { rules: [rule], ...(sample.tenant ? { tenant: sample.tenant } : {}) });
    expect(problems).toEqual([]);
    expect(stats.ruleErrors).toBe(0);
    const mine = detections.filter((d) => d.ruleId === rule.id);
    expect(mine.length, 'one folded detection').toBe(1);
    const d = mine[0]!;
    const e = sample.expect ?? {};
    if (e.severity) expect(d.severity).toBe(e.severity);
    if (e.category) expect(d.category).toBe(e.category);
    if (e.count !== undefined) expect(d.count).toBe(e.count);
    if (e.pupilInvolved !== undefined) expect(d.pupilInvolved).toBe(e.pupilInvolved);
    if (e.looksLikePupilData !== undefined) expect(d.looksLikePupilData).toBe(e.looksLikePupilData);
    expect(d.family).toBe(rule.family);
    expect(d.eventIds.length).toBeGreaterThan(0);
    expect(d.summary).not.toMatch(/undefined|\[object/);
    const json = detectionJson(d);
    for (const secret of privateValues(sample.records)) expect(json, 'detections never carry titles or subjects').not.toContain(secret);
  });

  it.each(rule.samples.negative.map((s) => [s.name, s] as const))('ignores: %s', (_name, sample) => {
    const { detections, problems, stats } = runRecords(sample.records, { rules: [rule], ...(sample.tenant ? { tenant: sample.tenant } : {}) });
    expect(problems).toEqual([]);
    expect(stats.ruleErrors).toBe(0);
    expect(detections.filter((d) => d.ruleId === rule.id)).toEqual([]);
  });
});

/** Every way of breaking one leaf of a record: removed, null, wrong scalar, array, object. */
function* mutations(value: unknown, path: (string | number)[] = []): Generator<(root: unknown) => unknown> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const key = Array.isArray(value) ? Number(k) : k;
      for (const replacement of [undefined, null, 42, true, 'x', [], {}]) {
        const p = [...path, key];
        yield (root) => {
          const copy = structuredClone(root) as Record<string | number, unknown>;
          let at: Record<string | number, unknown> = copy;
          for (const step of p.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
          const last = p[p.length - 1] as string | number;
          if (replacement === undefined) delete at[last];
          else at[last] = replacement;
          return copy;
        };
      }
      yield* mutations(v, [...path, key]);
    }
  }
}

describe('rules read defensively', () => {
  it('never throw, whatever field of a sample record is missing or of the wrong type', () => {
    const engine = createEngine({ tenant: createTenantContext(SAMPLE_TENANT), onDetection: () => undefined });
    let variants = 0;
    for (const rule of ALL_RULES) {
      for (const sample of [...rule.samples.positive, ...rule.samples.negative]) {
        const record = sample.records[0];
        for (const mutate of mutations(record)) {
          engine.process(mutate(record));
          variants++;
        }
      }
    }
    expect(variants).toBeGreaterThan(5000);
    expect(engine.stats.ruleErrors).toBe(0);
  });
});

describe('rules called directly', () => {
  it('never throw on inherited property names used as event, operation or severity words', () => {
    const ctx = createTenantContext(SAMPLE_TENANT);
    const hostile = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    for (const word of hostile) {
      const raws = [
        makeGoogleEvent('login', word, { [word]: word }),
        makeO365(word, { Parameters: [{ Name: word, Value: word }], Verdict: word }),
        makeSignIn({ riskState: word, riskLevelDuringSignIn: word }),
        makeDirectoryAudit(word, { result: word }),
        makeAlert({ severity: word, status: word, serviceSource: word }),
      ];
      for (const raw of raws) {
        const n = normaliseRecord(raw);
        if (!n.ok) throw new Error(n.problem.message);
        for (const rule of ALL_RULES) {
          const hit = rule.evaluate(n.record, ctx);
          if (hit?.severity !== undefined) expect(SEVERITIES).toContain(hit.severity);
        }
      }
    }
  });
});

describe('rules on the hot path', () => {
  it('app.risky_oauth_grant.google flags a scope exactly when one of its listed patterns matches it', () => {
    const scopes = [
      'https://www.googleapis.com/auth/admin.directory.user',
      'https://www.googleapis.com/auth/ediscovery.readonly',
      'https://www.googleapis.com/auth/cloud_search',
      'https://www.googleapis.com/auth/apps.groups.settings',
      'https://mail.google.com/',
      'https://mail.google.com',
      'https://mail.google.com/extra',
      'https://www.googleapis.com/auth/gmail.readonly',
      'https://www.googleapis.com/auth/gmail.modify',
      'https://www.googleapis.com/auth/gmail.modify.extra',
      'https://www.googleapis.com/auth/gmail.send',
      'https://www.googleapis.com/auth/gmail.settings.sharing',
      'https://www.googleapis.com/auth/drive',
      'https://www.googleapis.com/auth/drive.readonly',
      'https://www.googleapis.com/auth/drive.file',
      'https://www.googleapis.com/auth/chat.messages',
      'https://www.googleapis.com/auth/chat.messages.create',
      'https://www.googleapis.com/auth/calendar.readonly',
      'openid',
      '',
    ];
    const ctx = createTenantContext(SAMPLE_TENANT);
    for (const scope of scopes) {
      const n = normaliseRecord(makeGoogleEvent('token', 'authorize', { app_name: 'Some app', client_id: '1-x.apps.googleusercontent.com', scope: [scope] }, { type: 'auth' }));
      if (!n.ok) throw new Error(n.problem.message);
      const listed = RISKY_GOOGLE_SCOPES.some((p) => p.test(scope));
      expect(appRiskyOauthGrantGoogle.evaluate(n.record, ctx) !== undefined, scope).toBe(listed);
    }
  });

  it('a bulk-file burst is worded for its workload, and a pupil burst touching pupil data is conduct with pupil data', () => {
    const records = repeat(50, (i) => makeO365('FileDeleted', { UserId: PUPIL, Workload: 'SharePoint', CreationTime: at(i * 5).slice(0, 19), SourceFileName: i === 49 ? 'SEN register.xlsx' : `notes-${i}.docx` }));
    const { detections } = runRecords(records, { rules: [dataMassDeleteMicrosoft] });
    expect(detections).toHaveLength(1);
    expect(detections[0]).toMatchObject({ summary: `${PUPIL} deleted an unusual number of SharePoint items in a short time.`, category: 'conduct', looksLikePupilData: true, count: 50 });
  });
});
