import { CasesSettingsSchema, type FileConfig } from './schema.js';

/** The fictional school `npm start` runs when no configuration file is given. */
export const DEMO_SCHOOL_ID = 'northgate';

/** Configuration of the demo school, Northgate Primary (all people and domains are fictional). */
export function demoFileConfig(): FileConfig {
  return {
    schools: [
      {
        id: DEMO_SCHOOL_ID,
        name: 'Northgate Primary',
        timezone: 'Europe/London',
        caseNumberPrefix: 'NGP',
        ownDomains: ['northgate.example'],
        trustedDomains: ['northshire-council.example', 'northgate-trust.example'],
        dsl: {
          members: [
            { email: 'r.okafor@northgate.example', role: 'dsl' },
            { email: 'm.hughes@northgate.example', role: 'deputy' },
          ],
          channel: { teamId: 'demo-team-safeguarding', channelId: '19:demo-dsl-channel@thread.tacv2' },
        },
        // Pure IT-security matters (no child, no pupil data) go to the IT manager, not the DSL.
        it: {
          members: [{ email: 's.whitfield@northgate.example' }],
          channel: { teamId: 'demo-team-it', channelId: '19:demo-it-channel@thread.tacv2' },
        },
        // After the deputy DSL, an unacknowledged high case goes to the head teacher.
        cases: CasesSettingsSchema.parse({ escalationLadder: [{ email: 'h.carter@northgate.example', role: 'head teacher' }] }),
        directory: { source: 'demo' },
        // Enabled so `lantern digest preview` shows something; sending needs LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE.
        digest: {
          enabled: true,
          day: 'monday',
          time: '07:00',
          recipients: ['m.ellison@northgate.example', 'i.siddiqui@northgate.example'],
          transport: 'gmail',
          sender: 'lantern@northgate.example',
          annualReviewDate: '2026-02-10',
        },
        // The IT manager logs the filter checks on the Teams card ("filter check").
        records: { trainingReminderDays: [30, 7], filterCheckEveryDays: 31, filterCheckers: ['s.whitfield@northgate.example'] },
      },
    ],
    server: { host: '127.0.0.1', port: 3978 },
    bot: {},
    dataDir: '.lantern/data',
  };
}
