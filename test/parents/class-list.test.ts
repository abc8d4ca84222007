import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type School } from '../../src/config/load.js';
import { ParentsSchema } from '../../src/config/schema.js';
import type { Person } from '../../src/directory/person.js';
import { ErrorCode, isLanternError } from '../../src/errors.js';
import { classesFor, whoMayNotAppear } from '../../src/parents/class-list.js';
import { appendConsent } from '../../src/parents/consents.js';
import { runCli } from '../../src/cli/main.js';
import { launchBrowser } from '../support/browser.js';
import { testMongoUri } from '../support/db.js';
import { screenshot, seriousA11yViolations } from '../sign/page-helpers.js';
import { makeActivity, makeMessage, postActivity, repliedCards } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';

// The demo seeds Robins' answers: 014 said no to photos, 015 withdrew photos, 019 said no to the internet;
// 011, 012 and 020 never answered. Alex Wilber (the Playground user) teaches Robins.
const SCHOOL = 'northgate';
const RUTH_DSL = '00000000-0000-0000-0000-0000000000002';
const LUCY_TA = '00000000-0000-0000-0000-0000000000012';
const JO_OFFICE = '00000000-0000-0000-0000-0000000000014';
let lantern: TestLantern;
let school: School;
let names: Map<string, string>;

function as(aad: string, text: string) {
  return makeMessage(text, { from: { id: `29:${aad}`, name: 'Staff', aadObjectId: aad } });
}

beforeAll(async () => {
  lantern = await startTestLantern();
  school = loadConfig({ env: { LOG_LEVEL: 'silent' }, cwd: os.tmpdir() }).schools.find((s) => s.id === SCHOOL) as School;
  names = new Map((await lantern.models.people.find({ schoolId: SCHOOL, role: 'pupil' }).lean<Person[]>()).map((p) => [p.personId, p.displayName]));
  for (const [personId, aad] of [['staff-002', RUTH_DSL], ['staff-012', LUCY_TA], ['staff-014', JO_OFFICE]] as const) {
    await lantern.models.people.updateOne({ schoolId: SCHOOL, personId }, { $set: { aadObjectId: aad } });
  }
}, 120_000);

afterAll(async () => {
  await lantern?.close();
});

