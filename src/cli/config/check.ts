import { loadConfig } from '../../config/load.js';
import { readLocalDirectory } from '../../directory/source.js';
import type { CommandRun } from '../command.js';
import type { checkOptions } from './commands.js';

/** `lantern config check FILE`: validates a config file (and the directory files it names). */
export const checkConfig: CommandRun<typeof checkOptions> = async ({ positionals, usage }, io) => {
    const file = positionals[0];
    if (!file) {
      io.err(`Usage: ${usage}`);
      return 2;
    }
    const config = loadConfig({ file, env: io.env, cwd: io.cwd, requireSecrets: false });
    for (const school of config.schools) {
      // Google and Entra directories are read by `lantern directory sync`; checking the file stays offline.
      const people = readLocalDirectory(school);
      const who = people ? `${people.length} people (${school.directory.source})` : `directory from ${school.directory.source}, ${school.directory.source === 'google' || school.directory.source === 'entra' ? school.directory.rules.length : 0} mapping rule(s)`;
      io.out(`✓ ${school.id}: ${school.name} — ${school.timezone}, ${school.ownDomains.join(', ')}, ${who}`);
    }
    if (config.bot && !config.bot.appSecret) {
      io.err('Note: LANTERN_BOT_APP_SECRET is not set in this environment; the server will not start without it.');
    }
    io.out(`${file} is valid: ${config.schools.length} school(s)${config.trust ? ` in ${config.trust.name}` : ''}; bot credentials ${config.bot ? 'set' : 'not set (loopback only)'}.`);
    return 0;
};
