import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CARDS_DIR, renderCard } from '../src/teams/cards.js';
import { isLanternError, ErrorCode } from '../src/errors.js';

const names = readdirSync(CARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

describe('card templates', () => {
  it('exist', () => {
    expect(names).toEqual(expect.arrayContaining(['help', 'not-recognised', 'card-error']));
  });

  it.each(names)('%s renders its sample data completely as an Adaptive Card 1.5', (name) => {
    const samplePath = path.join(CARDS_DIR, 'samples', `${name}.json`);
    const sample = JSON.parse(readFileSync(samplePath, 'utf8')) as object;
    const card = renderCard(name, sample);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    expect(JSON.stringify(card)).not.toContain('${');
  });

  it('refuses to return a card with a field left unfilled', () => {
    try {
      renderCard('help', { schoolName: 'Northgate Primary' });
      expect.unreachable();
    } catch (err) {
      expect(isLanternError(err, ErrorCode.CardTemplateUnfilled)).toBe(true);
    }
  });

  it('refuses names that are not template files', () => {
    expect(() => renderCard('../package', {})).toThrowError(/not a card template name/);
    expect(() => renderCard('no-such-card', {})).toThrowError(/missing/);
  });
});
