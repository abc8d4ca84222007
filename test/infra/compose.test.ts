import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_KEYS } from '../../src/config/load.js';

// No container engine runs here, so the compose file and the image are checked against the code they run.
const repo = path.resolve(import.meta.dirname, '../..');
const infra = path.join(repo, 'infra');

interface Compose {
  services: Record<string, { build?: { context: string; dockerfile: string }; environment?: Record<string, string>; env_file?: string[]; volumes?: string[]; ports?: string[] }>;
}

describe('infra/docker-compose.yml and infra/Dockerfile', () => {
  const compose = parse(readFileSync(path.join(infra, 'docker-compose.yml'), 'utf8')) as Compose;
  const lantern = compose.services.lantern!;
  const dockerfile = readFileSync(path.join(infra, 'Dockerfile'), 'utf8');
  const known = new Set<string>(Object.values(ENV_KEYS));

  it('sets only settings Lantern reads, and mounts the config where LANTERN_CONFIG points', () => {
    const env = lantern.environment ?? {};
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    expect(env.MONGODB_URI).toMatch(/^mongodb:\/\/mongo:27017\//);
    const mounts = (lantern.volumes ?? []).map((v) => v.split(':')[1]);
    expect(mounts).toContain(env.LANTERN_CONFIG);
    const example = readFileSync(path.join(infra, 'lantern.env.example'), 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]!);
    expect(example.filter((k) => !known.has(k))).toEqual([]);
  });

  it('builds from files that exist and publishes the port the image listens on', () => {
    const context = path.resolve(infra, lantern.build!.context);
    expect(existsSync(path.join(context, lantern.build!.dockerfile))).toBe(true);
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((s) => !existsSync(path.join(context, s)))).toEqual([]);
    const port = /PORT=(\d+)/.exec(dockerfile)?.[1];
    expect(dockerfile).toContain(`EXPOSE ${port}`);
    expect(lantern.ports).toContain(`${port}:${port}`);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    expect(dockerfile).toMatch(/CMD \["node", "bin\/lantern.js", "serve"\]/);
  });

  it('copies into the image every folder of the repository the code reads at run time', () => {
    const runtime = readdirSync(path.join(repo, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('bench'))
      .flatMap((f) => [...readFileSync(path.join(repo, 'src', f), 'utf8').matchAll(/new URL\('((?:\.\.\/)+)([\w.-]+)/g)].map((m) => path.relative(repo, path.resolve(path.dirname(path.join(repo, 'dist', f)), m[1]!, m[2]!))));
    const copied = [...dockerfile.matchAll(/^COPY (?:--from=build \/app\/)?(\S+)/gm)].map((m) => m[1]!);
    expect(runtime.length).toBeGreaterThan(3);
    expect([...new Set(runtime)].filter((dir) => !copied.includes(dir))).toEqual([]);
  });
});
