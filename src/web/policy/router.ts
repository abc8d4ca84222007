import { Router, type ErrorRequestHandler, type Response } from 'express';
import type { AgreementVersion } from '../../agreements/version-model.js';
import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Person } from '../../directory/person.js';
import { SIGN_CSS } from '../sign/assets.js';
import type { SignDeps } from '../sign/context.js';
import { signSecurityHeaders } from '../sign/security-headers.js';
import { POLICY_CSS_EXTRA, policyErrorPage, policyNotFoundPage, policyPage } from './page.js';

const SCHOOL = /^[a-z0-9][a-z0-9-]{1,31}$/;
const POLICY = /^[a-z0-9][a-z0-9-]{1,47}$/;
const VERSION = /^v?(\d{1,6})$/;
const POLICY_CSS = `${SIGN_CSS}${POLICY_CSS_EXTRA}`;

/**
 * Who may read a version: policies are not secret (schools publish them), so the page needs no sign-in, but only
 * a version that is in force (its effective date has come) or has been issued to someone is shown. A text that
 * is still being edited is a file, never stored, so it cannot be shown at all.
 */
async function isPublic(models: Models, version: AgreementVersion, now: Date): Promise<boolean> {
  if (new Date(version.effectiveDate).getTime() <= now.getTime()) return true;
  return Boolean(await models.agreementCampaigns.exists({ schoolId: version.schoolId, versionId: version._id }));
}

/** The newest version of a policy that may be shown. */
async function currentPublic(models: Models, schoolId: string, policyId: string, now: Date): Promise<AgreementVersion | null> {
  const all = await models.agreementVersions.find({ schoolId, policyId }).sort({ number: -1 }).lean<AgreementVersion[]>();
  for (const v of all) if (await isPublic(models, v, now)) return v;
  return null;
}

async function ownerLabel(models: Models, version: AgreementVersion): Promise<string> {
  const owner = await models.people.findOne({ schoolId: version.schoolId, email: version.ownerEmail, active: true }).lean<Person>();
  if (!owner) return 'The school office';
  return owner.jobTitle ? `${owner.displayName}, ${owner.jobTitle}` : owner.displayName;
}

/** Full-text pages of published policy versions (A1): /policies/<school>/<policy>[/v<n>] and /policies/<versionId>. */
export function createPolicyRouter(deps: Pick<SignDeps, 'config' | 'models' | 'clock'>): Router {
  const router = Router();
  const https = (deps.config.server.publicUrl ?? '').startsWith('https:');
  router.use('/policies', signSecurityHeaders(https), (_req, res, next) => {
    res.setHeader('X-Robots-Tag', 'noindex');
    next();
  });
  router.get('/policies/assets/policy.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(POLICY_CSS);
  });

  const school = (id: string | undefined): School | undefined => (id && SCHOOL.test(id) ? deps.config.schools.find((s) => s.id === id) : undefined);
  const notFound = (res: Response, s?: School) => res.status(404).type('html').send(policyNotFoundPage(s?.name));

  async function show(res: Response, s: School, policyId: string, number: number | null): Promise<void> {
    const now = deps.clock();
    const current = await currentPublic(deps.models, s.id, policyId, now);
    const version = number === null ? current : await deps.models.agreementVersions.findOne({ schoolId: s.id, policyId, number }).lean<AgreementVersion>();
    if (!version || !current || !(await isPublic(deps.models, version, now))) {
      notFound(res, s);
      return;
    }
    res.type('html').send(policyPage({ version, schoolName: s.name, timezone: s.timezone, ownerLabel: await ownerLabel(deps.models, version), current }));
  }

  router.get('/policies/:school/:policy/:version', async (req, res) => {
    const s = school(req.params.school);
    const n = VERSION.exec(req.params.version ?? '');
    if (!s || !n || !POLICY.test(req.params.policy ?? '')) return void notFound(res, s);
    await show(res, s, req.params.policy, Number(n[1]));
  });
  router.get('/policies/:school/:policy', async (req, res) => {
    const s = school(req.params.school);
    if (!s || !POLICY.test(req.params.policy ?? '')) return void notFound(res, s);
    await show(res, s, req.params.policy, null);
  });
  // A version id as stored (`northgate:staff-aua:v2`, colons as they are or %3A-encoded).
  router.get('/policies/:versionId', async (req, res) => {
    const [schoolId, policyId, v, ...rest] = (req.params.versionId ?? '').split(':');
    const s = school(schoolId);
    const n = VERSION.exec(v ?? '');
    if (!s || !n || rest.length > 0 || !POLICY.test(policyId ?? '')) return void notFound(res, s);
    await show(res, s, policyId as string, Number(n[1]));
  });

  const onError: ErrorRequestHandler = (err, req, res, next) => {
    if (!req.path.startsWith('/policies')) return void next(err);
    req.log?.error({ err }, 'policy page failed');
    if (res.headersSent) return;
    res.status(500).type('html').send(policyErrorPage());
  };
  router.use(onError);
  return router;
}
