/**
 * HTTP behaviours of simulated devices, as node:http request handlers.
 */
import type http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { Accounts, LoginVerdict } from '../accounts.ts';

export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body>${body}</body></html>`;
}

/** A web UI behind HTTP Basic authentication (legacy cameras). */
export function basicAuthAdmin(opts: { realm: string; server?: string; title: string; accounts?: Accounts }): HttpHandler {
  return (req, res) => {
    const headers: Record<string, string> = { 'content-type': 'text/html' };
    if (opts.server) headers.server = opts.server;
    const m = /^Basic\s+(\S+)/i.exec(req.headers.authorization ?? '');
    if (m) {
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (answered(opts.accounts?.check(decoded.slice(0, colon), decoded.slice(colon + 1)) ?? 'bad', res, headers, opts.title)) return;
    }
    res.writeHead(401, { ...headers, 'www-authenticate': `Basic realm="${opts.realm}"` });
    res.end(page('401 Unauthorized', 'Authentication required'));
  };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Answer a login the device has judged: the UI, or the lockout page. False: ask again (401). */
function answered(verdict: LoginVerdict, res: http.ServerResponse, headers: Record<string, string>, title: string): boolean {
  if (verdict === 'ok') {
    res.writeHead(200, headers);
    res.end(page(title, '<h1>Live view</h1>'));
    return true;
  }
  if (verdict === 'locked') {
    res.writeHead(503, headers);
    res.end(page('Locked', 'Too many failed attempts: locked'));
    return true;
  }
  return false;
}

/** A web UI behind HTTP Digest (MD5, qop=auth), as newer cameras do. */
export function digestAuthAdmin(opts: { realm: string; server?: string; title: string; accounts: Accounts; passwords: Readonly<Record<string, string>> }): HttpHandler {
  const nonces = new Set<string>();
  return (req, res) => {
    const headers: Record<string, string> = { 'content-type': 'text/html' };
    if (opts.server) headers.server = opts.server;
    const auth = req.headers.authorization ?? '';
    if (/^Digest\s/i.test(auth)) {
      const p: Record<string, string> = {};
      for (const m of auth.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
      const user = p.username ?? '';
      const known = Object.hasOwn(opts.passwords, user) ? opts.passwords[user]! : undefined;
      let good = false;
      if (known !== undefined && p.nonce && nonces.has(p.nonce)) {
        const ha1 = md5(`${user}:${opts.realm}:${known}`);
        const ha2 = md5(`${req.method}:${p.uri}`);
        const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
        good = expected === p.response;
      }
      // The device counts the attempt whatever it was; the password it "receives" is only known when right.
      if (answered(opts.accounts.check(user, good ? known! : '\u0000wrong'), res, headers, opts.title)) return;
    }
    const nonce = randomBytes(12).toString('hex');
    nonces.add(nonce);
    res.writeHead(401, { ...headers, 'www-authenticate': `Digest realm="${opts.realm}", qop="auth", nonce="${nonce}", algorithm=MD5` });
    res.end(page('401 Unauthorized', 'Authentication required'));
  };
}

/** Port 80 that only sends the browser to HTTPS (the hardened good case). */
export function redirectToHttps(opts: { httpsPort: number; server?: string }): HttpHandler {
  return (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const port = opts.httpsPort === 443 ? '' : `:${opts.httpsPort}`;
    res.writeHead(301, { location: `https://${host}${port}${req.url ?? '/'}`, ...(opts.server ? { server: opts.server } : {}) });
    res.end();
  };
}

/** A login form page (served over HTTPS on hardened devices, over HTTP on legacy ones). */
export function loginFormPage(opts: { title: string; server?: string }): HttpHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(opts.server ? { server: opts.server } : {}) });
    res.end(page(opts.title, '<form action="/login" method="post"><input name="user"><input type="password" name="pass"><button>Login</button></form>'));
  };
}
