import type { RecordKind } from '../types.js';
import { asObject, type JsonObject } from './read.js';

/**
 * Recognises a record's native shape from the keys it carries (not their types: a record with the right
 * keys but wrong types is then reported as malformed rather than as an unknown kind).
 */
export function detectKind(raw: unknown): RecordKind | undefined {
  const o = asObject(raw);
  if (!o) return undefined;
  if ('events' in o && asObject(o.id) !== undefined && 'applicationName' in (o.id as JsonObject)) return 'google.reports.activity';
  if (o.kind === 'admin#reports#activity') return 'google.reports.activity';
  // An Alert Center alert: its id is alertId and it names its type and source.
  if ('alertId' in o && 'type' in o && 'source' in o) return 'google.alert';
  if ('Operation' in o && ('CreationTime' in o || 'RecordType' in o || 'Workload' in o)) return 'o365.management.activity';
  const odata = typeof o['@odata.type'] === 'string' ? (o['@odata.type'] as string).toLowerCase() : '';
  if (odata.endsWith('signin')) return 'graph.signIn';
  if (odata.endsWith('directoryaudit')) return 'graph.directoryAudit';
  if (odata.endsWith('alert')) return 'graph.alert';
  if ('activityDisplayName' in o && 'activityDateTime' in o) return 'graph.directoryAudit';
  if ('createdDateTime' in o) {
    if ('userPrincipalName' in o || 'signInEventTypes' in o || 'riskState' in o || 'appDisplayName' in o || asObject(o.status) !== undefined) {
      return 'graph.signIn';
    }
    if ('severity' in o && ('serviceSource' in o || 'detectionSource' in o || 'title' in o || 'alertWebUrl' in o)) return 'graph.alert';
  }
  return undefined;
}