describe('who may not appear: the class list', () => {
  it('lists each pupil without a yes, A–Z by name, with each use not allowed and why; a missing answer counts as no', async () => {
    const list = await whoMayNotAppear(lantern.models, school, 'Robins', new Date());
    expect(list.pupils).toBe(10);
    const expected = [
      { id: 'pupil-011', notAllowed: [{ label: 'Using the internet at school', reason: 'no answer' }, { label: 'Photos on the school website', reason: 'no answer' }] },
      { id: 'pupil-012', notAllowed: [{ label: 'Using the internet at school', reason: 'no answer' }, { label: 'Photos on the school website', reason: 'no answer' }] },
      { id: 'pupil-014', notAllowed: [{ label: 'Photos on the school website', reason: 'refused' }] },
      { id: 'pupil-015', notAllowed: [{ label: 'Photos on the school website', reason: 'withdrawn' }] },
      { id: 'pupil-019', notAllowed: [{ label: 'Using the internet at school', reason: 'refused' }] },
      { id: 'pupil-020', notAllowed: [{ label: 'Using the internet at school', reason: 'no answer' }, { label: 'Photos on the school website', reason: 'no answer' }] },
    ]
      .map((e) => ({ name: names.get(e.id) as string, notAllowed: e.notAllowed }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    expect(list.rows).toEqual(expected);
    // Only the name and the uses: nothing else about the child.
    expect(Object.keys(list.rows[0] ?? {}).sort()).toEqual(['name', 'notAllowed']);
  });

  it('a later yes takes a pupil off; --type narrows the list to one use', async () => {
    await appendConsent(lantern.models, { schoolId: SCHOOL, pupilId: 'pupil-019', kind: 'internet', decision: 'given', parentId: 'parent-019', typedName: 'P', tokenHash: 't' }, new Date());
    const photos = await whoMayNotAppear(lantern.models, school, 'Robins', new Date(), { typeId: 'photos' });
    expect(photos.rows.map((r) => r.name).sort()).toEqual(['pupil-011', 'pupil-012', 'pupil-014', 'pupil-015', 'pupil-020'].map((id) => names.get(id)).sort());
    const all = await whoMayNotAppear(lantern.models, school, 'Robins', new Date());
    expect(all.rows.map((r) => r.name)).not.toContain(names.get('pupil-019'));
  });

  it('lists only the types that apply to the class, and refuses an unknown type or class by name', async () => {
    const custom: School = { ...school, parents: ParentsSchema.parse({ consentTypes: [{ id: 'video', label: 'Video of school events', description: 'We may film performances for families.', appliesTo: { keyStages: ['KS2'] } }] }) };
    expect((await whoMayNotAppear(lantern.models, custom, 'Robins', new Date())).rows).toEqual([]);
    expect((await whoMayNotAppear(lantern.models, custom, 'Kestrels', new Date())).rows).toHaveLength(10);
    const failure = async (p: Promise<unknown>) => p.then(() => null, (err: unknown) => err);
    const type = await failure(whoMayNotAppear(lantern.models, school, 'Robins', new Date(), { typeId: 'video' }));
    expect(isLanternError(type, ErrorCode.ConsentTypeUnknown) && type.message).toBe('Northgate Primary does not ask parents about "video". Use one of: internet, photos.');
    const form = await failure(whoMayNotAppear(lantern.models, school, 'Robbins', new Date()));
    expect(isLanternError(form, ErrorCode.ConsentClassUnknown) && form.message).toMatch(/^Northgate Primary has no class called "Robbins" with pupils in it\. Classes: Badgers, Falcons, Hedgehogs, Kestrels, Otters, Robins, Wrens\.$/);
  });
});

describe('"who may not appear" in Teams', () => {
  it('gives a class teacher the list of their own class only, every value escaped, and logs the read', async () => {
    const res = await postActivity(lantern.url, makeMessage('who may not appear'));
    const [card] = repliedCards(res.body);
    const json = JSON.stringify(card);
    expect(json).toContain('Who may not appear — Northgate Primary');
    expect(json).toContain('Robins: 5 of 10 pupils');
    expect(json).toContain(`${names.get('pupil-015')} — not: Photos on the school website (withdrawn)`);
    expect(json).toContain(`${names.get('pupil-011')} — not: Using the internet at school (no answer); Photos on the school website (no answer)`);
    expect(json).not.toContain('Kestrels');
    expect(json).not.toContain(names.get('pupil-013'));
    expect(json).not.toContain('${');
    const log = await lantern.models.caseAccessLog.findOne({ schoolId: SCHOOL, who: 'a.wilber@northgate.example' }).sort({ at: -1 }).lean();
    expect(log).toMatchObject({ kind: 'view', what: 'consents: who may not appear (Robins)' });
  });

  it('refuses staff who neither teach a class nor are DSL or office, logging the attempt', async () => {
    const [card] = repliedCards((await postActivity(lantern.url, as(LUCY_TA, 'who may not appear'))).body);
    const json = JSON.stringify(card);
    expect(json).toContain('This list is for the class teacher, the DSL team and the school office.');
    for (const id of ['pupil-011', 'pupil-014', 'pupil-015']) expect(json).not.toContain(names.get(id));
    const log = await lantern.models.caseAccessLog.findOne({ schoolId: SCHOOL, who: 'l.marsh@northgate.example' }).lean();
    expect(log).toMatchObject({ kind: 'refused' });
  });

  it('gives the DSL team every class, from the card’s refresh button too', async () => {
    const res = await postActivity(
      lantern.url,
      makeActivity({ type: 'invoke', name: 'adaptiveCard/action', deliveryMode: undefined, from: { id: '29:ruth', name: 'Ruth Okafor', aadObjectId: RUTH_DSL }, value: { action: { type: 'Action.Execute', verb: 'consent.classList', data: {} }, trigger: 'manual' } }),
    );
    const json = JSON.stringify((res.body as { value: unknown }).value);
    for (const form of ['Badgers', 'Falcons', 'Hedgehogs', 'Kestrels', 'Otters', 'Robins', 'Wrens']) expect(json).toContain(`${form}: `);
  });
});

describe('lantern consents class', () => {
  function cli() {
    const io = { stdout: [] as string[], stderr: [] as string[], env: { MONGODB_URI: `${testMongoUri()}${lantern.connection.name}`, LOG_LEVEL: 'silent' }, cwd: mkdtempSync(path.join(os.tmpdir(), 'lantern-class-')) };
    return { ...io, out: (l: string) => io.stdout.push(l), err: (l: string) => io.stderr.push(l) };
  }

  it('prints the list, writes a printable page that passes axe at phone width, and logs the export', { timeout: 90_000 }, async () => {
    const io = cli();
    expect(await runCli(['consents', 'class', '--class', 'Robins', '--type', 'photos', '--out', 'robins.html', '--by', 'Jo Pearce'], io)).toBe(0);
    expect(io.stdout[0]).toBe('Who may not appear: Robins, Northgate Primary (5 of 10 pupils)');
    expect(io.stdout).toContain(`  ${names.get('pupil-014')} — not: Photos on the school website (refused)`);
    const html = readFileSync(path.join(io.cwd, 'robins.html'), 'utf8');
    expect(html).toContain('Keep this private');
    expect(html).toContain('Destroy old copies');
    expect(html).toMatch(/Printed \d{1,2} [A-Z][a-z]+ \d{4}\./);
    expect(html).toContain('@media print');
    expect(await lantern.models.caseAccessLog.findOne({ who: 'Jo Pearce' }).lean()).toMatchObject({ kind: 'export', what: 'consents: who may not appear (Robins), printable page' });

    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      await page.goto(pathToFileURL(path.join(io.cwd, 'robins.html')).href);
      expect(await page.locator('h1').innerText()).toBe('Who may not appear: Robins');
      expect(await page.locator('tbody tr').count()).toBe(5);
      expect((await page.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(390);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'consents-class-list-phone');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('footer').isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('names a class or type that does not exist, and how to fix it', async () => {
    const io = cli();
    expect(await runCli(['consents', 'class', '--class', 'Robbins'], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/consent_class_unknown.*no class called "Robbins".*Classes: Badgers, Falcons/);
    const noClass = cli();
    expect(await runCli(['consents', 'class'], noClass)).not.toBe(0);
    expect(noClass.stderr.join('\n')).toContain('--class NAME is required');
  });
});

describe('who may get a class list', () => {
  const FORMS = ['Kestrels', 'Robins'];
  const withOffice = { parents: ParentsSchema.parse({ officeEmail: 'office@northgate.example', officeStaff: ['j.pearce@northgate.example'] }) };
  const staff = (email: string, formsTaught?: string[]) => ({ role: 'staff' as const, email, formsTaught, active: true });

  it('a class teacher their own classes; the DSL team and the office every class; anyone else none', () => {
    expect(classesFor(withOffice, { person: staff('a.wilber@northgate.example', ['Robins']), isDsl: false }, FORMS)).toEqual(['Robins']);
    expect(classesFor(withOffice, { person: staff('r.okafor@northgate.example'), isDsl: true }, FORMS)).toEqual(FORMS);
    expect(classesFor(withOffice, { person: staff('J.Pearce@northgate.example'), isDsl: false }, FORMS)).toEqual(FORMS);
    expect(classesFor(withOffice, { person: staff('office@northgate.example'), isDsl: false }, FORMS)).toEqual(FORMS);
    expect(classesFor(withOffice, { person: staff('l.marsh@northgate.example'), isDsl: false }, FORMS)).toEqual([]);
    expect(classesFor({ parents: undefined }, { person: staff('j.pearce@northgate.example'), isDsl: false }, FORMS)).toEqual([]);
    // A parent or a pupil never gets one, whatever the directory says they teach.
    expect(classesFor(withOffice, { person: { role: 'parent' as const, email: 'j.pearce@northgate.example', formsTaught: ['Robins'], active: true }, isDsl: false }, FORMS)).toEqual([]);
    expect(classesFor(withOffice, { person: { ...staff('a.wilber@northgate.example', ['Robins']), active: false }, isDsl: false }, FORMS)).toEqual([]);
  });
});
