import type { AgreementVersion } from './version-model.js';

/** The path of a version's full-text page: /policies/<school>/<policy>/v<number>. */
export function policyPagePath(version: Pick<AgreementVersion, 'schoolId' | 'policyId' | 'number'>): string {
  return `/policies/${encodeURIComponent(version.schoolId)}/${encodeURIComponent(version.policyId)}/v${version.number}`;
}

/** The absolute link to a version's full-text page, or '' when Lantern's address is not known. */
export type PolicyPageLinks = (version: Pick<AgreementVersion, 'schoolId' | 'policyId' | 'number'>) => string;

/**
 * Links to the policy pages at `base()`: config.server.publicUrl, or in the demo the address it listens on, which
 * is known only once it listens (so it is read when a card is built). Without an address cards keep the text
 * inside the card instead of linking to it.
 */
export function policyPageLinks(base: () => string | undefined): PolicyPageLinks {
  return (version) => {
    const at = (base() ?? '').replace(/\/+$/, '');
    return at ? `${at}${policyPagePath(version)}` : '';
  };
}
