import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TeamsManifestV1D30 } from '@microsoft/app-manifest';
import { ErrorCode, LanternError } from '../../errors.js';

/** The folder holding manifest.template.json and the icons it names. */
export const TEAMS_MANIFEST_DIR = fileURLToPath(new URL('../../../manifests/teams/', import.meta.url));

/**
 * The bot app id used in demo mode, when no Microsoft credentials are configured (config.bot is null): a
 * well-formed GUID that no Entra app has, so the package builds and validates without credentials. Teams
 * cannot reach a bot with this id; register one and set bot.appId (or LANTERN_BOT_APP_ID) before uploading.
 */
export const DEMO_BOT_APP_ID = '00000000-0000-0000-0000-000000000000';

/** A filled Teams app manifest, in the schema version the template declares. */
export type TeamsAppManifest = TeamsManifestV1D30.TeamsManifestV1D30;

/** What the template needs from configuration. */
export interface TeamsManifestInput {
  /** config.bot?.appId; undefined in demo mode, which uses DEMO_BOT_APP_ID. */
  botAppId?: string | undefined;
  /** config.server.publicUrl: the https address Teams and browsers reach Lantern at. */
  publicUrl: string;
  /** The app version Teams shows and compares on update: MAJOR.MINOR.PATCH. */
  version: string;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

function placeholderValues(input: TeamsManifestInput): Record<string, string> {
  const url = URL.canParse(input.publicUrl) ? new URL(input.publicUrl) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new LanternError(
      ErrorCode.ManifestInvalid,
      `The public URL "${input.publicUrl}" is not a web address: set server.publicUrl to the https address Teams reaches Lantern at, e.g. https://lantern.northgate.sch.uk`,
    );
  }
  return {
    botAppId: input.botAppId ?? DEMO_BOT_APP_ID,
    publicUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, ''),
    publicHost: url.hostname,
    // validDomains: the host with its port when it is not 443 (Teams compares host:port for tab pages).
    publicDomain: url.host,
    version: input.version,
  };
}

function fill(value: unknown, values: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string) => {
      const filled = values[name];
      if (filled === undefined) {
        throw new LanternError(ErrorCode.ManifestInvalid, `manifests/teams/manifest.template.json uses ${whole}, which the packer does not fill: use one of ${Object.keys(values).map((k) => `{{${k}}}`).join(', ')}.`);
      }
      return filled;
    });
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, values));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, values)]));
  }
  return value;
}

/** Reads manifests/teams/manifest.template.json and fills its {{placeholders}}; the result is not yet validated. */
export function buildTeamsManifest(input: TeamsManifestInput): TeamsAppManifest {
  const template: unknown = JSON.parse(readFileSync(`${TEAMS_MANIFEST_DIR}manifest.template.json`, 'utf8'));
  // Filling parsed strings rather than the file's text means a value can never break the JSON around it.
  const manifest = fill(template, placeholderValues(input));
  const json = JSON.stringify(manifest);
  const at = json.indexOf('{{');
  if (at >= 0) {
    throw new LanternError(ErrorCode.ManifestInvalid, `manifests/teams/manifest.template.json has a malformed placeholder near ${json.slice(at, at + 24)}: write it as {{name}}.`);
  }
  return manifest as TeamsAppManifest;
}
