/** How Lantern marks the cookies it sets (sign pages and dashboard alike). */
export interface CookieOptions {
  /** Send the cookie over https only. */
  readonly secure: boolean;
}

/**
 * Decided once from the configuration: `Secure` whenever browsers reach Lantern at an https `server.publicUrl`.
 * Behind a TLS proxy the request itself arrives as plain http, so `req.secure` cannot tell.
 */
export function cookieOptions(server: { readonly publicUrl?: string | undefined }): CookieOptions {
  return Object.freeze({ secure: (server.publicUrl ?? '').startsWith('https:') });
}
