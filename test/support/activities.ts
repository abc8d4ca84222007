import { randomUUID } from 'node:crypto';
import { PLAYGROUND_USER_AAD_ID } from '../../src/directory/demo-directory.js';

/** A Teams-shaped activity; `expectReplies` makes the SDK return the bot's replies in the HTTP response. */
export function makeActivity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    deliveryMode: 'expectReplies',
    timestamp: new Date().toISOString(),
    from: { id: '29:user-1', name: 'Alex Wilber', aadObjectId: PLAYGROUND_USER_AAD_ID },
    recipient: { id: '28:lantern-bot', name: 'Lantern' },
    conversation: { id: `a:personal-${randomUUID()}`, conversationType: 'personal', tenantId: '00000000-0000-0000-0000-0000000000001' },
    channelData: { tenant: { id: '00000000-0000-0000-0000-0000000000001' } },
    ...overrides,
  };
}

/** A message typed by the demo's Playground user (a class teacher). */
export function makeMessage(text: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return makeActivity({ type: 'message', text, ...overrides });
}

/** The app being installed in someone's personal scope. */
export function makeInstall(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return makeActivity({ type: 'installationUpdate', action: 'add', ...overrides });
}

/** Posts an activity to /api/messages and returns status and parsed body. */
export async function postActivity(baseUrl: string, activity: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON; keep the text.
  }
  return { status: res.status, body };
}

/** The Adaptive Cards among the replies of an expectReplies response. */
export function repliedCards(body: unknown): Record<string, unknown>[] {
  const activities = (body as { activities?: { attachments?: { contentType: string; content: Record<string, unknown> }[] }[] }).activities ?? [];
  return activities.flatMap((a) => a.attachments ?? []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content);
}

/** The plain texts among the replies. */
export function repliedTexts(body: unknown): string[] {
  const activities = (body as { activities?: { text?: string }[] }).activities ?? [];
  return activities.map((a) => a.text).filter((t): t is string => typeof t === 'string');
}
