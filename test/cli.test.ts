import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS, helpText, runCli } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/command.js';

function captureIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, cwd: process.cwd() };
}

describe('the lantern command table', () => {
  it.each(Object.keys(CLI_COMMANDS))('"%s" loads a command whose usage names it', async (name) => {
    const command = await CLI_COMMANDS[name]!();
    expect(command.usage.startsWith(`lantern ${name}`)).toBe(true);
    expect(command.summary.length).toBeGreaterThan(10);
  });

  it('lists every command in --help', async () => {
    const io = captureIO();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const name of Object.keys(CLI_COMMANDS)) expect(io.stdout.join('\n')).toContain(`lantern ${name}`);
    expect(await helpText()).toContain('Usage:');
  });

  it('rejects an unknown command with exit code 2 and the help text', async () => {
    const io = captureIO();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/Unknown command "frobnicate"/);
  });

  it('prints a command\'s own help with --help', async () => {
    const io = captureIO();
    expect(await runCli(['config', 'check', '--help'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^lantern config check FILE/);
  });
});
