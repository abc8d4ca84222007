import { activityZodSchema } from '@microsoft/agents-activity';
import { z } from 'zod';

/** Largest activity body Lantern reads; Teams activities are a few kilobytes. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;
/** Deepest nesting of objects and arrays accepted; real activities stay under ten. */
export const MAX_ACTIVITY_DEPTH = 32;

/**
 * True when JSON text nests objects or arrays deeper than `limit`. One pass over the characters, before
 * JSON.parse, so a deeply nested body costs no object graph.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const Text = (max: number) => z.string().max(max);
const Account = z.looseObject({ id: Text(1024).optional(), name: Text(1024).optional(), aadObjectId: Text(128).optional() });

/**
 * The fields of an activity Lantern reads (tenant, sender, conversation, serviceUrl), with their types. Other
 * fields pass through to the SDK, whose own schema is checked too.
 */
export const InboundActivitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: Text(1024).optional(),
  channelId: Text(64).optional(),
  serviceUrl: Text(2048).optional(),
  deliveryMode: Text(32).optional(),
  text: z.string().optional(),
  action: Text(64).optional(),
  name: Text(256).optional(),
  from: Account.optional(),
  recipient: Account.optional(),
  conversation: z.looseObject({
    id: z.string().min(1).max(1024),
    conversationType: Text(64).optional(),
    tenantId: Text(128).optional(),
  }),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: Text(128).optional() }).optional(),
    })
    .optional(),
  membersAdded: z.array(Account).optional(),
  membersRemoved: z.array(Account).optional(),
});

/** An activity whose shape Lantern has checked. */
export type InboundActivity = z.infer<typeof InboundActivitySchema>;

/** Why a body was refused (status and a message for the caller); the field path is for the log only. */
export type ActivityBodyResult = { ok: true; activity: InboundActivity } | { ok: false; status: 400; error: string; field?: string };

const NOT_AN_ACTIVITY = 'The body must be a Bot Framework activity (a JSON object with a "type" and a "conversation").';

/** Parses and checks a raw activity body: nesting, JSON, then the shape Lantern and the SDK rely on. */
export function readActivityBody(raw: Buffer): ActivityBodyResult {
  const text = raw.toString('utf8');
  if (nestsDeeperThan(text, MAX_ACTIVITY_DEPTH)) return { ok: false, status: 400, error: `The request body nests deeper than ${MAX_ACTIVITY_DEPTH} levels.` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, error: 'The request body is not valid JSON.' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, status: 400, error: NOT_AN_ACTIVITY };
  const ours = InboundActivitySchema.safeParse(parsed);
  if (!ours.success) return { ok: false, status: 400, error: NOT_AN_ACTIVITY, field: ours.error.issues[0]?.path.join('.') };
  // The SDK parses the body again with its own schema and would throw (a 500) on what it refuses.
  const sdk = activityZodSchema.passthrough().safeParse(parsed);
  if (!sdk.success) return { ok: false, status: 400, error: NOT_AN_ACTIVITY, field: sdk.error.issues[0]?.path.join('.') };
  return { ok: true, activity: parsed as InboundActivity };
}
