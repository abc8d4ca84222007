import { z } from 'zod';
import type { School } from '../../config/load.js';
import type { Person } from '../../directory/person.js';
import type { CardActionContext } from '../card-actions.js';
import { staleCard } from '../stale-card.js';
import type { AdaptiveCardJson } from '../cards.js';
import { renderCard } from '../cards.js';
import type { AgreementVersion } from '../../agreements/version-model.js';

/** The data every agreement button carries. */
export const VersionActionData = z.object({
  versionId: z.string().min(3).max(200),
  campaignId: z.string().max(200).optional(),
});

/** Who pressed, their school and the version on the card; or the card to answer with instead. */
export type Resolved<T> = { ok: true; person: Person; school: School; data: T } | { ok: false; card: AdaptiveCardJson };

/** Checks the sender is a known person and the button's data is usable. */
export function resolveSender<T>(ctx: CardActionContext, schema: z.ZodType<T>): Resolved<T> {
  const { person, school } = ctx.sender;
  if (!person || !school) {
    return { ok: false, card: renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' }) };
  }
  const parsed = schema.safeParse(ctx.data);
  if (!parsed.success) return { ok: false, card: staleCard('bad-data') };
  return { ok: true, person, school, data: parsed.data };
}

/** Loads the version a card names, only if it belongs to the sender's school. */
export async function loadVersion(ctx: CardActionContext, school: School, versionId: string): Promise<AgreementVersion | null> {
  const load = () => ctx.models.agreementVersions.findById(versionId).lean<AgreementVersion>();
  const version = ctx.clicks ? await ctx.clicks.version(versionId, load) : await load();
  return version && version.schoolId === school.id ? version : null;
}

/** Client details kept with a signature as evidence (no personal data beyond ids). */
export function clientDetails(ctx: CardActionContext): Record<string, string> {
  const a = ctx.turn.activity;
  const details: Record<string, string> = { channelId: String(a.channelId ?? ''), activityType: String(a.type ?? '') };
  if (a.locale) details.locale = a.locale;
  if (a.conversation?.id) details.conversationId = a.conversation.id;
  if (a.conversation?.tenantId) details.tenantId = a.conversation.tenantId;
  const clientInfo = a.entities?.find((e) => e.type === 'clientInfo') as { platform?: unknown; timezone?: unknown } | undefined;
  if (typeof clientInfo?.platform === 'string') details.platform = clientInfo.platform;
  if (typeof clientInfo?.timezone === 'string') details.clientTimezone = clientInfo.timezone;
  details.trigger = ctx.trigger;
  return details;
}

/** The time for a command or card action: its context's clock, or the system clock. */
export function nowFor(ctx: { clock?: (() => Date) | undefined }): Date {
  return ctx.clock?.() ?? new Date();
}
