import http from 'node:http';

/** One HTTP exchange, redirects not followed. */
export interface HttpReply {
  status: number;
  location: string | undefined;
  setCookies: string[];
  body: string;
}

/** A plain HTTP request (node:http, so the Host header can be set, which fetch forbids). */
export function httpRequest(url: string, options: { method?: string; headers?: Record<string, string>; form?: Record<string, string>; json?: unknown } = {}): Promise<HttpReply> {
  const body = options.form ? new URLSearchParams(options.form).toString() : options.json !== undefined ? JSON.stringify(options.json) : undefined;
  const type = options.form ? 'application/x-www-form-urlencoded' : 'application/json';
  const headers = { ...(body ? { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? (body ? 'POST' : 'GET'), headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, setCookies: res.headers['set-cookie'] ?? [], body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A cookie jar keyed by name (the tests talk to one site at a time, so paths and domains are ignored). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Keeps the cookies a reply set (and forgets those it cleared). */
  take(reply: HttpReply): HttpReply {
    for (const line of reply.setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value && !/max-age=0/i.test(line)) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return reply;
  }

  /** The Cookie header to send. */
  header(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  /** Sends a request with the jar's cookies and keeps the ones it sets. */
  async send(url: string, options: Parameters<typeof httpRequest>[1] = {}): Promise<HttpReply> {
    return this.take(await httpRequest(url, { ...options, headers: { ...this.header(), ...options.headers } }));
  }
}

/** The Set-Cookie line of one cookie, or undefined. */
export function setCookie(reply: HttpReply, name: string): string | undefined {
  return reply.setCookies.find((line) => line.startsWith(`${name}=`));
}

/** The value of a hidden form field in a page. */
export function formField(html: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
}

/**
 * Signs a pupil in over plain HTTP, as a browser would: the sign page sends them to the local OpenID provider,
 * its login form is posted, and the provider's redirect comes back to Lantern's callback. `lanternUrl` is
 * where Lantern listens; the callback address may name its public URL instead, so only its path is reused.
 */
export async function signInPupil(jar: CookieJar, lanternUrl: string, pagePath: string, login: string): Promise<{ start: HttpReply; callback: HttpReply }> {
  const provider = new CookieJar();
  const start = await jar.send(`${lanternUrl}${pagePath}`);
  if (start.status !== 303 || !start.location) throw new Error(`the sign page did not redirect to sign-in (${start.status})`);
  let next = start.location;
  for (let hop = 0; hop < 10; hop++) {
    const reply = await provider.send(next);
    if (reply.status === 200 && reply.body.includes('name="login"')) {
      const action = /<form[^>]*action="([^"]+)"/.exec(reply.body)?.[1] ?? '';
      const posted = await provider.send(new URL(action, next).href, { form: { prompt: 'login', login, password: 'any' } });
      next = new URL(posted.location ?? '', next).href;
      continue;
    }
    if (!reply.location) throw new Error(`the provider stopped at ${reply.status}`);
    const target = new URL(reply.location, next);
    if (target.pathname === '/sign/oidc/callback') return { start, callback: await jar.send(`${lanternUrl}${target.pathname}${target.search}`) };
    next = target.href;
  }
  throw new Error('sign-in did not come back to Lantern');
}
