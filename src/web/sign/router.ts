import { Router, type ErrorRequestHandler } from 'express';
import { SIGN_CSS, SIGN_JS } from './assets.js';
import { signContext, type SignDeps } from './context.js';
import { messagePage } from './layout.js';
import { createKioskRouter } from './kiosk-router.js';
import { createLinkRouter } from './link-router.js';
import { createParentRouter } from './parent-router.js';
import { createPupilRouter } from './pupil-router.js';
import { signSecurityHeaders } from './security-headers.js';

/** Hides link tokens (parent, signer and kiosk links) from request logs (they work until used, expired or revoked). */
export function redactSignUrl(url: string): string {
  return url
    .replace(/^\/parents\/consent\/[^/?#]+/, '/parents/consent/[token]')
    .replace(/^\/sign\/link\/[^/?#]+/, '/sign/link/[token]')
    .replace(/^\/sign\/kiosk\/[^/?#]+/, '/sign/kiosk/[token]')
    .replace(/([?&](?:code|state)=)[^&]+/g, '$1[redacted]');
}

/** Server-rendered sign pages for pupils (/sign/…) and parents (/parents/…), with their own headers and error page. */
export function createSignRouter(deps: SignDeps): Router {
  const ctx = signContext(deps);
  const router = Router();
  const https = (deps.config.server.publicUrl ?? '').startsWith('https:');
  router.use(['/sign', '/parents'], signSecurityHeaders(https));
  router.get('/sign/assets/sign.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(SIGN_CSS);
  });
  router.get('/sign/assets/sign.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(SIGN_JS);
  });
  router.use(createLinkRouter(ctx));
  router.use(createKioskRouter(ctx));
  router.use(createParentRouter(ctx));
  router.use(createPupilRouter(ctx));
  const onError: ErrorRequestHandler = (err, req, res, next) => {
    if (!/^\/(sign|parents)\//.test(req.path)) {
      next(err);
      return;
    }
    req.log?.error({ err }, 'sign page failed');
    if (res.headersSent) return;
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    res
      .status(status)
      .type('html')
      .send(messagePage({ title: 'Something went wrong', lines: ['Please try again in a few minutes.', 'If this happened after you sent your answers, they may not have been saved: ask the school office for a new link.'] }));
  };
  router.use(onError);
  return router;
}
