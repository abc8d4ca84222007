import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/** Someone the local OpenID provider can sign in: the login name is the key, any password works. */
export interface TestAccount {
  email: string;
  hd?: string;
  name: string;
}

/** A real OpenID Connect provider (panva's oidc-provider) on a local port, standing in for Google sign-in. */
export interface LocalOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers Lantern's redirect URI (known only once Lantern listens) and starts answering. */
  start(redirectUri: string): void;
  close(): Promise<void>;
}

/** Starts the HTTP server first (so its address can go in Lantern's config), the provider once `start` is called. */
export async function startLocalOidc(accounts: Record<string, TestAccount>, port = 0): Promise<LocalOidc> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'lantern-sign-test';
  const clientSecret = 'a-test-client-secret-that-is-long-enough-0123456789';
  return {
    issuer,
    clientId,
    clientSecret,
    start(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
        // Google puts email and hd in the ID token; so does this provider.
        claims: { openid: ['sub'], email: ['email', 'email_verified', 'hd'], profile: ['name'] },
        conformIdTokenClaims: false,
        findAccount: async (_ctx: KoaContextWithOIDC, id: string) => {
          const account = accounts[id];
          if (!account) return undefined;
          return {
            accountId: id,
            claims: async () => ({ sub: id, email: account.email, email_verified: true, name: account.name, ...(account.hd ? { hd: account.hd } : {}) }),
          };
        },
        // Google does not ask pupils to consent to a school's own app; skip the consent screen the same way.
        loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
          const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? '');
          if (grantId) return ctx.oidc.provider.Grant.find(grantId);
          const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client?.clientId ?? '', accountId: ctx.oidc.session?.accountId ?? '' });
          grant.addOIDCScope('openid email profile');
          grant.addOIDCClaims(['email', 'email_verified', 'hd', 'name']);
          await grant.save();
          return grant;
        },
      });
      server.on('request', provider.callback());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
