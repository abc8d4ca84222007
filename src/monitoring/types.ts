/** The detection families of PRODUCT.md B4. */
export const FAMILIES = [
  'sharing.public_link',
  'sharing.external_user',
  'sharing.ownership_transfer_external',
  'sharing.calendar_public',
  'email.external_forwarding',
  'email.malicious_inbound',
  'account.compromise_signal',
  'account.mfa_disabled',
  'account.privilege_grant',
  'app.risky_oauth_grant',
  'data.mass_download',
  'data.mass_delete',
  // Not in B4's list: B5 requires anything that may involve an indecent image of a child to be marked.
  'content.indecent_image',
] as const;
/** A detection family id. */
export type Family = (typeof FAMILIES)[number];

/** The "4 Cs" of online safety, plus `security` for technical account and data risks. */
export const CATEGORIES = ['content', 'contact', 'conduct', 'commerce', 'security'] as const;
/** A detection category. */
export type Category = (typeof CATEGORIES)[number];

/** Detection severities, lowest first (the order matters: raising moves one step right). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
/** A detection severity. */
export type Severity = (typeof SEVERITIES)[number];

/** Which vendor an audit record came from. */
export type Source = 'google' | 'microsoft';

/** The native record shapes Lantern reads. */
export const RECORD_KINDS = [
  'google.reports.activity',
  'o365.management.activity',
  'graph.signIn',
  'graph.directoryAudit',
  'graph.alert',
  'google.alert',
] as const;
/** A native record kind. */
export type RecordKind = (typeof RECORD_KINDS)[number];

/** The site and list of a SharePoint / OneDrive item: with the item's list-item id, enough for Graph to find it. */
export interface ItemLocation {
  siteUrl: string;
  listId: string;
}

/**
 * What a rule found, as stored and shown to the DSL team. Metadata only: never file contents, message
 * bodies, subjects or file titles (a title only ever becomes the `looksLikePupilData` flag).
 */
export interface Detection {
  ruleId: string;
  family: Family;
  severity: Severity;
  category: Category;
  source: Source;
  kind: RecordKind;
  /** Ids of the records involved: Google `id.uniqueQualifier`, Management API `Id`, Graph `id`. */
  eventIds: string[];
  /** How many matching events this detection stands for (repeats fold into one detection). */
  count: number;
  /** Event times (ms since the epoch; NaN when the record had no usable time). */
  firstSeen: number;
  lastSeen: number;
  /** Email / UPN of whoever acted, lower-case; '' when the record names nobody. */
  actor: string;
  /** The actor's role in the school directory, when known. */
  actorRole?: string;
  /** The counterparty: recipient, forwarding address, grantee, new owner, app. */
  target?: string;
  /** Opaque id of the object acted on (Drive doc id, SharePoint item id or URL hash, policy id). */
  objectId?: string;
  /** The object's title looked like pupil data (class list, SEN register, reports…). The title is not kept. */
  looksLikePupilData: boolean;
  /** A pupil acted, a pupil's account was the target, or pupil data was involved. */
  pupilInvolved: boolean;
  /** SharePoint / OneDrive items: the site and list holding `objectId` (a list-item id), for remediation. */
  location?: ItemLocation;
  /**
   * The item may involve an indecent image of a child (B5, UKCIS): the case card shows "do not view" and no
   * link, and nothing shows, copies or forwards the item. Set by the rule (every hit) or the hit.
   */
  mayInvolveIndecentImage?: boolean;
  /** The account-safety detection is about this admin account (its severity was raised). */
  adminAccount?: string;
  /** Plain English for the DSL card; never contains a file title or message subject. */
  summary: string;
  /** What to do next, from the rule's metadata. */
  runbook: string;
  /** Repeats with the same key inside the rule's fold window fold into one detection. */
  foldKey: string;
}
