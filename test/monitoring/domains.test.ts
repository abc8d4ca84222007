import { describe, expect, it } from 'vitest';
import { DomainClassifier, domainOf, isPersonalMailDomain, isSameOrSubdomain } from '../../src/monitoring/domains.js';
import { looksLikePupilData } from '../../src/monitoring/pupil-data.js';
import { createTenantContext } from '../../src/monitoring/tenant.js';

describe('domain classification', () => {
  const c = new DomainClassifier(['school.sch.uk', 'northgate.example'], ['northshire-council.gov.uk']);

  it.each([
    ['school.sch.uk', 'own'],
    ['SCHOOL.SCH.UK', 'own'],
    ['pupils.school.sch.uk', 'own'],
    ['school.sch.uk.', 'own'],
    ['school.sch.uk.example.com', 'external'],
    ['myschool.sch.uk', 'external'],
    ['sch.uk', 'external'],
    ['northshire-council.gov.uk', 'trusted'],
    ['social.northshire-council.gov.uk', 'trusted'],
    ['gmail.com', 'personal'],
    ['GoogleMail.com', 'personal'],
    ['hotmail.co.uk', 'personal'],
    ['yahoo.fr', 'personal'],
    ['btinternet.com', 'personal'],
    ['icloud.com', 'personal'],
    ['outlook.com', 'personal'],
    ['gmail.com.evil.example', 'external'],
    ['example.org', 'external'],
    ['', 'external'],
  ])('%s is %s', (domain, expected) => {
    expect(c.classify(domain)).toBe(expected);
  });

  it('classifies addresses by their domain, case-insensitively', () => {
    expect(c.classifyAddress('J.Smith@Pupils.School.Sch.UK')).toBe('own');
    expect(c.classifyAddress('someone@Gmail.com')).toBe('personal');
    expect(c.classifyAddress('not an address')).toBe('external');
    expect(c.isOutside('x@yahoo.co.uk')).toBe(true);
    expect(c.isOutside('x@northgate.example')).toBe(false);
  });

  it('own domains win over the personal list (a school that really owns one)', () => {
    expect(new DomainClassifier(['gmail.com'], []).classify('gmail.com')).toBe('own');
  });

  it('reads domains out of odd addresses', () => {
    expect(domainOf('homer.simpson@.springfield.io')).toBe('springfield.io');
    expect(domainOf('no-at-sign')).toBe('');
    expect(domainOf('a@localhost')).toBe('localhost');
    expect(isSameOrSubdomain('a.b.c', 'b.c')).toBe(true);
    expect(isSameOrSubdomain('ab.c', 'b.c')).toBe(false);
    expect(isPersonalMailDomain('orange.com')).toBe(false);
  });
});

describe('tenant context', () => {
  it('finds people by email in any case and ignores unknown roles', () => {
    const ctx = createTenantContext({
      ownDomains: ['northgate.example'],
      people: [
        { email: 'Amira.K@Northgate.example', role: 'pupil', yearGroup: '6' },
        { email: 'x@northgate.example', role: 'wizard' as never },
      ],
    });
    expect(ctx.isPupil('amira.k@northgate.example')).toBe(true);
    expect(ctx.person('AMIRA.K@NORTHGATE.EXAMPLE')?.yearGroup).toBe('6');
    expect(ctx.person('x@northgate.example')).toBeUndefined();
    expect(ctx.isPupil(undefined)).toBe(false);
  });
});

describe('pupil-data titles', () => {
  it.each(['Year 6 class list', 'SEND register 2026', 'EHCP review - A.K.', 'Safeguarding log', 'Autumn attendance', 'End of year reports 5B', 'FSM pupils', 'Pupil premium tracker', 'Medical needs and allergies', 'Behaviour log Y9'])(
    '"%s" looks like pupil data',
    (title) => expect(looksLikePupilData(title)).toBe(true),
  );
  it.each(['Q4 Financial Report', 'Lesson plan week 3', 'Staff rota', 'Hosted Accounts', '', 'Sensible sentences'])('"%s" does not', (title) =>
    expect(looksLikePupilData(title)).toBe(false),
  );
});
