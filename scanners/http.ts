/**
 * HTTP/HTTPS probe with undici: status, authentication challenge, bounded
 * redirect chain (same host, in scope), title, Server header, login form.
 * Bodies are read up to a cap and then dropped; nothing is followed off-host.
 */
import type { Fact, Service } from '../src/core/model.ts';
import type { Net } from '../src/core/net.ts';
import { serviceFact, type Scanner } from '../src/core/scanner.ts';
import { oneLine, trimEvidence } from '../src/core/text.ts';
import { errorCode } from '../src/core/errors.ts';
import type { AuthChallenge, HttpResponseData } from '../src/core/facts.ts';
import { parseChallenges as parseAuthChallenges } from './lib/digest.ts';

const ID = 'http';
const BODY_CAP = 256 * 1024;
const MAX_REDIRECTS = 5;
export const USER_AGENT = 'vigie/0.1 (hardening audit; +https://vigie.invalid)';


export interface HttpExchange {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  bodyBytes: number;
  bodyTruncated: boolean;
}

/** WWW-Authenticate values as facts keep them: scheme, realm, qop, algorithm — never the nonce. */
export function parseChallenges(values: string[]): AuthChallenge[] {
  return parseAuthChallenges(values).map((c) => {
    const out: AuthChallenge = { scheme: c.scheme };
    // Device text: printable only (undici refuses control characters in headers today; a realm stays text whatever the client).
    if (c.realm !== undefined) out.realm = oneLine(c.realm, 200) ?? '';
    if (c.qop !== undefined) out.qop = oneLine(c.qop, 40) ?? '';
    if (c.algorithm !== undefined) out.algorithm = oneLine(c.algorithm, 40) ?? '';
    return out;
  });
}

/**
 * The page title: the first `<title …>` followed by `</title>` within 500
 * characters. One linear pass: the regex it replaces (/<title[^>]*>…/) took
 * minutes on a 1 MB body of "<title<title…" (each start rescanned the rest).
 */
