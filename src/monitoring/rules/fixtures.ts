import type { TenantInput } from '../tenant.js';

/**
 * Fixture factories for rule samples and tests: each returns a record in the vendor's native shape with
 * sensible defaults, changed by `overrides`. Ids and times advance per call so repeated records differ.
 */

/** The sample school every rule sample runs against unless it names its own tenant. */
export const SAMPLE_TENANT: TenantInput = {
  ownDomains: ['northgate.example'],
  trustedDomains: ['northshire-council.example'],
  people: [
    { email: 'r.okafor@northgate.example', role: 'staff', dsl: true },
    { email: 'j.smith@northgate.example', role: 'staff' },
    { email: 'it.admin@northgate.example', role: 'staff' },
    { email: 'amira.k@northgate.example', role: 'pupil', yearGroup: '6', form: '6B' },
    { email: 'leo.p@northgate.example', role: 'pupil', yearGroup: '5', form: '5A' },
  ],
};
/** A member of staff in the sample school. */
export const STAFF = 'j.smith@northgate.example';
/** A pupil in the sample school. */
export const PUPIL = 'amira.k@northgate.example';
/** The sample school's IT administrator. */
export const ADMIN = 'it.admin@northgate.example';

let seq = 0;
const BASE_TIME = Date.parse('2026-03-02T09:00:00.000Z');

/** The next fixture number (unique within a process). */
function next(): number {
  return ++seq;
}

/** An ISO time `seconds` after the fixtures' base time. */
export function at(seconds: number): string {
  return new Date(BASE_TIME + seconds * 1000).toISOString();
}

type ParamValue = string | number | boolean | readonly string[] | { readonly [k: string]: ParamValue } | readonly { readonly [k: string]: ParamValue }[];

/** Builds a Reports API parameter list from a plain object (strings → value, booleans → boolValue, numbers → intValue, objects → messageValue). */
export function params(values: Readonly<Record<string, ParamValue>>): Record<string, unknown>[] {
  return Object.entries(values).map(([name, v]) => {
    if (typeof v === 'boolean') return { name, boolValue: v };
    if (typeof v === 'number') return { name, intValue: String(v) };
    if (typeof v === 'string') return { name, value: v };
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x === 'string')) return { name, multiValue: [...v] };
      return { name, multiMessageValue: (v as { [k: string]: ParamValue }[]).map((m) => ({ parameter: params(m) })) };
    }
    return { name, messageValue: { parameter: params(v as { [k: string]: ParamValue }) } };
  });
}

/** A Reports API activity with one event. */
export function makeGoogleEvent(
  application: string,
  name: string,
  values: Readonly<Record<string, ParamValue>> = {},
  overrides: { actor?: string; time?: string; type?: string; id?: string; ip?: string } = {},
): Record<string, unknown> {
  const n = next();
  return {
    kind: 'admin#reports#activity',
    id: { time: overrides.time ?? at(n), uniqueQualifier: overrides.id ?? `-${1000000 + n}`, applicationName: application, customerId: 'C03az79cb' },
    actor: { callerType: 'USER', email: overrides.actor ?? STAFF, profileId: String(100000 + n) },
    ipAddress: overrides.ip ?? '203.0.113.10',
    events: [{ type: overrides.type ?? 'access', name, parameters: params(values) }],
  };
}

/** A Drive event (`applicationName: drive`). */
export function makeDriveEvent(name: string, values: Readonly<Record<string, ParamValue>> = {}, overrides: Parameters<typeof makeGoogleEvent>[3] = {}): Record<string, unknown> {
  return makeGoogleEvent('drive', name, { doc_id: '1AbCdEfGhIjKlMnOp', doc_type: 'document', doc_title: 'Lesson plan', owner: overrides.actor ?? STAFF, ...values }, { type: 'acl_change', ...overrides });
}

/** A Google login event. */
export function makeLoginEvent(name: string, values: Readonly<Record<string, ParamValue>> = {}, overrides: Parameters<typeof makeGoogleEvent>[3] = {}): Record<string, unknown> {
  return makeGoogleEvent('login', name, values, { type: 'login', ...overrides });
}

/** An Office 365 Management Activity record. */
export function makeO365(operation: string, fields: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const n = next();
  return {
    CreationTime: at(n).slice(0, 19),
    Id: `0f1e2d3c-0000-4000-8000-${String(n).padStart(12, '0')}`,
    Operation: operation,
    OrganizationId: '5c3e1a2b-7d9f-4e8a-b6c4-1f2e3d4c5b6a',
    RecordType: 6,
    UserId: STAFF,
    UserType: 0,
    Workload: 'OneDrive',
    ClientIP: '203.0.113.10',
    ...fields,
  };
}

/** A Microsoft Graph signIn. */
export function makeSignIn(fields: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const n = next();
  return {
    id: `5a1b2c3d-0000-4000-8000-${String(n).padStart(12, '0')}`,
    createdDateTime: at(n),
    userPrincipalName: STAFF,
    userId: `user-${n}`,
    appDisplayName: 'Office 365',
    ipAddress: '203.0.113.10',
    location: { city: 'Leeds', countryOrRegion: 'GB' },
    status: { errorCode: 0, failureReason: null },
    riskLevelDuringSignIn: 'none',
    riskLevelAggregated: 'none',
    riskState: 'none',
    riskEventTypes_v2: [],
    conditionalAccessStatus: 'success',
    clientAppUsed: 'Browser',
    authenticationRequirement: 'multiFactorAuthentication',
    ...fields,
  };
}

/** A Microsoft Graph directoryAudit. */
export function makeDirectoryAudit(activity: string, fields: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const n = next();
  return {
    id: `Directory_${n}`,
    category: 'UserManagement',
    correlationId: `corr-${n}`,
    activityDateTime: at(n),
    activityDisplayName: activity,
    loggedByService: 'Core Directory',
    operationType: 'Update',
    result: 'success',
    resultReason: '',
    initiatedBy: { user: { id: 'admin-1', userPrincipalName: ADMIN, ipAddress: '203.0.113.10' }, app: null },
    targetResources: [],
    additionalDetails: [],
    ...fields,
  };
}

/** A Microsoft Graph security alert (v2). */
export function makeAlert(fields: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const n = next();
  return {
    id: `alert-${n}`,
    title: 'Anonymous IP address',
    category: 'InitialAccess',
    createdDateTime: at(n),
    lastUpdateDateTime: at(n),
    severity: 'medium',
    status: 'new',
    serviceSource: 'microsoftDefenderForIdentity',
    evidence: [{ '@odata.type': '#microsoft.graph.security.userEvidence', userAccount: { userPrincipalName: STAFF } }],
    ...fields,
  };
}

/** A Google Workspace Alert Center alert (`alerts.list` item); `data` fields replace the default account warning's. */
export function makeGoogleAlert(fields: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const n = next();
  return {
    customerId: '03az79cb',
    alertId: `gac-${n}`,
    createTime: at(n),
    startTime: at(n),
    updateTime: at(n),
    type: 'Suspicious login',
    source: 'Google identity',
    data: { '@type': 'type.googleapis.com/google.apps.alertcenter.type.AccountWarning', email: STAFF },
    deleted: false,
    ...fields,
  };
}

/** `count` records from `make(i)`, i = 0…count-1 (for threshold samples). */
export function repeat(count: number, make: (i: number) => Record<string, unknown>): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => make(i));
}
