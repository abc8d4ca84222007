import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, isLanternError, LanternError } from '../src/errors.js';
import { buildTeamsManifest, DEMO_BOT_APP_ID, TEAMS_MANIFEST_DIR, type TeamsManifestInput } from '../src/teams/manifest/build.js';
import { ACCENT_COLOR, readPngSize, renderColorIcon, renderOutlineIcon } from '../src/teams/manifest/icons.js';
import { packageTeamsApp } from '../src/teams/manifest/package.js';
import { TEAMS_MANIFEST_VERSION, validateTeamsManifest } from '../src/teams/manifest/validate.js';
import { createZip } from '../src/ops/zip.js';

const BOT_APP_ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

function makeInput(overrides: Partial<TeamsManifestInput> = {}): TeamsManifestInput {
  return { botAppId: BOT_APP_ID, publicUrl: 'https://lantern.northgate.example', version: '1.2.3', ...overrides };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lantern-teams-manifest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Reads a zip through its central directory, checking each entry's CRC. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThanOrEqual(0);
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  let at = zip.readUInt32LE(eocd + 16);
  expect(at + cdSize).toBe(eocd);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + compressedSize);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    expect([0, 8]).toContain(method);
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    files.set(name, data);
    at += 46 + nameLength + skip;
  }
  return files;
}

/** Decodes an 8-bit RGBA, non-interlaced PNG into its pixels (all five row filters). */
function decodeRgbaPng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  const size = readPngSize(png);
  if (!size) throw new Error('not a PNG');
  expect([png[24], png[25], png[28]]).toEqual([8, 6, 0]); // bit depth 8, RGBA, not interlaced
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = size.width * 4;
  const pixels = Buffer.alloc(stride * size.height);
  for (let y = 0; y < size.height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const byte = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? pixels[y * stride + x - 4]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter!];
      if (predictor === undefined) throw new Error(`unknown PNG filter ${filter}`);
      pixels[y * stride + x] = (byte + predictor) & 255;
    }
  }
  return { ...size, pixels };
}

