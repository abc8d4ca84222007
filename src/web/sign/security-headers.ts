import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Headers for the sign pages: a strict Content-Security-Policy (only Lantern's own CSS and script, no inline
 * script or style, no framing, forms post only to Lantern), no referrer (links carry single-use tokens), and
 * no caching of pages that show a child's name.
 */
export function signSecurityHeaders(https: boolean): RequestHandler {
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
        frameAncestors: ["'none'"],
        // Sign-in redirects the browser to the identity provider after a GET, which form-action does not govern.
        formAction: ["'self'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https,
  });
  return (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    headers(req, res, next);
  };
}
