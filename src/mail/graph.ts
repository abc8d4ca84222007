import type { INetworkModule } from '@azure/msal-node';
import { ErrorCode, LanternError } from '../errors.js';
import { parseRetryAfter } from '../http/failure.js';
import { appTokenProvider, GRAPH_SCOPE } from '../microsoft/auth.js';
import { MailProviderError, type MailTransport, type SentMessage } from './transport.js';

/** Settings of the Graph transport: an Entra app with the Mail.Send and Mail.ReadBasic.All application permissions. */
export interface GraphOptions {
  tenantId: string | null;
  clientId: string | null;
  /** LANTERN_MS_CLIENT_SECRET. */
  clientSecret: string | null;
  authorityHost: string;
  graphUrl: string;
  /** MSAL's HTTP client; tests pass one that reaches a local stand-in (MSAL insists on https authorities). */
  networkClient?: INetworkModule;
}

function required(options: GraphOptions): { tenantId: string; clientId: string; clientSecret: string } {
  const missing = [
    options.tenantId ? undefined : 'LANTERN_MS_TENANT_ID (or mail.microsoft.tenantId)',
    options.clientId ? undefined : 'LANTERN_MS_CLIENT_ID (or mail.microsoft.clientId)',
    options.clientSecret ? undefined : 'LANTERN_MS_CLIENT_SECRET',
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0) {
    throw new LanternError(ErrorCode.MailNotConfigured, `Cannot send by Microsoft Graph: set ${missing.join(', ')} for an Entra app with the Mail.Send and Mail.ReadBasic.All application permissions.`);
  }
  return { tenantId: options.tenantId as string, clientId: options.clientId as string, clientSecret: options.clientSecret as string };
}

/**
 * Sends as the school's sender mailbox with Microsoft Graph: an app-only token (client credentials, MSAL),
 * then POST /users/{sender}/sendMail with the base64 MIME message, so the Message-ID we set is kept and a
 * retry can look it up in Sent Items.
 */
export function createGraphTransport(options: GraphOptions): MailTransport {
  const creds = required(options);
  const tokens = appTokenProvider({ ...creds, authorityHost: options.authorityHost }, options.networkClient ? { networkClient: options.networkClient } : {});
  const graph = options.graphUrl.replace(/\/$/, '');
  const token = async () => {
    try {
      return await tokens.token(GRAPH_SCOPE);
    } catch (err) {
      throw new MailProviderError(`Microsoft sign-in for Graph failed: ${(err as Error).message}`, 0);
    }
  };
  const call = async (url: string, init: RequestInit, what: string) => {
    const res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${await token()}` } });
    if (!res.ok) {
      const body = await res.text().catch(() => '');
      throw new MailProviderError(`Graph ${what} failed (HTTP ${res.status}): ${body.slice(0, 300)}`, res.status, parseRetryAfter(res.headers.get('retry-after')));
    }
    return res;
  };
  return {
    name: 'graph',
    async send(raw, sender): Promise<SentMessage> {
      const res = await call(`${graph}/users/${encodeURIComponent(sender)}/sendMail`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: raw.toString('base64') }, 'sendMail');
      // sendMail answers 202 with no message id; its request-id is the reference Microsoft support can trace.
      return { providerMessageId: res.headers.get('request-id') };
    },
    async findSent(messageId, sender): Promise<SentMessage | null> {
      const filter = encodeURIComponent(`internetMessageId eq '${messageId.replace(/'/g, "''")}'`);
      const res = await call(`${graph}/users/${encodeURIComponent(sender)}/mailFolders/SentItems/messages?$filter=${filter}&$select=id&$top=1`, { method: 'GET' }, 'search of Sent Items');
      const body = (await res.json()) as { value?: { id?: string }[] };
      const id = body.value?.[0]?.id;
      return id ? { providerMessageId: id } : null;
    },
  };
}