describe('Teams app manifest', () => {
  it('uses the newest Teams schema @microsoft/app-manifest bundles', () => {
    const pkg = createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json');
    const versions = readdirSync(path.join(path.dirname(pkg), 'build', 'json-schemas', 'teams'))
      .map((dir) => /^v(\d+)\.(\d+)$/.exec(dir))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [Number(m[1]), Number(m[2])] as const)
      .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    expect(TEAMS_MANIFEST_VERSION).toBe(versions.at(-1)?.join('.'));
  });

  it('fills every placeholder and passes the bundled schema offline', () => {
    const manifest = buildTeamsManifest(makeInput({ publicUrl: 'https://lantern.northgate.example/' }));
    expect(JSON.stringify(manifest)).not.toContain('{{');
    expect(validateTeamsManifest(manifest)).toEqual([]);
    expect(manifest.manifestVersion).toBe(TEAMS_MANIFEST_VERSION);
    expect(manifest.$schema).toContain(`/v${TEAMS_MANIFEST_VERSION}/`);
    expect(manifest.version).toBe('1.2.3');
    expect(manifest.id).toBe(BOT_APP_ID);
    expect(manifest.bots?.[0]).toMatchObject({ botId: BOT_APP_ID, scopes: ['personal', 'team'], supportsFiles: false });
    expect(manifest.developer).toMatchObject({ name: 'Lantern', privacyUrl: 'https://lantern.northgate.example/privacy' });
    expect(manifest.validDomains).toEqual(['lantern.northgate.example']);
    expect(manifest.webApplicationInfo).toEqual({ id: BOT_APP_ID, resource: `api://lantern.northgate.example/botid-${BOT_APP_ID}` });
    expect(manifest.accentColor).toBe(ACCENT_COLOR);
    const personal = manifest.bots?.[0]?.commandLists?.find((list) => list.scopes.includes('personal'));
    expect(personal?.commands.map((c) => c.title)).toEqual(['help', 'report a concern']);
    for (const command of personal?.commands ?? []) expect(command.description).toBeTruthy();
  });

  it('has the DSL cases tab next to the bot chat, on the public https host', () => {
    const manifest = buildTeamsManifest(makeInput({ publicUrl: 'https://lantern.northgate.example/' }));
    expect(manifest.staticTabs).toEqual([
      { entityId: 'conversations', scopes: ['personal'] },
      { entityId: 'dsl-cases', name: 'DSL cases', contentUrl: 'https://lantern.northgate.example/dashboard', websiteUrl: 'https://lantern.northgate.example/dashboard', scopes: ['personal'], context: ['personalTab'] },
    ]);
    // Behind a path and on another port, the tab follows publicUrl and validDomains names the port too.
    const moved = buildTeamsManifest(makeInput({ publicUrl: 'https://apps.trust.example:8443/lantern' }));
    expect(moved.staticTabs?.[1]?.contentUrl).toBe('https://apps.trust.example:8443/lantern/dashboard');
    expect(moved.validDomains).toEqual(['apps.trust.example:8443']);
    expect(validateTeamsManifest(moved)).toEqual([]);
  });

  it('reports a tab on plain http (Teams loads tabs over https only)', () => {
    const manifest = buildTeamsManifest(makeInput({ publicUrl: 'http://lantern.northgate.example' }));
    expect(validateTeamsManifest(manifest)).toEqual([
      expect.stringMatching(/^staticTabs\[1\]\.contentUrl: "http:\/\/lantern\.northgate\.example\/dashboard" must be an https address — set server\.publicUrl/),
      expect.stringMatching(/^staticTabs\[1\]\.websiteUrl: /),
    ]);
  });

  it('uses the demo bot id when no credentials are configured', () => {
    const manifest = buildTeamsManifest(makeInput({ botAppId: undefined }));
    expect(manifest.bots?.[0]?.botId).toBe(DEMO_BOT_APP_ID);
    expect(validateTeamsManifest(manifest)).toEqual([]);
  });

  it('reports each problem in a broken manifest, naming the key', () => {
    const manifest = buildTeamsManifest(makeInput({ version: '1.0' })) as unknown as {
      bots: Record<string, unknown>[];
      accentColor: string;
      colour?: string;
    };
    delete manifest.bots[0]!.botId;
    manifest.accentColor = 'navy';
    manifest.colour = '#000000';
    const errors = validateTeamsManifest(manifest);
    expect(errors).toContain('bots[0].botId: missing — add it');
    expect(errors).toContain('colour: unknown key — remove it or check the spelling');
    expect(errors.some((e) => e.startsWith('accentColor: '))).toBe(true);
    expect(errors.some((e) => e.startsWith('version: "1.0"'))).toBe(true);
  });

  it('reports a schema version it does not bundle instead of fetching one', () => {
    const manifest = { ...buildTeamsManifest(makeInput()), manifestVersion: '9.99' };
    expect(validateTeamsManifest(manifest)).toEqual([expect.stringContaining('manifestVersion: "9.99"')]);
    expect(validateTeamsManifest(null)).toEqual([expect.stringContaining('manifestVersion: missing')]);
  });

  it('refuses a public URL that is not a web address', () => {
    expect(() => buildTeamsManifest(makeInput({ publicUrl: 'lantern.northgate.example' }))).toThrow(LanternError);
    try {
      buildTeamsManifest(makeInput({ publicUrl: 'ftp://lantern.northgate.example' }));
      expect.unreachable();
    } catch (err) {
      expect(isLanternError(err, ErrorCode.ManifestInvalid)).toBe(true);
    }
  });
});

