import express, { type Request, type RequestHandler, type Response } from 'express';
import type { AgentApplication, CloudAdapter, Request as AgentRequest, TurnState } from '@microsoft/agents-hosting';
import type { LanternConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { serviceUrlMatches, type ChannelClaims, type ChannelTokenVerifier, type TokenRefusal } from '../teams/channel-token.js';
import { claimedTenant, isSchoolTenant } from '../teams/identify.js';
import { MAX_ACTIVITY_BYTES, readActivityBody, type InboundActivity } from '../teams/inbound-activity.js';

/** What /api/messages needs. `channelTokens` is null in demo / local mode (no Microsoft credentials). */
export interface BotEndpointDeps {
  config: LanternConfig;
  logger: Logger;
  adapter: CloudAdapter;
  agent: AgentApplication<TurnState>;
  channelTokens: ChannelTokenVerifier | null;
}

/** The verified caller of one request, kept between the authenticate and handle steps. */
const CALLER = Symbol('lantern.botCaller');
type Caller = { claims: ChannelClaims; endorsements: readonly string[] } | { anonymous: true };
type WithCaller = Request & { [CALLER]?: Caller };

const REFUSALS: Record<TokenRefusal, { status: number; error: string }> = {
  'no-token': { status: 401, error: 'A Bot Framework token is required.' },
  'malformed-header': { status: 401, error: 'The Authorization header must be "Bearer" and a token.' },
  'invalid-token': { status: 401, error: 'The token is not a valid Bot Framework channel token for this bot.' },
  'keys-unavailable': { status: 503, error: 'Lantern cannot read the Bot Framework signing keys just now; try again shortly.' },
};

function refuse(req: Request, res: Response, status: number, error: string): void {
  res.status(status).json({ error, requestId: req.id });
}

/**
 * POST /api/messages as three steps: authenticate the channel token (nothing is read from the body before
 * it passes), read at most 256 KB, then check the body (nesting, JSON, shape), the key's endorsement of the
 * channel, the serviceUrl against the token, and the tenant against the configured schools before the SDK runs
 * the turn. Without credentials (demo / local, loopback only) requests are anonymous and only the body checks apply.
 */
export function botEndpoint(deps: BotEndpointDeps): RequestHandler[] {
  const authenticate: RequestHandler = async (req, res, next) => {
    const authorization = req.headers.authorization;
    if (!deps.channelTokens) {
      // As the SDK does without credentials: anonymous, and a token that cannot be checked is refused.
      if (authorization?.trim()) return refuse(req, res, 401, REFUSALS['invalid-token'].error);
      (req as WithCaller)[CALLER] = { anonymous: true };
      return next();
    }
    const check = await deps.channelTokens.verify(authorization);
    if (!check.ok) {
      req.log.warn({ reason: check.reason }, 'bot request not authenticated');
      const { status, error } = REFUSALS[check.reason];
      return refuse(req, res, status, error);
    }
    (req as WithCaller)[CALLER] = { claims: check.claims, endorsements: check.endorsements };
    return next();
  };

  const readBody = express.raw({ type: ['application/json', 'application/*+json'], limit: MAX_ACTIVITY_BYTES, inflate: false });

  const handle: RequestHandler = async (req, res) => {
    const caller = (req as WithCaller)[CALLER];
    if (!caller) return refuse(req, res, 401, REFUSALS['no-token'].error);
    if (!Buffer.isBuffer(req.body)) return refuse(req, res, 400, 'The body must be a Bot Framework activity sent as application/json.');
    const body = readActivityBody(req.body);
    if (!body.ok) {
      req.log.warn({ field: body.field }, 'bot request body refused');
      return refuse(req, res, body.status, body.error);
    }
    const activity = body.activity;
    if ('claims' in caller) {
      const refusal = channelRefusal(deps.config, caller, activity);
      if (refusal) {
        req.log.warn(
          { reason: refusal.reason, activityType: activity.type, ...(refusal.tenantId ? { tenantId: refusal.tenantId } : {}) },
          refusal.reason === 'unknown-tenant' ? 'bot activity refused: tenant not configured (if it is a school of yours, set schools[].microsoft.tenantId)' : 'bot activity refused',
        );
        return refuse(req, res, refusal.status, refusal.error);
      }
    }
    const agentRequest = req as unknown as AgentRequest;
    agentRequest.body = activity;
    agentRequest.user = 'claims' in caller ? caller.claims : { name: 'anonymous' };
    await deps.adapter.process(agentRequest, res, (turn) => deps.agent.run(turn));
  };

  return [authenticate, readBody, handle];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Why an authenticated activity is still refused, or undefined when it may run. */
function channelRefusal(
  config: LanternConfig,
  caller: { claims: ChannelClaims; endorsements: readonly string[] },
  activity: InboundActivity,
): { status: number; error: string; reason: string; tenantId?: string } | undefined {
  if (!activity.channelId || !caller.endorsements.includes(activity.channelId)) {
    return { status: 403, reason: 'channel-not-endorsed', error: 'The token was not signed for this channel.' };
  }
  // Without a serviceUrl nothing is sent anywhere: replies travel in the HTTP response and no reference is stored.
  const repliesInResponse = activity.serviceUrl === undefined && activity.deliveryMode === 'expectReplies';
  if (!repliesInResponse && !serviceUrlMatches(caller.claims, activity.serviceUrl)) {
    return { status: 400, reason: 'service-url-mismatch', error: "The activity's serviceUrl does not match the token." };
  }
  const { tenantId, conflict } = claimedTenant(activity);
  if (conflict) return { status: 400, reason: 'tenant-conflict', error: 'The activity names two different tenants.' };
  if (!isSchoolTenant(config, tenantId)) {
    // A tenant id names an organisation, not a person; anything else is not logged.
    const logged = tenantId && GUID.test(tenantId) ? { tenantId } : {};
    return { status: 403, reason: 'unknown-tenant', error: 'This Microsoft 365 tenant is not one of the schools Lantern serves.', ...logged };
  }
  return undefined;
}
