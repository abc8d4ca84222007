import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../src/cli/kit/args.js';

const OPTIONS = { school: 'value', by: 'value', 'dry-run': 'bool' } as const;
const USAGE = 'lantern thing [--school ID] [--by NAME] [--dry-run]';

describe('the CLI argument kit', () => {
  it('reads values, inline values and switches, typed by their declaration', () => {
    const { flags, positionals } = parseCommandArgs(['--school', 'northgate', '--by=Ruth Okafor', '--dry-run', 'FILE'], OPTIONS, USAGE, true);
    expect(flags).toEqual({ school: 'northgate', by: 'Ruth Okafor', 'dry-run': true });
    expect(positionals).toEqual(['FILE']);
  });

  it.each([
    [['--bogus'], /Unknown argument "--bogus"\.\nUsage: lantern thing/],
    [['--school'], /--school needs a value/],
    [['--by', '--school', 'x'], /--by needs a value/],
    [['--by', '  '], /--by needs a value/],
    [['--dry-run=yes'], /--dry-run takes no value/],
    [['stray'], /Unexpected argument "stray"/],
  ])('refuses %j with a message naming the argument and the usage', (args, message) => {
    expect(() => parseCommandArgs(args, OPTIONS, USAGE)).toThrow(message);
  });
});
