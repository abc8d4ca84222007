import { z } from 'zod';
import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Person } from '../../directory/person.js';
import type { CardActionHandler } from '../card-actions.js';
import { staleCard } from '../stale-card.js';
import type { AdaptiveCardJson } from '../cards.js';
import { CARD_TEXT_MAX, userPlain, userText } from '../card-text.js';
import { cardMessage, renderCard } from '../cards.js';
import type { CommandContext } from '../commands.js';
import { academicYearIn, calendarOf } from '../../agreements/academic-year.js';
import { inAudience, type Audience } from '../../agreements/audience.js';
import { completes, latestBySubject, recordSignature } from '../../agreements/evidence.js';
import type { AgreementSignature } from '../../agreements/signature-model.js';
import type { AgreementVersion } from '../../agreements/version-model.js';
import { equivalentVersionIds } from '../../agreements/versions.js';
import { clientDetails, loadVersion, nowFor, resolveSender } from './context.js';
import { messageCard } from './render.js';

/** The pupil agreement a form's teacher signs for in class: the current version whose audience covers the form. */
export async function classVersionFor(models: Models, school: School, pupils: readonly Person[]): Promise<AgreementVersion | null> {
  const versions = await models.agreementVersions.find({ schoolId: school.id, kind: 'agreement' }).sort({ number: -1 }).lean<AgreementVersion[]>();
  const latest = new Map<string, AgreementVersion>();
  for (const v of versions) if (!latest.has(v.policyId)) latest.set(v.policyId, v);
  const first = pupils[0];
  if (!first) return null;
  return [...latest.values()].find((v) => inAudience(first, v.audience as Audience)) ?? null;
}

/** The active pupils of a form, by name. */
export async function pupilsOf(models: Pick<Models, 'people'>, schoolId: string, form: string): Promise<Person[]> {
  return models.people.find({ schoolId, role: 'pupil', form, active: true }).sort({ displayName: 1 }).lean<Person[]>();
}

/** What stands for each pupil of a class on a version: agreed, absent, or nothing yet (an untick reads as nothing). */
export interface ClassStanding {
  latest: Map<string, AgreementSignature>;
  agreed: Set<string>;
  absent: Set<string>;
}

/** Each pupil's latest record on the version (its sign group, the school's academic year of `now` for a yearly one). */
export async function classStanding(models: Models, school: School, version: AgreementVersion, pupils: readonly Person[], now: Date): Promise<ClassStanding> {
  const ids = await equivalentVersionIds(models, version);
  const records = await models.agreementSignatures
    .find({
      schoolId: version.schoolId,
      versionId: { $in: ids },
      onBehalfOfId: { $in: pupils.map((p) => p.personId) },
      ...(version.yearly ? { period: academicYearIn(now, calendarOf(school)) } : {}),
    })
    .lean<AgreementSignature[]>();
  // A pupil's own record (a Classroom or web page signature) counts too; records by anyone else on their behalf are all here.
  const latest = latestBySubject(records);
  const agreed = new Set([...latest].filter(([, r]) => completes(version, r)).map(([id]) => id));
  const absent = new Set([...latest].filter(([, r]) => r.outcome === 'absent').map(([id]) => id));
  return { latest, agreed, absent };
}

/** The class list card: one row per pupil (agreed, absent), ticked as recorded; `tickAll` ticks everyone not marked absent. */
export async function classCard(
  models: Models,
  school: School,
  form: string,
  now: Date,
  options: { tickAll?: boolean; promptLine?: string; reminder?: boolean } = {},
): Promise<AdaptiveCardJson> {
  const pupils = await pupilsOf(models, school.id, form);
  const version = await classVersionFor(models, school, pupils);
  if (!version) return messageCard('Class agreement', `There is no class agreement for ${form} yet.`, 'Ask the DSL to publish the class rules in Lantern.');
  const { agreed, absent } = await classStanding(models, school, version, pupils, now);
  return renderCard('agreement-class', {
    title: version.title,
    form,
    hasPrompt: Boolean(options.promptLine),
    promptLine: options.promptLine ?? '',
    promptColour: options.reminder ? 'Attention' : 'Default',
    versionNumber: version.number,
    versionId: version._id,
    body: version.body,
    signedCount: pupils.filter((p) => agreed.has(p.personId)).length,
    pupilCount: pupils.length,
    absentText: absent.size > 0 ? ` · ${pupils.filter((p) => absent.has(p.personId)).length} absent` : '',
    pupils: pupils.map((p) => ({
      inputId: `pupil_${p.personId}`,
      absentId: `absent_${p.personId}`,
      name: userPlain(p.displayName),
      value: agreed.has(p.personId) || (options.tickAll && !absent.has(p.personId)) ? 'true' : 'false',
      absent: absent.has(p.personId) ? 'true' : 'false',
    })),
  });
}

