import { renderCard, type AdaptiveCardJson } from './cards.js';

/** The card shown when a button's verb is unknown or its data is unusable: never a crash or a 500. */
export function staleCard(reason: 'unknown-verb' | 'bad-data' | 'failed'): AdaptiveCardJson {
  const copy = {
    'unknown-verb': { title: 'This card is out of date', message: 'Lantern no longer recognises the button you pressed.', next: 'Type help to get a fresh card.' },
    'bad-data': { title: 'This card is incomplete', message: 'Some of the information this button needs is missing or was changed.', next: 'Type help to get a fresh card, or ask your IT manager if it keeps happening.' },
    failed: { title: 'That did not work', message: 'Something went wrong on Lantern\'s side and nothing was changed.', next: 'Please try again in a minute; if it keeps happening, tell your IT manager.' },
  }[reason];
  return renderCard('card-error', copy);
}
