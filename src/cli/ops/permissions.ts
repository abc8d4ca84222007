import type { CliIO, CommandInput } from '../command.js';
import { permissionsMarkdown } from '../../ops/permissions-table.js';
import type { permissionsOptions } from './commands.js';

/** `lantern permissions`: prints the Microsoft permissions and Google scopes Lantern's features call with. */
export async function permissions(_input: CommandInput<typeof permissionsOptions>, io: CliIO): Promise<number> {
  io.out(permissionsMarkdown());
  return 0;
}
