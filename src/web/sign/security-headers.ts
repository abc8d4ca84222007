import type { RequestHandler } from 'express';
import { strictSecurityHeaders } from '../shared/strict-headers.js';

/** Headers for the sign pages: Lantern's strict set, and no framing at all. */
export function signSecurityHeaders(https: boolean): RequestHandler {
  return strictSecurityHeaders(https, 'none');
}
