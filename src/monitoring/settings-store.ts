import type { School } from '../config/load.js';
import type { Models } from '../stores.js';
import { sealedChange } from './change-chain.js';
import type { ChangeLogEntry, ChangeResult, ChangeWhat, MonitoringSettings } from './changes.js';
import { normaliseDomain } from './domains.js';
import type { RuleSettings } from './settings.js';
import { foldChangeLog, type FoldedSettings } from './settings-log.js';
import { loadActiveSuppressions } from './store.js';
import { isActive, type Suppression } from './suppressions.js';
import { isDuplicateKey, pauseBeforeRetry } from '../db/errors.js';

type SettingsModels = Pick<Models, 'integrity' | 'monitoringChanges' | 'suppressions'>;

/** The settings a poll runs with for one school: the change log folded, config and log allowlists merged. */
export interface EffectiveMonitoring {
  rules: RuleSettings;
  /** Suppressions active now. */
  suppressions: Suppression[];
  /** The config's trusted domains plus the ones added through the change log. */
  trustedDomains: string[];
  approvedApps: string[];
  /** Last change-log entry included (0: none). */
  seq: number;
}

/** A change that was stored: its sequence number, the log entry and the settings after it. */
export interface RecordedChange {
  seq: number;
  entry: ChangeLogEntry;
  settings: MonitoringSettings;
}

const MAX_ATTEMPTS = 20;

/** Folds a school's whole change log (changes are made by people, so the log stays small). */
export async function loadSettingsLog(models: Pick<Models, 'monitoringChanges'>, schoolId: string): Promise<FoldedSettings> {
  const entries = await models.monitoringChanges.find({ schoolId }, { seq: 1, what: 1 }).sort({ seq: 1 }).lean();
  return foldChangeLog(entries.map((e) => ({ seq: e.seq, what: e.what })));
}

/**
 * Makes one change. `make` computes it from the current settings (and throws, storing nothing, when the
 * change is invalid); the entry is then inserted as exactly entry n+1 of the log. FerretDB updates are not
 * atomic but that unique insert is: when two people change settings at once, one insert wins, the other
 * re-reads the log (now including the winner's change) and tries again as n+2. No change is lost and each
 * entry's `before` is what really came before it.
 */
export async function recordChange(models: SettingsModels, schoolId: string, make: (current: MonitoringSettings) => ChangeResult): Promise<RecordedChange> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const folded = await loadSettingsLog(models, schoolId);
    const result = make(folded.settings);
    const seq = folded.seq + 1;
    try {
      await models.monitoringChanges.create(sealedChange(models.integrity, { schoolId, seq, at: new Date(result.entry.at), who: result.entry.who, why: result.entry.why, what: result.entry.what }));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await pauseBeforeRetry(attempt + 1);
      continue;
    }
    await mirrorSuppression(models, schoolId, result.entry.what, new Date(result.entry.at));
    return { seq, entry: result.entry, settings: result.settings };
  }
  throw new Error(`Could not record the monitoring change after ${MAX_ATTEMPTS} attempts (others were changing settings at the same time); try again.`);
}

/**
 * Keeps the suppressions collection (read by listings and by older code) in step with the log. The log
 * decides: should this write be lost to a crash, `loadEffectiveMonitoring` still applies the logged change.
 */
async function mirrorSuppression(models: SettingsModels, schoolId: string, what: ChangeWhat, at: Date): Promise<void> {
  if (what.type === 'suppression.add') {
    const s = what.suppression;
    await models.suppressions.updateOne(
      { schoolId, suppressionId: s.id },
      {
        $set: {
          reason: s.reason,
          createdBy: s.createdBy,
          expiresAt: new Date(s.expiresAt),
          ...(s.ruleId ? { ruleId: s.ruleId } : {}),
          ...(s.family ? { family: s.family } : {}),
          ...(s.actor ? { actor: s.actor } : {}),
          ...(s.objectId ? { objectId: s.objectId } : {}),
          ...(s.domain ? { domain: s.domain } : {}),
        },
      },
      { upsert: true },
    );
  } else if (what.type === 'suppression.remove') {
    await models.suppressions.updateOne({ schoolId, suppressionId: what.suppression.id }, { $set: { removedAt: at } });
  }
}

/**
 * What monitoring applies to a school right now: rule overrides, active suppressions and the allowlists.
 * Read at the start of every poll, so a change made with the CLI applies from the next poll without a
 * restart. Suppressions stored only in the suppressions collection (not through the log) count too.
 */
export async function loadEffectiveMonitoring(models: SettingsModels, school: Pick<School, 'id' | 'trustedDomains'>, now: Date): Promise<EffectiveMonitoring> {
  const folded = await loadSettingsLog(models, school.id);
  const nowMs = now.getTime();
  const suppressions = folded.settings.suppressions.filter((s) => isActive(s, nowMs));
  for (const s of await loadActiveSuppressions(models.suppressions, school.id, now)) {
    if (!folded.loggedSuppressionIds.has(s.id)) suppressions.push(s);
  }
  const trusted = new Set([...(school.trustedDomains ?? []), ...folded.settings.trustedDomains].map(normaliseDomain).filter(Boolean));
  return {
    rules: folded.settings.rules,
    suppressions,
    trustedDomains: [...trusted],
    approvedApps: [...(folded.settings.approvedApps ?? [])],
    seq: folded.seq,
  };
}
