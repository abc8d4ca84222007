import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Headers for Lantern's own pages: a strict Content-Security-Policy (only Lantern's own CSS and script, no
 * inline script or style, forms post only to Lantern), no referrer (links carry single-use tokens), and no
 * caching of pages that may name a child. `frameAncestors` is who may frame the page: nobody, or the hosts
 * listed (the dashboard's Teams tab); X-Frame-Options cannot name Teams, so it is left out when framing is
 * allowed (browsers that know frame-ancestors ignore it, the rest would block the tab).
 */
export function strictSecurityHeaders(https: boolean, frameAncestors: 'none' | readonly string[] = 'none'): RequestHandler {
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
        frameAncestors: frameAncestors === 'none' ? ["'none'"] : [...frameAncestors],
        // Sign-in redirects the browser to the identity provider after a GET, which form-action does not govern.
        formAction: ["'self'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    ...(frameAncestors === 'none' ? {} : { xFrameOptions: false }),
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https,
  });
  return (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    headers(req, res, next);
  };
}
