import type { LanternConfig, School } from '../../config/load.js';
import { CommandUsageError } from './args.js';

function known(config: LanternConfig): string {
  return config.schools.map((s) => s.id).join(', ');
}

/** The school named by `--school`, or the only one configured; otherwise a usage error listing the ids. */
export function pickSchool(config: LanternConfig, id: string | undefined): School {
  if (id !== undefined) {
    const school = config.schools.find((s) => s.id === id);
    if (!school) throw new CommandUsageError(`There is no school "${id}" in ${config.source}; use one of: ${known(config)}.`);
    return school;
  }
  if (config.schools.length === 1) return config.schools[0] as School;
  throw new CommandUsageError(`Several schools are configured: add --school with one of ${known(config)}.`);
}

/** Every configured school, or only the one `--school` names (a usage error when it names none). */
export function schoolsNamed(config: LanternConfig, id: string | undefined): School[] {
  return id === undefined ? [...config.schools] : [pickSchool(config, id)];
}
