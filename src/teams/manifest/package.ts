import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, LanternError } from '../../errors.js';
import { buildTeamsManifest, TEAMS_MANIFEST_DIR, type TeamsAppManifest, type TeamsManifestInput } from './build.js';
import { ICON_SIZES, readPngSize } from './icons.js';
import { validateTeamsManifest } from './validate.js';
import { createZip, type ZipEntry } from '../../ops/zip.js';

/** Options for packageTeamsApp: the manifest inputs plus where to write the zip. */
export interface PackageTeamsAppOptions extends TeamsManifestInput {
  /** Path of the .zip to write; its folder is created when missing. */
  outFile: string;
}

async function readIcon(manifest: TeamsAppManifest, kind: keyof typeof ICON_SIZES, problems: string[]): Promise<ZipEntry | undefined> {
  const name = manifest.icons[kind];
  let data: Buffer;
  try {
    data = await readFile(path.join(TEAMS_MANIFEST_DIR, name));
  } catch {
    problems.push(`icons.${kind}: manifests/teams/${name} is missing — add a ${ICON_SIZES[kind]}×${ICON_SIZES[kind]} PNG there`);
    return undefined;
  }
  const size = readPngSize(data);
  const want = ICON_SIZES[kind];
  if (!size || size.width !== want || size.height !== want) {
    const got = size ? `${size.width}×${size.height}` : 'not a PNG';
    problems.push(`icons.${kind}: manifests/teams/${name} must be a ${want}×${want} PNG (it is ${got})`);
  }
  return { name, data };
}

/**
 * Builds the Teams app package for `lantern teams package`: fills manifests/teams/manifest.template.json,
 * checks it offline against the bundled Teams schema and the icons against Teams' sizes, and writes
 * manifest.json, color.png and outline.png into the zip at `outFile`, ready to upload to Teams.
 * Pass `botAppId: config.bot?.appId`; when it is undefined (demo mode) the demo id DEMO_BOT_APP_ID is used.
 *
 * @returns the absolute path of the zip written.
 * @throws LanternError with code ManifestInvalid, one `details` line per problem; nothing is written then.
 */
export async function packageTeamsApp(options: PackageTeamsAppOptions): Promise<string> {
  const manifest = buildTeamsManifest(options);
  const problems = validateTeamsManifest(manifest);
  const icons = [await readIcon(manifest, 'color', problems), await readIcon(manifest, 'outline', problems)];
  if (problems.length > 0) {
    throw new LanternError(
      ErrorCode.ManifestInvalid,
      `The Teams app manifest has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`,
      { details: problems },
    );
  }
  const entries: ZipEntry[] = [{ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') }];
  for (const icon of icons) if (icon) entries.push(icon);
  const outFile = path.resolve(options.outFile);
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, createZip(entries));
  return outFile;
}
