import type { RequestHandler } from 'express';
import { strictSecurityHeaders } from '../web/shared/strict-headers.js';

/** The Teams and Microsoft 365 hosts that may show the dashboard as a tab (Microsoft's tab requirements). */
export const TEAMS_FRAME_ANCESTORS = ['https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://teams.cloud.microsoft', 'https://*.cloud.microsoft'] as const;

/** Headers for the dashboard only: Lantern's strict set, except that Teams may frame it as a tab. */
export function dashboardSecurityHeaders(https: boolean): RequestHandler {
  return strictSecurityHeaders(https, ["'self'", ...TEAMS_FRAME_ANCESTORS]);
}
