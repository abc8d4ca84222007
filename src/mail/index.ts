import type { MailCredentials } from '../config/load.js';
import { createGmailTransport } from './gmail.js';
import { createGraphTransport, type GraphOptions } from './graph.js';
import type { MailTransport } from './transport.js';

export { MailProviderError, type MailTransport, type SentMessage } from './transport.js';

/** The transport a school chose (gmail | graph), built from the config; throws MailNotConfigured naming the missing env var. */
export function createMailTransport(kind: 'gmail' | 'graph', mail: MailCredentials, extra: Pick<GraphOptions, 'networkClient'> = {}): MailTransport {
  if (kind === 'gmail') return createGmailTransport({ keyFile: mail.google.serviceAccountKeyFile, ...(mail.google.apiUrl ? { apiUrl: mail.google.apiUrl } : {}), ...(mail.google.tokenUrl ? { tokenUrl: mail.google.tokenUrl } : {}) });
  return createGraphTransport({ ...mail.microsoft, ...extra });
}
