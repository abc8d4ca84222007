import { z } from 'zod';
import type { School } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import type { Person } from '../../directory/person.js';
import type { CardActionHandler } from '../../teams/card-actions.js';
import { staleCard } from '../../teams/card-actions.js';
import type { AdaptiveCardJson } from '../../teams/cards.js';
import { CARD_TEXT_MAX, userPlain, userText } from '../../teams/card-text.js';
import { cardMessage, renderCard } from '../../teams/cards.js';
import type { CommandContext } from '../../teams/commands.js';
import { inAudience, type Audience } from '../audience.js';
import { signedPersonIds } from '../compliance.js';
import { recordSignature } from '../evidence.js';
import type { AgreementVersion } from '../version-model.js';
import { clientDetails, loadVersion, resolveSender } from './context.js';
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

async function pupilsOf(models: Models, schoolId: string, form: string): Promise<Person[]> {
  return models.people.find({ schoolId, role: 'pupil', form, active: true }).sort({ displayName: 1 }).lean<Person[]>();
}

/** The class list card: one checkbox per pupil, ticked when already recorded. */
async function classCard(models: Models, school: School, form: string): Promise<AdaptiveCardJson> {
  const pupils = await pupilsOf(models, school.id, form);
  const version = await classVersionFor(models, school, pupils);
  if (!version) return messageCard('Class agreement', `There is no class agreement for ${form} yet.`, 'Ask the DSL to publish the class rules in Lantern.');
  const signed = await signedPersonIds(models, version);
  return renderCard('agreement-class', {
    title: version.title,
    form,
    versionNumber: version.number,
    versionId: version._id,
    body: version.body,
    signedCount: pupils.filter((p) => signed.has(p.personId)).length,
    pupilCount: pupils.length,
    pupils: pupils.map((p) => ({ inputId: `pupil_${p.personId}`, name: userPlain(p.displayName), value: signed.has(p.personId) ? 'true' : 'false' })),
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
  for (const form of forms) await ctx.turn.sendActivity(cardMessage(await classCard(ctx.models, school, form)));
}

const ClassData = z.object({ form: z.string().min(1).max(80) });
const ClassSignData = ClassData.extend({ versionId: z.string().min(3).max(200) });

/** Records a signature by the teacher on behalf of each ticked pupil, against the class version. */
const classSign: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, ClassSignData);
  if (!r.ok) return r.card;
  if (!(r.person.formsTaught ?? []).includes(r.data.form)) {
    return messageCard('Class agreement', `The directory does not list you as the teacher of ${r.data.form}, so nothing was recorded.`, 'Ask your IT manager if this is wrong.');
  }
  const version = await loadVersion(ctx, r.school, r.data.versionId);
  if (!version) return staleCard('bad-data');
  const pupils = await pupilsOf(ctx.models, r.school.id, r.data.form);
  const ticked = pupils.filter((p) => ctx.data[`pupil_${p.personId}`] === 'true' || ctx.data[`pupil_${p.personId}`] === true);
  let newCount = 0;
  for (const pupil of ticked) {
    if (!inAudience(pupil, version.audience as Audience)) continue;
    const { created } = await recordSignature(ctx.models, {
      schoolId: r.school.id,
      versionId: version._id,
      signerId: r.person.personId,
      onBehalfOfId: pupil.personId,
      channel: 'teams-proxy',
      client: { ...clientDetails(ctx), form: r.data.form },
    });
    if (created) newCount += 1;
  }
  ctx.log.info({ form: r.data.form, newCount, ticked: ticked.length }, 'class agreement recorded');
  const signed = await signedPersonIds(ctx.models, version);
  const missing = pupils.filter((p) => !signed.has(p.personId)).map((p) => p.displayName);
  return renderCard('agreement-class-done', {
    title: version.title,
    form: r.data.form,
    newCount,
    signedCount: pupils.length - missing.length,
    pupilCount: pupils.length,
    versionNumber: version.number,
    missingLine: userText(missing.length > 0 ? `Still to agree: ${missing.join(', ')}.` : 'Everyone in the class has agreed.', CARD_TEXT_MAX.long),
  });
};

/** Shows the class list again. */
const classView: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, ClassData);
  if (!r.ok) return r.card;
  if (!(r.person.formsTaught ?? []).includes(r.data.form)) return staleCard('bad-data');
  return classCard(ctx.models, r.school, r.data.form);
};

/** The class agreement card's verbs. */
export const CLASS_ACTIONS = {
  'agreement.class-sign': classSign,
  'agreement.class-view': classView,
} as const satisfies Record<string, CardActionHandler>;
