import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RequestHandler } from 'express';

/**
 * Where the dashboard serves Microsoft's Teams JavaScript client library (@microsoft/teams-js): from Lantern
 * itself, because the dashboard's CSP allows scripts from its own origin only (no CDN).
 */
export const TEAMS_JS_PATH = '/dashboard/assets/teams-js.min.js';

/** The library's browser (UMD) bundle, which defines `window.microsoftTeams`; read once, on first request. */
function readTeamsJs(): Buffer | null {
  try {
    const require = createRequire(import.meta.url);
    // The package's "main" is dist/umd/MicrosoftTeams.min.js; the source-map comment is dropped (the map is not served).
    const text = readFileSync(require.resolve('@microsoft/teams-js'), 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
    return Buffer.from(text, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Serves the teams-js bundle at TEAMS_JS_PATH. If the package is missing the answer is 404 and the pages
 * still work: the dashboard script then uses its own pop-up sign-in, as it does outside Teams.
 */
export function teamsJsHandler(onMissing: () => void): RequestHandler {
  let asset: ReturnType<typeof readTeamsJs> | undefined;
  return (_req, res) => {
    if (asset === undefined) {
      asset = readTeamsJs();
      if (!asset) onMissing();
    }
    if (!asset) {
      res.status(404).type('text/plain').send('teams-js is not installed');
      return;
    }
    res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(asset);
  };
}
