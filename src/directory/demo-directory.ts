import type { PersonInput, YearGroup } from './person.js';

/**
 * The Entra object id the Microsoft 365 Agents Playground sends for its default user. The demo directory
 * gives it to a member of staff so that the Playground talks to Lantern as a teacher.
 */
export const PLAYGROUND_USER_AAD_ID = '00000000-0000-0000-0000-0000000000020';

const DOMAIN = 'northgate.example';
const PUPIL_DOMAIN = `pupils.${DOMAIN}`;

const FORMS: readonly { yearGroup: YearGroup; form: string }[] = [
  { yearGroup: 'R', form: 'Hedgehogs' },
  { yearGroup: '1', form: 'Robins' },
  { yearGroup: '2', form: 'Wrens' },
  { yearGroup: '3', form: 'Kestrels' },
  { yearGroup: '4', form: 'Otters' },
  { yearGroup: '5', form: 'Badgers' },
  { yearGroup: '6', form: 'Falcons' },
];

const FIRST_NAMES = [
  'Ava', 'Noah', 'Isla', 'Leo', 'Amara', 'Oscar', 'Maya', 'Arlo', 'Zara', 'Theo', 'Ruby', 'Kai', 'Ellie', 'Yusuf',
  'Freya', 'Reuben', 'Hana', 'Finley', 'Priya', 'Alfie', 'Sienna', 'Musa', 'Poppy', 'Jude', 'Layla', 'Otis', 'Nia',
  'Rory', 'Esme', 'Ibrahim', 'Willow', 'Caleb', 'Aisha', 'Jasper', 'Lottie',
];
const SURNAMES = [
  'Adebayo', 'Bennett', 'Chowdhury', 'Davies', 'Evans', 'Fletcher', 'Gallagher', 'Hussain', 'Iqbal', 'Jones', 'Kowalski',
  'Lewis', 'Mensah', 'Nowak', 'Oduya', 'Patel', 'Quinn', 'Rahman', 'Shah', 'Thompson', 'Usman', 'Varga', 'Walsh',
  'Yilmaz', 'Zielinski', 'Barker', 'Clarke', 'Doyle',
];

const STAFF: readonly (Omit<PersonInput, 'role' | 'email'> & { email: string })[] = [
  { personId: 'staff-001', displayName: 'Helen Carter', email: `h.carter@${DOMAIN}`, jobTitle: 'Headteacher' },
  { personId: 'staff-002', displayName: 'Ruth Okafor', email: `r.okafor@${DOMAIN}`, jobTitle: 'Deputy head and designated safeguarding lead' },
  { personId: 'staff-003', displayName: 'Mark Hughes', email: `m.hughes@${DOMAIN}`, jobTitle: 'Deputy designated safeguarding lead' },
  { personId: 'staff-004', displayName: 'Sam Whitfield', email: `s.whitfield@${DOMAIN}`, jobTitle: 'IT manager' },
  { personId: 'staff-005', displayName: 'Alex Wilber', email: `a.wilber@${DOMAIN}`, jobTitle: 'Class teacher', formsTaught: ['Robins'], aadObjectId: PLAYGROUND_USER_AAD_ID },
  { personId: 'staff-006', displayName: 'Grace Liu', email: `g.liu@${DOMAIN}`, jobTitle: 'Class teacher', formsTaught: ['Hedgehogs'] },
  { personId: 'staff-007', displayName: 'Tom Ashworth', email: `t.ashworth@${DOMAIN}`, jobTitle: 'Class teacher', formsTaught: ['Kestrels'] },
  { personId: 'staff-008', displayName: 'Bea Kaur', email: `b.kaur@${DOMAIN}`, jobTitle: 'Class teacher', formsTaught: ['Wrens'] },
  { personId: 'staff-009', displayName: 'Daniel Reid', email: `d.reid@${DOMAIN}`, jobTitle: 'Class teacher', formsTaught: ['Otters'] },
  { personId: 'staff-010', displayName: 'Fatima Malik', email: `f.malik@${DOMAIN}`, jobTitle: 'Class teacher', formsTaught: ['Badgers'] },
  { personId: 'staff-011', displayName: 'Owen Price', email: `o.price@${DOMAIN}`, jobTitle: 'Class teacher', formsTaught: ['Falcons'] },
  { personId: 'staff-012', displayName: 'Lucy Marsh', email: `l.marsh@${DOMAIN}`, jobTitle: 'Teaching assistant' },
  { personId: 'staff-013', displayName: 'Kwame Boateng', email: `k.boateng@${DOMAIN}`, jobTitle: 'SENCo' },
  { personId: 'staff-014', displayName: 'Jo Pearce', email: `j.pearce@${DOMAIN}`, jobTitle: 'School business manager' },
  { personId: 'staff-015', displayName: 'Chris Dunn', email: `c.dunn@${DOMAIN}`, jobTitle: 'Supply teacher' },
];

const GOVERNORS: readonly PersonInput[] = [
  { personId: 'gov-001', displayName: 'Margaret Ellison', email: `m.ellison@${DOMAIN}`, role: 'governor', jobTitle: 'Chair of governors' },
  { personId: 'gov-002', displayName: 'Imran Siddiqui', email: `i.siddiqui@${DOMAIN}`, role: 'governor', jobTitle: 'Safeguarding link governor' },
  { personId: 'gov-003', displayName: 'Claire Fenwick', email: `c.fenwick@${DOMAIN}`, role: 'governor', jobTitle: 'Parent governor' },
];

const VOLUNTEERS: readonly PersonInput[] = [
  { personId: 'vol-001', displayName: 'Peter Oakes', email: `p.oakes@${DOMAIN}`, role: 'volunteer', jobTitle: 'Reading volunteer' },
];

const PUPILS_PER_FORM = 10;

/** Builds Northgate Primary's fictional directory: staff, governors, a volunteer, 70 pupils and their parents. */
export function demoDirectory(): PersonInput[] {
  const people: PersonInput[] = [
    ...STAFF.map((s) => ({ ...s, role: 'staff' as const })),
    ...GOVERNORS,
    ...VOLUNTEERS,
  ];
  let n = 0;
  for (const { yearGroup, form } of FORMS) {
    for (let i = 0; i < PUPILS_PER_FORM; i++, n++) {
      const first = FIRST_NAMES[(n * 7) % FIRST_NAMES.length] as string;
      const last = SURNAMES[(n * 11 + 3) % SURNAMES.length] as string;
      const pupilId = `pupil-${String(n + 1).padStart(3, '0')}`;
      people.push({
        personId: pupilId,
        displayName: `${first} ${last}`,
        email: `${first}.${last}${n + 1}@${PUPIL_DOMAIN}`.toLowerCase(),
        role: 'pupil',
        yearGroup,
        form,
      });
      people.push({
        personId: `parent-${String(n + 1).padStart(3, '0')}`,
        displayName: `${FIRST_NAMES[(n * 5 + 13) % FIRST_NAMES.length] as string} ${last}`,
        email: `${last}.family${n + 1}@example.com`.toLowerCase(),
        role: 'parent',
        childrenIds: [pupilId],
      });
    }
  }
  return people;
}
