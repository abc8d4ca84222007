import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { HttpStandIn } from './http-stand-in.js';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Record<string, unknown>;
}

/**
 * Stands in for login.botframework.com: OpenID metadata whose jwks_uri lists local RSA keys with their
 * `endorsements` (the channels each key may vouch for). `sign` issues tokens with any claims.
 */
export class BotFrameworkKeysStandIn extends HttpStandIn {
  private keys: SigningKey[] = [];
  /** How often each path was fetched, to show what Lantern reads and when. */
  readonly fetches = new Map<string, number>();

  get metadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** Adds a signing key endorsed for the given channels. */
  async addKey(kid: string, endorsements: string[]): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256', endorsements };
    this.keys.push({ kid, privateKey, publicJwk });
  }

  /** A token signed with one of the stand-in's keys (the first unless `kid` names another). */
  async sign(claims: JWTPayload, options: { kid?: string; expiresInSeconds?: number } = {}): Promise<string> {
    const key = options.kid ? this.keys.find((k) => k.kid === options.kid) : this.keys[0];
    if (!key) throw new Error('no such key');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ nbf: now, iat: now, exp: now + (options.expiresInSeconds ?? 3600), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .sign(key.privateKey);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '';
    this.fetches.set(path, (this.fetches.get(path) ?? 0) + 1);
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/v1/.well-known/openidconfiguration') {
      return json({
        issuer: 'https://api.botframework.com',
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (path === '/v1/.well-known/keys') return json({ keys: this.keys.map((k) => k.publicJwk) });
    res.writeHead(404).end();
  }
}