/** Chat command "class agreement": a class list card for each form the teacher teaches. */
export async function sendClassAgreement(ctx: CommandContext): Promise<void> {
  const { person, school } = ctx.sender;
  if (!person || !school) {
    await ctx.turn.sendActivity(cardMessage(renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' })));
    return;
  }
  const forms = person.formsTaught ?? [];
  if (forms.length === 0) {
    await ctx.turn.sendActivity(cardMessage(messageCard('Class agreement', 'The school directory does not list you as the teacher of a form.', 'If you teach a class, ask your IT manager to add it to the directory.')));
    return;
  }
  for (const form of forms) await ctx.turn.sendActivity(cardMessage(await classCard(ctx.models, school, form, nowFor(ctx))));
}

const ClassData = z.object({ form: z.string().min(1).max(80), tickAll: z.boolean().optional() });
const ClassSignData = ClassData.extend({ versionId: z.string().min(3).max(200) });

const isOn = (v: unknown) => v === 'true' || v === true;

/**
 * Records what the teacher ticked, against the class version, as new evidence records on each pupil's behalf:
 * a tick is an agreement, "absent" says they were away (so they are still to agree), and unticking a pupil
 * recorded earlier is a withdrawal that follows (never edits) the earlier record.
 */
const classSign: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, ClassSignData);
  if (!r.ok) return r.card;
  if (!(r.person.formsTaught ?? []).includes(r.data.form)) {
    return messageCard('Class agreement', `The directory does not list you as the teacher of ${r.data.form}, so nothing was recorded.`, 'Ask your IT manager if this is wrong.');
  }
  const version = await loadVersion(ctx, r.school, r.data.versionId);
  if (!version) return staleCard('bad-data');
  const now = nowFor(ctx);
  const pupils = (await pupilsOf(ctx.models, r.school.id, r.data.form)).filter((p) => inAudience(p, version.audience as Audience));
  const before = await classStanding(ctx.models, r.school, version, pupils, now);
  let newCount = 0;
  let undone = 0;
  let absentCount = 0;
  for (const pupil of pupils) {
    const ticked = isOn(ctx.data[`pupil_${pupil.personId}`]);
    const away = isOn(ctx.data[`absent_${pupil.personId}`]);
    // A pupil whose toggle the card did not carry (a card from before they joined the form) is left as they are.
    if (!(`pupil_${pupil.personId}` in ctx.data)) continue;
    const latest = before.latest.get(pupil.personId) ?? null;
    const wasAgreed = before.agreed.has(pupil.personId);
    const outcome = ticked ? 'agreed' : away ? 'absent' : wasAgreed ? 'withdrawn' : null;
    if (!outcome || (outcome === 'agreed' && wasAgreed) || (outcome === 'absent' && before.absent.has(pupil.personId))) continue;
    const { created } = await recordSignature(
      ctx.models,
      {
        schoolId: r.school.id,
        versionId: version._id,
        signerId: r.person.personId,
        onBehalfOfId: pupil.personId,
        channel: 'teams-proxy',
        outcome,
        client: { ...clientDetails(ctx), form: r.data.form },
        ...(latest ? { after: latest } : {}),
      },
      calendarOf(r.school),
      () => now,
    );
    if (!created) continue;
    if (outcome === 'agreed') newCount += 1;
    else if (outcome === 'withdrawn') undone += 1;
    else absentCount += 1;
  }
  ctx.log.info({ form: r.data.form, newCount, undone, absent: absentCount }, 'class agreement recorded');
  const after = await classStanding(ctx.models, r.school, version, pupils, now);
  const missing = pupils.filter((p) => !after.agreed.has(p.personId)).map((p) => `${p.displayName}${after.absent.has(p.personId) ? ' (absent)' : ''}`);
  return renderCard('agreement-class-done', {
    title: version.title,
    form: r.data.form,
    newCount,
    signedCount: pupils.length - missing.length,
    pupilCount: pupils.length,
    versionNumber: version.number,
    missingLine: userText(
      (undone > 0 ? `${undone} tick(s) undone: the earlier records are kept, followed by a record that they were a mistake. ` : '') +
        (missing.length > 0 ? `Still to agree: ${missing.join(', ')}.` : 'Everyone in the class has agreed.'),
      CARD_TEXT_MAX.long,
    ),
  });
};

/** Shows the class list again (with "Tick all": everyone not marked absent ticked, for the teacher to check and record). */
const classView: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, ClassData);
  if (!r.ok) return r.card;
  if (!(r.person.formsTaught ?? []).includes(r.data.form)) return staleCard('bad-data');
  return classCard(ctx.models, r.school, r.data.form, nowFor(ctx), { tickAll: r.data.tickAll === true });
};

/** The class agreement card's verbs. */
export const CLASS_ACTIONS = {
  'agreement.class-sign': classSign,
  'agreement.class-view': classView,
} as const satisfies Record<string, CardActionHandler>;
