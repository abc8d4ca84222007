import { PERSONAL_MAIL_BRANDS, PERSONAL_MAIL_DOMAINS } from './personal-domains.js';

/** How a domain relates to the school: its own, a trusted partner, a consumer mail provider, or anyone else. */
export type DomainClass = 'own' | 'trusted' | 'personal' | 'external';

/** Lower-cases a domain and drops surrounding whitespace and trailing dots ("Example.COM." → "example.com"). */
export function normaliseDomain(domain: string): string {
  let d = domain.trim().toLowerCase();
  while (d.endsWith('.')) d = d.slice(0, -1);
  return d;
}

/** The domain part of an address ("A@B.org" → "b.org"); '' when there is no usable domain. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return '';
  const d = normaliseDomain(address.slice(at + 1));
  return d.includes('.') || d === 'localhost' ? d.replace(/^\.+/, '') : '';
}

/**
 * True when `domain` is `base` or a true subdomain of it, case-insensitively:
 * `pupils.school.sch.uk` is under `school.sch.uk`; `school.sch.uk.example.com` and `myschool.sch.uk` are not.
 */
export function isSameOrSubdomain(domain: string, base: string): boolean {
  const d = normaliseDomain(domain);
  const b = normaliseDomain(base);
  if (b === '') return false;
  return d === b || (d.length > b.length && d.endsWith(b) && d.charCodeAt(d.length - b.length - 1) === 46 /* . */);
}

const personalExact = new Set(PERSONAL_MAIL_DOMAINS);
const brandPattern = new RegExp(`^(?:${PERSONAL_MAIL_BRANDS.join('|')})\\.(?:[a-z]{2}|co\\.[a-z]{2}|com\\.[a-z]{2})$`);

/** True for consumer mail domains such as gmail.com, hotmail.co.uk or yahoo.fr. */
export function isPersonalMailDomain(domain: string): boolean {
  const d = normaliseDomain(domain);
  return personalExact.has(d) || brandPattern.test(d);
}

/**
 * Classifies domains against a school's own and trusted lists, memoising answers (audit logs repeat the
 * same few domains millions of times). Own wins over trusted, trusted over personal.
 */
export class DomainClassifier {
  private readonly own: readonly string[];
  private readonly trusted: readonly string[];
  private readonly cache = new Map<string, DomainClass>();

  constructor(ownDomains: readonly string[], trustedDomains: readonly string[]) {
    this.own = ownDomains.map(normaliseDomain).filter(Boolean);
    this.trusted = trustedDomains.map(normaliseDomain).filter(Boolean);
  }

  /** Class of a bare domain; '' (no domain) counts as external so that an unreadable recipient is not trusted. */
  classify(domain: string): DomainClass {
    let cls = this.cache.get(domain);
    if (cls !== undefined) return cls;
    const d = normaliseDomain(domain);
    if (d !== '' && this.own.some((b) => isSameOrSubdomain(d, b))) cls = 'own';
    else if (d !== '' && this.trusted.some((b) => isSameOrSubdomain(d, b))) cls = 'trusted';
    else if (isPersonalMailDomain(d)) cls = 'personal';
    else cls = 'external';
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(domain, cls);
    return cls;
  }

  /** Class of an email address's domain. */
  classifyAddress(address: string): DomainClass {
    return this.classify(domainOf(address));
  }

  /** True when the address is outside the school and its trusted partners (personal or external). */
  isOutside(address: string): boolean {
    const cls = this.classifyAddress(address);
    return cls === 'personal' || cls === 'external';
  }
}
