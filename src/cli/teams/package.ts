import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { packageTeamsApp } from '../../teams/manifest/package.js';
import type { CommandRun } from '../command.js';
import type { packageOptions } from './commands.js';

/** Where the demo package says Lantern lives; Teams cannot reach it, the package is for inspection only. */
const DEMO_PUBLIC_URL = 'https://lantern.northgate.example';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `lantern teams package`: fills the Teams manifest from config, validates it and writes the app zip. */
export const packageTeamsAppCommand: CommandRun<typeof packageOptions> = async ({ flags }, io) => {
    const file = flags.config;
    const config = loadConfig({ ...(file ? { file } : {}), env: io.env, cwd: io.cwd, requireSecrets: false });
    const publicUrl = config.server.publicUrl ?? (config.mode === 'demo' ? DEMO_PUBLIC_URL : undefined);
    if (!publicUrl) {
      io.err('Set server.publicUrl in the config file: the https address Teams reaches Lantern at (e.g. https://lantern.your-trust.org.uk).');
      return 1;
    }
    const outFile = path.resolve(io.cwd, flags.out ?? 'dist/lantern-teams-app.zip');
    const written = await packageTeamsApp({ botAppId: config.bot?.appId, publicUrl, version: packageVersion(), outFile });
    io.out(`Wrote ${written}`);
    if (!config.bot) io.out('No bot app id is configured, so the package uses the demo id: it validates, but Teams cannot reach it. Set bot.appId for a real package.');
    else io.out('Upload it in the Teams admin centre (Manage apps → Upload new app), then set up the app for everyone with an app setup policy.');
    return 0;
};
