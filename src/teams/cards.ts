import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';
import { MessageFactory } from '@microsoft/agents-hosting';
import type { Activity } from '@microsoft/agents-activity';
import { ErrorCode, LanternError } from '../errors.js';

/** The folder holding the Adaptive Card templates (JSON, adaptivecards-templating syntax). */
export const CARDS_DIR = fileURLToPath(new URL('../../cards/', import.meta.url));

/**
 * A card template's name: the file `cards/<name>.json`. Each template has sample data in
 * `cards/samples/<name>.json`, and test/cards.test.ts renders every template with it.
 */
export type CardName = string;

/** An Adaptive Card ready to send: plain JSON. */
export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

const templates = new Map<CardName, ACData.Template>();

function templateFor(name: CardName): ACData.Template {
  if (!/^[a-z0-9-]+$/.test(name)) throw new LanternError(ErrorCode.CardTemplateMissing, `"${name}" is not a card template name.`);
  let template = templates.get(name);
  if (!template) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(`${CARDS_DIR}${name}.json`, 'utf8'));
    } catch (err) {
      throw new LanternError(ErrorCode.CardTemplateMissing, `The card template cards/${name}.json is missing or not JSON.`, { cause: err });
    }
    template = new ACData.Template(json);
    templates.set(name, template);
  }
  return template;
}

/**
 * Expands a card template with `data`. Refuses to return a card that still holds a `${…}` expression,
 * which would show raw template syntax to a teacher.
 */
export function renderCard(name: CardName, data: object): AdaptiveCardJson {
  const card = templateFor(name).expand({ $root: data }) as AdaptiveCardJson;
  const text = JSON.stringify(card);
  const leftover = text.match(/\$\{[^}]*\}/);
  if (leftover) {
    throw new LanternError(ErrorCode.CardTemplateUnfilled, `Card ${name} left ${leftover[0]} unfilled: the data lacks that field.`);
  }
  return card;
}

/** Wraps a card as a message attachment. */
export function cardAttachment(card: AdaptiveCardJson): { contentType: string; content: AdaptiveCardJson } {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}

/** A message activity carrying one card. */
export function cardMessage(card: AdaptiveCardJson): Activity {
  return MessageFactory.attachment(cardAttachment(card));
}
