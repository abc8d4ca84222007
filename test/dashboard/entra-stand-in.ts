import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/** Someone who can sign in at the stand-in: the login name is the key, any password works. */
export interface EntraAccount {
  /** The UPN Entra sends as preferred_username. */
  upn: string;
  name: string;
  /** Defaults to the stand-in's tenant. */
  tid?: string;
}

/** A real OpenID provider (panva's oidc-provider) answering as Entra ID's tenant-specific v2.0 endpoint would. */
export interface EntraStandIn {
  /** http://127.0.0.1:<port>: Lantern's mail.microsoft.authorityHost. */
  authorityHost: string;
  issuer: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  start(redirectUri: string): void;
  close(): Promise<void>;
}

/** Listens first (Lantern's config needs the address); answers once `start` names Lantern's redirect URI. */
export async function startEntraStandIn(accounts: Record<string, EntraAccount>, tenantId: string, clientId: string): Promise<EntraStandIn> {
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const authorityHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Entra's issuer is https://login.microsoftonline.com/{tenant}/v2.0; the provider is mounted at the same path.
  const issuer = `${authorityHost}/${tenantId}/v2.0`;
  const clientSecret = 'an-entra-test-client-secret-long-enough-0123456789';
  return {
    authorityHost,
    issuer,
    tenantId,
    clientId,
    clientSecret,
    start(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
        // Entra puts these in the ID token: the UPN, the display name, the tenant and the object id.
        claims: { openid: ['sub', 'tid', 'oid'], profile: ['name', 'preferred_username'], email: ['email'] },
        conformIdTokenClaims: false,
        findAccount: async (_ctx: KoaContextWithOIDC, id: string) => {
          const account = accounts[id];
          if (!account) return undefined;
          return {
            accountId: id,
            claims: async () => ({ sub: id, tid: account.tid ?? tenantId, oid: `oid-${id}`, name: account.name, preferred_username: account.upn }),
          };
        },
        // A school's own app needs no consent screen (admin consent); skip it the same way.
        loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
          const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? '');
          if (grantId) return ctx.oidc.provider.Grant.find(grantId);
          const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client?.clientId ?? '', accountId: ctx.oidc.session?.accountId ?? '' });
          grant.addOIDCScope('openid email profile');
          grant.addOIDCClaims(['tid', 'oid', 'name', 'preferred_username']);
          await grant.save();
          return grant;
        },
      });
      app.use(`/${tenantId}/v2.0`, provider.callback());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
