import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LanternConfig, School } from '../config/load.js';
import type { Models } from '../stores.js';
import { ErrorCode, LanternError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { createMailTransport } from '../mail/index.js';
import type { MailTransport } from '../mail/transport.js';
import { readDigestData, renderDigest, type RenderedDigest } from './assemble.js';
import { composeDigestMime, digestMessageId } from './compose.js';
import { sendOnce, type SendHooks, type SendOutcome } from './send.js';
import type { DigestData } from './types.js';
import { formatIsoWeek, type IsoWeek } from './week.js';

/** What digest building and sending use; `transportFor` lets tests point at a stand-in. */
export interface DigestDeps {
  config: LanternConfig;
  models: Models;
  clock: () => Date;
  logger: Logger;
  instanceId: string;
  transportFor?: (kind: 'gmail' | 'graph') => MailTransport;
  hooks?: SendHooks;
}

/** The configured school, or a UsageError naming the ids that exist. */
export function findSchool(config: LanternConfig, schoolId: string): School {
  const school = config.schools.find((s) => s.id === schoolId);
  if (!school) throw new LanternError(ErrorCode.UsageError, `No school "${schoolId}" in the configuration; the schools are: ${config.schools.map((s) => s.id).join(', ')}.`);
  return school;
}

/** Reads and renders one school's digest for a week. */
export async function buildSchoolDigest(deps: DigestDeps, school: School, week: IsoWeek, imageSrc?: (cid: string, file: string) => string): Promise<{ data: DigestData; rendered: RenderedDigest }> {
  const data = await readDigestData(deps.models, school, week, deps.clock());
  return { data, rendered: renderDigest(data, school.timezone, imageSrc) };
}

/** Writes digest.html (charts by file name), digest.txt, subject.txt and the PNGs to `outDir`; sends nothing. */
export async function writePreview(rendered: RenderedDigest, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const files: [string, string | Buffer][] = [
    ['digest.html', rendered.html],
    ['digest.txt', rendered.text],
    ['subject.txt', `${rendered.subject}\n`],
    ...rendered.images.map((img): [string, Buffer] => [img.file, img.png]),
  ];
  for (const [name, content] of files) await writeFile(path.join(outDir, name), content);
  return files.map(([name]) => path.join(outDir, name));
}

/** Checks a school can send its digest, saying exactly what is missing. */
export function sendingSettings(school: School): { recipients: string[]; sender: string; transport: 'gmail' | 'graph' } {
  const d = school.digest;
  if (!d?.enabled) throw new LanternError(ErrorCode.DigestNotConfigured, `The digest of ${school.id} is not enabled: set schools[].digest.enabled: true in the config file.`);
  if (d.recipients.length === 0) throw new LanternError(ErrorCode.DigestNotConfigured, `The digest of ${school.id} has no recipients: list the governors' addresses in schools[].digest.recipients.`);
  if (!d.sender) throw new LanternError(ErrorCode.DigestNotConfigured, `The digest of ${school.id} has no sender: set schools[].digest.sender to the mailbox it is sent from.`);
  return { recipients: [...d.recipients], sender: d.sender, transport: d.transport };
}

/** Sends one school's digest for a week, once (see sendOnce); a second call for the same week does nothing. */
export async function sendSchoolDigest(deps: DigestDeps, schoolId: string, week: IsoWeek): Promise<SendOutcome> {
  const school = findSchool(deps.config, schoolId);
  const settings = sendingSettings(school);
  const transport = deps.transportFor ? deps.transportFor(settings.transport) : createMailTransport(settings.transport, deps.config.mail);
  const weekId = formatIsoWeek(week);
  const messageId = digestMessageId(school.id, weekId, settings.sender);
  return sendOnce(deps.models, {
    scope: school.id,
    weekId,
    sender: settings.sender,
    recipients: settings.recipients,
    messageId,
    transport,
    instanceId: deps.instanceId,
    clock: deps.clock,
    logger: deps.logger.child({ schoolId: school.id, weekId }),
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
    build: async (id) => {
      const { rendered } = await buildSchoolDigest(deps, school, week);
      return composeDigestMime(rendered, { from: `${school.name} (Lantern) <${settings.sender}>`, to: settings.recipients, messageId: id, date: deps.clock() });
    },
  });
}