export function titleOf(html: string): string | undefined {
  const lower = html.toLowerCase();
  let close = -1; // the first '>' at or after the current start (shared by every start before it)
  let end = -1; // the first '</title>' after `close`
  for (let at = lower.indexOf('<title'); at >= 0; at = lower.indexOf('<title', at + 6)) {
    if (close < at) close = lower.indexOf('>', at);
    if (close < 0) return undefined;
    if (end <= close) end = lower.indexOf('</title>', close + 1);
    if (end < 0) return undefined;
    if (end - (close + 1) <= 500) {
      const text = html.slice(close + 1, end);
      return oneLine(text.replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'), 120);
    }
  }
  return undefined;
}

/**
 * Is `word` inside a `<tag …>` of the page? One pass over the tokens `<tag`,
 * `>` and `word` (linear: /<input[^>]+type=…/ was quadratic on hostile pages).
 */
function insideTag(html: string, tag: string, word: RegExp): boolean {
  const tokens = new RegExp(`<${tag}|>|${word.source}`, 'gi');
  let inside = false;
  for (const m of html.matchAll(tokens)) {
    const t = m[0].toLowerCase();
    if (t === `<${tag}`) inside = true;
    else if (t === '>') inside = false;
    else if (inside) return true;
  }
  return false;
}

/** A page with a password field (or a typical login script) is a login page. */
export function hasLoginForm(html: string): boolean {
  return insideTag(html, 'input', /type\s*=\s*["']?password/) || insideTag(html, 'form', /login|signin|logon/);
}

/** GET one URL on its own connection, inside one of the host's connection slots. */
export async function httpGet(net: Net, host: string, url: string, headers: Record<string, string> = {}): Promise<HttpExchange> {
  const answer = await net.httpRequest(host, url, { headers: { 'user-agent': USER_AGENT, accept: '*/*', ...headers }, maxBytes: BODY_CAP });
  return {
    url,
    status: answer.status,
    headers: answer.headers,
    body: answer.body.toString('latin1'),
    bodyBytes: answer.body.length,
    bodyTruncated: answer.truncated,
  };
}

function baseUrl(host: string, service: Service, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${host}:${service.port}`;
}

export type HttpProbe = HttpResponseData;

function summarise(ex: HttpExchange) {
  const auth = parseChallenges((ex.headers['www-authenticate'] ?? '').split('\n').filter(Boolean));
  const title = /html/i.test(ex.headers['content-type'] ?? '') || /<html/i.test(ex.body) ? titleOf(ex.body) : undefined;
  return { auth, title, loginForm: hasLoginForm(ex.body) };
}

/** Probe `/` and follow same-host redirects (bounded). */
export async function probeHttp(net: Net, host: string, service: Service, tls: boolean): Promise<{ probe: HttpProbe; first: HttpExchange }> {
  const url = `${baseUrl(host, service, tls)}/`;
  const first = await httpGet(net, host, url);
  const chain: HttpProbe['chain'] = [];
  let current = first;
  let redirectsToHttps = false;
  for (let hop = 0; ; hop++) {
    const location = current.headers['location'];
    chain.push({ url: current.url, status: current.status, ...(location ? { location: location.slice(0, 300) } : {}) });
    if (!(current.status >= 300 && current.status < 400 && location) || hop >= MAX_REDIRECTS) break;
    let next: URL;
    try {
      next = new URL(location, current.url);
    } catch {
      break;
    }
    if (hop === 0 && next.protocol === 'https:') redirectsToHttps = true;
    // Never follow off the audited host (a redirect is data, not an invitation).
    if (next.hostname !== host || !['http:', 'https:'].includes(next.protocol)) break;
    try {
      current = await httpGet(net, host, next.href);
    } catch {
      break;
    }
  }
  const s0 = summarise(first);
  const sN = summarise(current);
  const probe: HttpProbe = {
    scheme: tls ? 'https' : 'http',
    url,
    status: first.status,
    auth: s0.auth,
    redirectsToHttps,
    loginForm: s0.loginForm,
    chain,
    final: { url: current.url, status: current.status, auth: sN.auth, loginForm: sN.loginForm, ...(sN.title ? { title: sN.title } : {}) },
    bodyTruncated: first.bodyTruncated,
  };
  const server = oneLine(first.headers['server'], 120);
  if (server) probe.server = server;
  if (s0.title) probe.title = s0.title;
  if (first.headers['location']) probe.location = first.headers['location'].slice(0, 300);
  return { probe, first };
}

export function exchangeEvidence(ex: HttpExchange, requestLine: string): Fact['evidence'] {
  const keep = ['server', 'www-authenticate', 'location', 'content-type', 'content-length'];
  const headers = keep.filter((k) => ex.headers[k]).map((k) => `${k}: ${ex.headers[k]}`).join('\n');
  return {
    sent: requestLine,
    received: trimEvidence(`HTTP ${ex.status}\n${headers}\n\n${oneLine(ex.body, 300) ?? ''}`, 800),
  };
}

/** Errors that suggest we spoke plain HTTP to a TLS port (or the reverse). */
function wrongLayer(err: unknown): boolean {
  const code = errorCode(err) ?? '';
  return ['UND_ERR_SOCKET', 'HPE_INVALID_CONSTANT', 'HPE_INVALID_VERSION', 'ECONNRESET', 'UND_ERR_HEADERS_TIMEOUT', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER'].includes(code)
    || /wrong version number|other side closed|parse error/i.test(String((err as Error)?.message));
}

export const httpScanner: Scanner = {
  id: ID,
  description: 'HTTP(S) front page: status, auth challenge, redirects, title, login form',
  appliesTo: (s: Service) => s.kind === 'http' || s.kind === 'https' || (s.kind === 'unknown' && !s.banner),
  async collect(ctx, host, service) {
    const order = service.tls ? [true, false] : [false, true];
    let lastErr: unknown;
    for (const tls of order) {
      try {
        const { probe, first } = await probeHttp(ctx.net, host.address, service, tls);
        if (probe.bodyTruncated) ctx.warn(host.address, ID, `HTTP body larger than the ${BODY_CAP / 1024} KiB cap: cut`, { port: service.port, code: 'ESIZE' });
        const facts: Fact[] = [
          serviceFact(ID, 'http.response', host.address, service, { ...probe }, exchangeEvidence(first, `GET / HTTP/1.1 (${probe.url})`)),
        ];
        if (service.kind !== (tls ? 'https' : 'http') || service.tls !== tls) {
          facts.push(serviceFact(ID, 'service', host.address, service, { kind: tls ? 'https' : 'http', tls, via: 'probe' }));
        }
        return facts;
      } catch (err) {
        lastErr = err;
        if (!wrongLayer(err)) break;
      }
    }
    // A silent port that does not speak HTTP either is simply not HTTP: no error line.
    if (service.kind === 'unknown') return [];
    // undici's parser errors often carry no code: an answer that is not HTTP is a protocol error (EPROTO).
    if (lastErr instanceof Error && lastErr.name === 'HTTPParserError' && !errorCode(lastErr)) throw Object.assign(lastErr, { code: 'EPROTO' });
    throw lastErr;
  },
};
