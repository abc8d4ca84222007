import { loadConfig } from '../config/load.js';
import { PLAYGROUND_USER_AAD_ID } from '../directory/demo-directory.js';
import { createLogger } from '../log/logger.js';
import { startLantern } from '../server/start.js';
import type { CommandRun } from './command.js';

/** `lantern serve`: runs the server until SIGTERM or SIGINT, then shuts down cleanly. */
export const serve: CommandRun<{ readonly config: 'value' }> = async ({ flags }, io) => {
    const file = flags.config;
    const config = loadConfig({ ...(file ? { file } : {}), env: io.env, cwd: io.cwd });
    const logger = createLogger({ level: config.logLevel });
    const running = await startLantern(config, logger);

    const schools = config.schools.map((s) => s.name).join(', ');
    io.out('');
    io.out(`Lantern is running for ${schools}${config.mode === 'demo' ? ' (demo school, fictional people)' : ''}.`);
    io.out(`  Teams endpoint  ${running.url}/api/messages${config.bot ? '' : '  (no Microsoft credentials: loopback only)'}`);
    io.out(`  Health          ${running.url}/healthz  and  ${running.url}/readyz`);
    io.out(`  DSL dashboard   ${running.url}/dashboard${config.mode === 'demo' ? '  (demo sign-in on this computer)' : ''}`);
    io.out(`  Database        ${running.database}`);
    if (config.mode === 'demo') {
      const demoUser = await running.models.people.findOne({ aadObjectId: PLAYGROUND_USER_AAD_ID }).lean();
      io.out('  Talk to it      in another terminal run');
      io.out(`                    npx agentsplayground -e ${running.url}/api/messages -c msteams`);
      io.out(`                  then type "help" in the chat (you are ${demoUser?.displayName ?? 'a member of staff'}, ${demoUser?.jobTitle?.toLowerCase() ?? 'staff'}).`);
    }
    io.out('  Stop            Ctrl+C');
    io.out('');

    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        running.stop().then(resolve, resolve);
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
    return 0;
};
