import type { AgreementVersion } from './version-model.js';

/*
 * Cards are rendered deep in the send queue and the card handlers, which know a version but not the server's
 * address. startLantern sets the base once it listens: config.server.publicUrl, or the address it listens on
 * (the demo). Without one (a unit test), cards keep the text inside the card instead of linking to it.
 */
let base = '';

/** Sets the address the policy pages are reached at (no trailing slash needed). */
export function setPolicyPageBase(url: string | undefined): void {
  base = (url ?? '').replace(/\/+$/, '');
}

/** The path of a version's full-text page: /policies/<school>/<policy>/v<number>. */
export function policyPagePath(version: Pick<AgreementVersion, 'schoolId' | 'policyId' | 'number'>): string {
  return `/policies/${encodeURIComponent(version.schoolId)}/${encodeURIComponent(version.policyId)}/v${version.number}`;
}

/** The absolute link to a version's full-text page, or '' when Lantern's address is not known. */
export function policyPageUrl(version: Pick<AgreementVersion, 'schoolId' | 'policyId' | 'number'>): string {
  return base ? `${base}${policyPagePath(version)}` : '';
}
