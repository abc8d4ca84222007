import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';
import * as AEL from 'adaptive-expressions';
import { MessageFactory } from '@microsoft/agents-hosting';
import type { Activity } from '@microsoft/agents-activity';
import { ErrorCode, LanternError } from '../errors.js';
import { shownText, UserText } from './card-text.js';

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

function knownFunction(name: string): AEL.ExpressionEvaluator {
  const fn = AEL.ExpressionFunctions.standardFunctions.get(name);
  if (!fn) throw new Error(`unknown function ${name}`);
  return fn;
}

/** Every `${…}` in the template must parse and call only functions the templating language has. */
function checkExpressions(name: CardName, node: unknown, where: string): void {
  if (typeof node === 'string') {
    if (!node.includes('${')) return;
    try {
      AEL.Expression.parse(`\`${node}\``, knownFunction);
    } catch (err) {
      throw new LanternError(ErrorCode.CardTemplateInvalid, `The card template cards/${name}.json has a bad expression at ${where}: ${node}`, { cause: err });
    }
  } else if (Array.isArray(node)) {
    node.forEach((item, i) => checkExpressions(name, item, `${where}[${i}]`));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) checkExpressions(name, value, `${where}.${key}`);
  }
}

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
    checkExpressions(name, json, '$');
    template = new ACData.Template(json);
    templates.set(name, template);
  }
  return template;
}

/** Replaces each UserText in the data with the string the card shows; everything else is passed as it is. */
function literalData(value: unknown): unknown {
  if (value instanceof UserText) return shownText(value);
  if (Array.isArray(value)) return value.map(literalData);
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalData(v)]));
  }
  return value;
}

/**
 * Expands a card template with `data`. Values wrapped in UserText are shown literally (see card-text.ts);
 * the template is checked, not the output: every field an expression reads must be in the data, so a
 * value that happens to contain `${` is just text. Throws CardTemplateUnfilled naming the missing
 * fields, and CardTemplateInvalid when an expression fails; neither message quotes the data.
 */
export function renderCard(name: CardName, data: object): AdaptiveCardJson {
  const template = templateFor(name);
  const missing: string[] = [];
  const previous = ACData.GlobalSettings.getUndefinedFieldValueSubstitutionString;
  // Called (synchronously, during expand) for each expression path the data lacks or holds as null.
  ACData.GlobalSettings.getUndefinedFieldValueSubstitutionString = (path: string) => {
    missing.push(path);
    return `[missing ${path}]`;
  };
  let card: AdaptiveCardJson;
  try {
    card = template.expand({ $root: literalData(data) }) as AdaptiveCardJson;
  } catch {
    // The evaluator's message can quote data values, so it is not kept.
    throw new LanternError(ErrorCode.CardTemplateInvalid, `Card ${name} could not be expanded: one of its expressions failed on this data.`);
  } finally {
    ACData.GlobalSettings.getUndefinedFieldValueSubstitutionString = previous;
  }
  if (missing.length > 0) {
    const fields = [...new Set(missing)];
    throw new LanternError(ErrorCode.CardTemplateUnfilled, `Card ${name} left ${fields.join(', ')} unfilled: the data lacks that field.`, { details: fields });
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
