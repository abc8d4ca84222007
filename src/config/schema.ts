import { z } from 'zod';

/** True when `tz` is an IANA time zone name this Node.js knows (e.g. Europe/London). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const domainPattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(domainPattern, { error: 'must be a domain name such as northgate.sch.uk (no scheme, no @, no path)' });

const Email = z.string().trim().toLowerCase().email({ error: 'must be an email address such as dsl@northgate.sch.uk' });

const TimeZone = z
  .string()
  .refine(isTimeZone, { error: 'must be an IANA time zone name such as Europe/London' });

const Guid = z.string().regex(uuidPattern, { error: 'must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47' });

export const DslMemberSchema = z.strictObject({
  email: Email,
  role: z.enum(['dsl', 'deputy', 'member'], { error: 'must be one of dsl, deputy, member' }).default('member'),
});

export const DslTeamSchema = z.strictObject({
  members: z.array(DslMemberSchema).min(1, { error: 'list at least one member of the DSL team' }),
  channel: z.strictObject({
    teamId: z.string().min(1, { error: 'set the Teams team id (groupId) that holds the DSL channel' }),
    channelId: z.string().min(1, { error: 'set the id of the private DSL channel, e.g. 19:…@thread.tacv2' }),
  }),
});

export const DirectorySchema = z.discriminatedUnion(
  'source',
  [
    z.strictObject({ source: z.literal('demo') }),
    z.strictObject({ source: z.literal('csv'), file: z.string().min(1, { error: 'set the path of the directory CSV file' }) }),
  ],
  { error: 'set source to demo or csv' },
);

export const SchoolSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/, {
    error: 'must be 2–32 lower-case letters, digits or hyphens, e.g. northgate',
  }),
  name: z.string().trim().min(1, { error: 'set the school name shown to staff and governors' }),
  timezone: TimeZone.default('Europe/London'),
  caseNumberPrefix: z
    .string()
    .regex(/^[A-Z]{2,6}$/, { error: 'must be 2–6 capital letters, e.g. NGP' })
    .optional(),
  ownDomains: z.array(Domain).min(1, { error: "list the school's own email domains, e.g. [northgate.sch.uk]" }),
  trustedDomains: z.array(Domain).default([]),
  dsl: DslTeamSchema,
  microsoft: z.strictObject({ tenantId: Guid }).optional(),
  google: z
    .strictObject({
      customerId: z.string().regex(/^C[0-9a-z]{5,}$/i, { error: 'must be the Google customer id, e.g. C03az79cb' }),
    })
    .optional(),
  directory: DirectorySchema.default({ source: 'demo' }),
});

export const FileConfigSchema = z
  .strictObject({
    trust: z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/), name: z.string().min(1) }).optional(),
    schools: z.array(SchoolSchema).min(1, { error: 'list at least one school' }),
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3978),
        publicUrl: z.url({ error: 'must be the https URL Teams and browsers reach Lantern at' }).optional(),
      })
      .default({ host: '127.0.0.1', port: 3978 }),
    bot: z
      .strictObject({
        appId: Guid.optional(),
        tenantId: Guid.optional(),
      })
      .default({}),
    dataDir: z.string().min(1).default('.lantern/data'),
  })
  .superRefine((cfg, ctx) => {
    const seenIds = new Map<string, number>();
    const seenDomains = new Map<string, number>();
    cfg.schools.forEach((school, i) => {
      const earlier = seenIds.get(school.id);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['schools', i, 'id'], message: `duplicates schools[${earlier}].id; give each school its own id` });
      }
      seenIds.set(school.id, i);
      school.ownDomains.forEach((d, j) => {
        const other = seenDomains.get(d);
        if (other !== undefined && other !== i) {
          ctx.addIssue({
            code: 'custom',
            path: ['schools', i, 'ownDomains', j],
            message: `${d} already belongs to schools[${other}]; a domain belongs to one school`,
          });
        }
        seenDomains.set(d, i);
      });
    });
  });

export type FileConfig = z.infer<typeof FileConfigSchema>;
export type SchoolConfig = z.infer<typeof SchoolSchema>;
export type DslTeam = z.infer<typeof DslTeamSchema>;
