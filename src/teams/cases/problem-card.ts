import { renderCard, type AdaptiveCardJson } from '../cards.js';

/** The card for a case button whose data is unusable (a forged or stale case id): it points to the latest case card. */
export function badCaseDataCard(): AdaptiveCardJson {
  return renderCard('card-error', {
    title: 'This card is out of date',
    message: 'Lantern cannot find the case this button belongs to, or some of its information is missing. Nothing was changed.',
    next: 'Open the latest card for the case in the DSL channel.',
  });
}
