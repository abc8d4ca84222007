import fc from 'fast-check';
import type { School } from '../../src/config/load.js';
import { caseView } from '../../src/cases/case-view.js';
import { printCaseChronology } from '../../src/cases/chronology-export.js';
import { exportChronology, exportIncidentLog } from '../../src/cases/export.js';
import { loadCase } from '../../src/cases/store.js';
import { casePage } from '../../src/dashboard/case-page.js';
import type { Person } from '../../src/directory/person.js';
import type { Models } from '../../src/stores.js';
import { renderCard } from '../../src/teams/cards.js';
import { channelCardData } from '../../src/teams/cases/card-data.js';
import { RUTH } from './fixtures.js';

/** A distinctive run of letters and digits inside each sensitive token: if it shows anywhere, the token leaked. */
const core = fc.stringMatching(/^[a-z]{3}[0-9]{3}[a-z]{3}$/);
const host = fc.constantFrom('snapchat.com', 'bit.ly', 'tiktok.com', 'instagram.com', 'wa.me', 'discord.gg', 'drive.google.com', 'northgate-my.sharepoint.com', 'onedrive.live.com', '例え.jp', 'xn--bcher-kva.example');
const ext = fc.constantFrom('.jpg', '.JPG', '.jpeg', '.png', '.heic', '.webp', '.mp4', '.mov', '.tar', '.gz', '.zip', '.7z', '.exe', '.pdf');
const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));

/** A sensitive token and the part of it that must never appear in any output. */
export type Token = { text: string; core: string };

/** Links with and without a scheme, file names, Drive / Graph / OneDrive / message ids and GUIDs. */
export const token: fc.Arbitrary<Token> = fc.oneof(
  fc.tuple(fc.constantFrom('http', 'https', 'HTTPS', 'ftp'), host, core).map(([s, h, c]) => ({ text: `${s}://${h}/p/${c}?x=1`, core: c })),
  fc.tuple(host, core).map(([h, c]) => ({ text: `${h}/${c}`, core: c })),
  core.map((c) => ({ text: `www.${c}.com`, core: c })),
  fc.tuple(fc.constantFrom('IMG_', 'photo-', 'Screenshot_', 'フォト', ''), core, fc.array(ext, { minLength: 1, maxLength: 4 })).map(([p, c, e]) => ({ text: `${p}${c}${e.join('')}`, core: c })),
  fc.tuple(core, alnum(20, 34)).map(([c, rest]) => ({ text: `1${c}${rest}`, core: c })),
  fc.stringMatching(/^[0-9a-f]{16}$/).filter((h) => /[a-f]/.test(h) && /[0-9]/.test(h)).map((h) => ({ text: h, core: h })),
  core.map((c) => ({ text: `AAMkAG${c}Zjc0LTQ+/1AAA=`, core: c })),
  core.map((c) => ({ text: `01BYE5${c.toUpperCase()}ZWBTUFOFD3GS`, core: c.toUpperCase() })),
  core.map((c) => ({ text: `<${c}@mail.gmail.com>`, core: c })),
  fc.uuid().map((u) => ({ text: u, core: u })),
);

/** Arbitrary text (any Unicode) with sensitive tokens between its words, and the cores of those that survived the cut. */
export const textWith = (maxLength: number) =>
  fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }).map((text) => ({ text, core: '' })), token), { maxLength: 8 })
    .map((parts) => ({ text: parts.map((p) => p.text).join(' ').slice(0, maxLength), cores: parts.filter((p) => p.core && parts.map((q) => q.text).join(' ').slice(0, maxLength).includes(p.text)).map((p) => p.core) }));

/** Output as a reader sees it: escapes (Markdown backslashes, HTML entities, CSV quotes) undone. */
export function plain(output: string): string {
  return output.replace(/\\/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, '&').replace(/""/g, '"');
}

/** Every output of one case the DSL team can read (card, dashboard, incident log, a pupil's chronology, the printable chronology) and what is stored of it. */
export async function caseOutputs(models: Models, school: School, caseId: string, pupilId: string, people: Person[]): Promise<Record<string, string>> {
  const loaded = await loadCase(models, school.id, caseId);
  if (!loaded) throw new Error('case not found');
  const now = new Date();
  return {
    card: JSON.stringify(renderCard('case-channel', channelCardData({ loaded, school, now, people }))),
    dashboard: casePage({ schoolId: school.id, schoolName: school.name, view: caseView(loaded, school, people, now), signedIn: { schoolId: school.id, name: 'Ruth Okafor', csrf: 'x' } }),
    log: (await exportIncidentLog(models, school, RUTH, {}, now)).csv,
    chronology: (await exportChronology(models, school, pupilId, RUTH, now)).csv,
    chronologyHtml: (await printCaseChronology(models, school, loaded.doc.number, RUTH, { now, channel: 'cli' }))?.html ?? '',
    stored: JSON.stringify([await models.cases.findOne({ caseId }).lean(), await models.caseTimeline.find({ caseId }).lean(), await models.caseBoard.find({ caseId }).lean()]),
  };
}