describe('Teams app package', () => {
  it('writes manifest.json and both icons into a zip Teams can read', async () => {
    const written = await packageTeamsApp({ ...makeInput(), outFile: path.join(tmp, 'out', 'lantern-teams.zip') });
    expect(written).toBe(path.join(tmp, 'out', 'lantern-teams.zip'));
    const files = readZip(readFileSync(written));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    expect(JSON.parse(files.get('manifest.json')!.toString('utf8'))).toEqual(buildTeamsManifest(makeInput()));
    expect(files.get('color.png')).toEqual(readFileSync(path.join(TEAMS_MANIFEST_DIR, 'color.png')));
    expect(files.get('outline.png')).toEqual(readFileSync(path.join(TEAMS_MANIFEST_DIR, 'outline.png')));
  });

  it.skipIf(spawnSync('unzip', ['-v']).status !== 0)('passes an independent zip check (unzip -t)', async () => {
    const written = await packageTeamsApp({ ...makeInput(), outFile: path.join(tmp, 'checked.zip') });
    expect(execFileSync('unzip', ['-t', written], { encoding: 'utf8' })).toContain('No errors detected');
  });

  it('throws ManifestInvalid listing each problem, and writes nothing', async () => {
    const outFile = path.join(tmp, 'bad.zip');
    const failure = await packageTeamsApp({ ...makeInput({ version: 'one', botAppId: 'not-a-guid' }), outFile }).catch((err: unknown) => err);
    expect(isLanternError(failure, ErrorCode.ManifestInvalid)).toBe(true);
    const details = (failure as LanternError).details;
    expect(details.some((d) => d.startsWith('version: "one"'))).toBe(true);
    expect(details).toContain("bots[0].botId: must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (the bot's Entra app id)");
    expect(details.some((d) => d.startsWith('id: '))).toBe(true);
    expect(existsSync(outFile)).toBe(false);
  });

  it('stores entries that do not compress, and round-trips empty ones', () => {
    const files = readZip(createZip([{ name: 'a.txt', data: Buffer.from('a') }, { name: 'empty', data: Buffer.alloc(0) }, { name: 'z', data: Buffer.alloc(4096) }]));
    expect(files.get('a.txt')?.toString()).toBe('a');
    expect(files.get('empty')?.length).toBe(0);
    expect(files.get('z')).toEqual(Buffer.alloc(4096));
  });
});

describe('Teams app icons', () => {
  const color = readFileSync(path.join(TEAMS_MANIFEST_DIR, 'color.png'));
  const outline = readFileSync(path.join(TEAMS_MANIFEST_DIR, 'outline.png'));

  it('are 192×192 (colour) and 32×32 (outline)', () => {
    expect(readPngSize(color)).toEqual({ width: 192, height: 192 });
    expect(readPngSize(outline)).toEqual({ width: 32, height: 32 });
  });

  it('outline uses only white or transparent pixels, and draws something', () => {
    const { pixels } = decodeRgbaPng(outline);
    const offColour: string[] = [];
    let drawn = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
      if (a > 0 && (r !== 255 || g !== 255 || b !== 255)) offColour.push(`pixel ${i / 4}: rgba(${r},${g},${b},${a})`);
      if (a > 0) drawn++;
    }
    expect(offColour).toEqual([]);
    expect(drawn).toBeGreaterThan(50);
    expect(drawn).toBeLessThan(32 * 32 - 50);
  });

  it('colour icon is opaque', () => {
    const { pixels } = decodeRgbaPng(color);
    const seeThrough = pixels.filter((value, i) => i % 4 === 3 && value !== 255).length;
    expect(seeThrough).toBe(0);
  });

  it('committed files match what icons.ts draws (regenerate them after changing the drawing)', () => {
    expect(decodeRgbaPng(renderColorIcon()).pixels).toEqual(decodeRgbaPng(color).pixels);
    expect(decodeRgbaPng(renderOutlineIcon()).pixels).toEqual(decodeRgbaPng(outline).pixels);
  });
});
