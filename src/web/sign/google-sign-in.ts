import type * as client from 'openid-client';
import { ErrorCode, LanternError } from '../../errors.js';
import { finishSignIn, type OidcStart } from '../shared/oidc.js';

/** What Lantern keeps (in a signed cookie) between sending the pupil to sign in and their return. */
export interface SignInStart extends OidcStart {
  schoolId: string;
  returnTo: string;
}

/** The identity claims Lantern uses from Google's ID token. */
export interface SignedInIdentity {
  sub: string;
  email: string;
  emailVerified: boolean;
  hd: string | undefined;
}

/** Finishes a pupil's Google sign-in and reads the claims the sign pages check (email, verified, hosted domain). */
export async function finishGoogleSignIn(config: client.Configuration, currentUrl: URL, start: SignInStart): Promise<SignedInIdentity> {
  const claims = await finishSignIn(config, currentUrl, start);
  if (!claims || typeof claims.email !== 'string') {
    throw new LanternError(ErrorCode.SignInFailed, 'The sign-in did not include an email address; ask IT to allow the email scope.');
  }
  return {
    sub: claims.sub,
    email: claims.email.toLowerCase(),
    emailVerified: claims.email_verified === true,
    hd: typeof claims.hd === 'string' ? claims.hd.toLowerCase() : undefined,
  };
}
