import type { School } from '../../config/load.js';
import type { Person } from '../../directory/person.js';
import type { AdaptiveCardJson } from '../cards.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import { renderCard } from '../cards.js';
import type { PolicyPageLinks } from '../../agreements/policy-link.js';
import type { AgreementSignature } from '../../agreements/signature-model.js';
import { localDate, localTime, utcTime } from '../../agreements/state.js';
import type { AgreementVersion } from '../../agreements/version-model.js';

const CHANNEL_LABELS: Record<string, string> = {
  teams: 'In Teams',
  'teams-proxy': 'By the class teacher, in class',
  classroom: 'On the class web page',
  'parent-link': 'By a parent, from a link',
  cli: 'Recorded by an administrator',
  link: 'From an emailed link',
  kiosk: 'At the reception kiosk',
};

/** What the sign cards need to know about where they are shown. */
export interface CardTarget {
  school: School;
  /** Where the policy pages are: the card links to the version's full text there. */
  policyLinks: PolicyPageLinks;
  /** The Teams user id (29:…) the card refreshes for; Universal Actions `refresh.userIds`. */
  userId?: string | undefined;
  campaignId?: string | null | undefined;
  dueAt?: Date | null | undefined;
  /** Set on a reminder: which one it is (1-based) of how many the campaign sends. */
  reminder?: { n: number; of: number } | undefined;
}

/** The line a reminder card opens with, so it never reads as a copy of the first card: "Reminder 2 of 3: …". */
export function reminderLine(reminder: { n: number; of: number }, dueLabel: string, verb = 'sign'): string {
  return `Reminder ${reminder.n} of ${reminder.of}: you have not ${verb === 'sign' ? 'signed this' : 'answered this'} yet. Please ${verb} by ${dueLabel}.`;
}

/** The card asking someone to read and sign a version. */
export function signCard(version: AgreementVersion, target: CardTarget): AdaptiveCardJson {
  const dueLabel = target.dueAt ? localDate(target.dueAt, target.school.timezone) : 'as soon as you can';
  return renderCard('agreement-sign', {
    title: version.title,
    isReminder: Boolean(target.reminder),
    reminderLine: target.reminder ? reminderLine(target.reminder, dueLabel) : '',
    versionNumber: version.number,
    effectiveLabel: localDate(version.effectiveDate, target.school.timezone),
    dueLabel,
    summary: version.summary,
    body: version.body,
    // The full-text page when Lantern's address is known; otherwise the text unfolds inside the card.
    policyUrl: target.policyLinks(version),
    versionId: version._id,
    campaignId: target.campaignId ?? '',
    userIds: target.userId ? [target.userId] : [],
  });
}

/**
 * The sign card for a campaign's many recipients: expanded once per version, campaign, date and reminder (kept in
 * `memo`, which the caller owns for one run), each person's copy differing only in whom Teams refreshes it for.
 */
export function signCardFrom(memo: Map<string, AdaptiveCardJson>, version: AgreementVersion, target: CardTarget): AdaptiveCardJson {
  const due = target.dueAt ? new Date(target.dueAt).getTime() : null;
  const key = JSON.stringify([version._id, target.school.id, target.campaignId ?? '', due, target.reminder ?? null, Boolean(target.userId)]);
  const card = memo.get(key);
  if (!card) {
    const fresh = signCard(version, target);
    memo.set(key, fresh);
    return fresh;
  }
  return { ...card, refresh: { ...(card.refresh as Record<string, unknown>), userIds: target.userId ? [target.userId] : [] } };
}

/** The card showing a version as signed (version, time in UTC and school time, how). */
export function signedCard(version: AgreementVersion, signature: AgreementSignature, person: Pick<Person, 'displayName'>, target: CardTarget): AdaptiveCardJson {
  const at = new Date(signature.signedAt);
  return renderCard('agreement-signed', {
    title: version.title,
    firstName: userText(person.displayName.split(' ')[0] ?? person.displayName, CARD_TEXT_MAX.short),
    // A string: a FactSet value that is a number is dropped by Teams, leaving the Version row blank.
    versionNumber: String(version.number),
    signedLocal: localTime(at, target.school.timezone),
    signedUtc: utcTime(at),
    channelLabel: CHANNEL_LABELS[signature.channel] ?? signature.channel,
    hashShort: `${signature.versionHash.slice(0, 12)}…`,
    versionId: version._id,
    campaignId: target.campaignId ?? '',
    userIds: target.userId ? [target.userId] : [],
  });
}

/** The card telling someone that the version on their card was replaced. */
export function outdatedCard(old: AgreementVersion, current: AgreementVersion, campaignId: string | null | undefined): AdaptiveCardJson {
  return renderCard('agreement-outdated', { title: current.title, oldNumber: old.number, currentNumber: current.number, currentVersionId: current._id, campaignId: campaignId ?? '' });
}

/** A short error card in plain words. */
export function messageCard(title: string, message: string, next: string): AdaptiveCardJson {
  return renderCard('card-error', { title, message, next });
}
