import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** The Teams and Microsoft 365 hosts that may show the dashboard as a tab (Microsoft's tab requirements). */
export const TEAMS_FRAME_ANCESTORS = ['https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://teams.cloud.microsoft', 'https://*.cloud.microsoft'] as const;

/**
 * Headers for the dashboard only: a strict Content-Security-Policy (Lantern's own CSS and script, no inline
 * code) that lets Teams frame the page (every other Lantern page forbids framing), no referrer, no caching of
 * pages that name children.
 */
export function dashboardSecurityHeaders(https: boolean): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'self'", ...TEAMS_FRAME_ANCESTORS],
        formAction: ["'self'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // X-Frame-Options cannot name Teams; browsers that know frame-ancestors ignore it, the rest would block the tab.
    xFrameOptions: false,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https,
  });
  return (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    headers(req, res, next);
  };
}
