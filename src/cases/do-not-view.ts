/**
 * UKCIS "sharing nudes" guidance: nobody should be led to view a possible indecent image of a child. On a
 * "do not view" case the card shows no link to anything, even one a reporter typed into their concern.
 */
const LINK = /\b(?:https?:\/\/|www\.)\S+|\b[\w.-]+\.(?:sharepoint|onedrive|google|googleusercontent|dropbox|icloud)\.(?:com|co\.uk)\/\S*/gi;

/** Shown in place of a link on a "do not view" case. */
export const LINK_REMOVED = '[link removed: do not view]';

/** The text with every web link replaced, for a "do not view" case; unchanged otherwise. */
export function withoutLinks(text: string, doNotView: boolean): string {
  return doNotView ? text.replace(LINK, LINK_REMOVED) : text;
}
