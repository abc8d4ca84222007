import { looksLikePupilData } from '../pupil-data.js';
import { paramText } from '../records/google-params.js';
import { text, type JsonObject } from '../records/read.js';
import type { GoogleEvent } from '../records/types.js';
import type { RuleHit } from '../rule.js';
import type { TenantContext } from '../tenant.js';
import type { Category } from '../types.js';
import { who } from './helpers.js';

/**
 * The hit of a bulk-file rule (mass download, mass delete). One is made for every matching event, but only
 * the counter key is read unless a burst passes the threshold; so the wording, the pupil check and the look
 * at the file title are getters on the prototype, and making a hit costs one small object (an accessor in
 * an object literal cost a closure and a slow literal per event, a fifth of the scan's own time on Drive logs).
 */
export class FileBurstHit<T> implements RuleHit {
  constructor(
    /** The actor: bursts are counted per account. */
    readonly counterKey: string,
    private readonly ctx: TenantContext,
    /** The wording: "<actor> <did> an unusual number of <place> <things> in a short time." */
    private readonly did: string,
    private readonly place: string,
    private readonly things: string,
    /** Where the file title is read from, and how (a plain function, so no closure per event). */
    private readonly titleSource: T,
    private readonly titleOf: (source: T) => string,
  ) {}

  get summary(): string {
    return `${who(this.counterKey)} ${this.did} an unusual number of ${this.place} ${this.things} in a short time.`;
  }

  get category(): Category {
    return this.ctx.isPupil(this.counterKey) ? 'conduct' : 'security';
  }

  get looksLikePupilData(): boolean {
    return looksLikePupilData(this.titleOf(this.titleSource));
  }
}

/** A Drive event's file title (the Reports API `doc_title` parameter). */
export function driveFileTitle(ev: GoogleEvent): string {
  return paramText(ev.parameters, 'doc_title');
}

/** A SharePoint / OneDrive record's file name. */
export function sharePointFileName(raw: JsonObject): string {
  return text(raw, 'SourceFileName');
}
