/**
 * HTTP Basic and Digest (RFC 7617, RFC 7616 with MD5 / SHA-256, qop auth)
 * login attempts, as credential protocols bound to the URL that challenged.
 * Each attempt is one request on its own connection (Digest: one request for
 * a fresh nonce, one with the answer).
 */
import type { Net } from '../src/core/net.ts';
import { redact, type AttemptOutcome, type Credential, type CredentialProtocol } from '../src/core/credentials.ts';
import type { AuthChallenge } from '../src/core/facts.ts';
import { oneLine } from '../src/core/text.ts';
import { httpGet, parseChallenges, type HttpExchange } from './http.ts';
import { basicAuthorization, digestAuthorization, parseChallenges as parseAuthChallenges } from './lib/digest.ts';

/** Read the outcome of an authenticated request. */
export function judgeHttpAnswer(ex: HttpExchange, loginUrl: string): Omit<AttemptOutcome, 'evidence'> {
  if (ex.status === 429 || ex.status === 503) return { result: 'lockout', reason: `HTTP ${ex.status}` };
  if (/locked|too many (failed )?(login|attempts)/i.test(ex.body.slice(0, 4096))) return { result: 'lockout', reason: 'the page says the account is locked' };
  if (ex.status === 401 || ex.status === 403) return { result: 'rejected' };
  if (ex.status >= 200 && ex.status < 300) return { result: 'accepted' };
  if (ex.status >= 300 && ex.status < 400) {
    // A redirect back to the login page is a refusal; elsewhere, a success.
    const location = ex.headers['location'] ?? '';
    return /login|logon|signin/i.test(location) && !/login/i.test(new URL(loginUrl).pathname) ? { result: 'rejected' } : { result: 'accepted' };
  }
  return { result: 'unknown', reason: `HTTP ${ex.status}` };
}

function evidenceOf(url: string, scheme: string, user: string, ex: HttpExchange | undefined, secrets: string[]) {
  return {
    sent: `GET ${new URL(url).pathname} HTTP/1.1\nAuthorization: ${scheme} [redacted] (user "${user}")`,
    received: ex ? redact(`HTTP ${ex.status}${ex.headers['www-authenticate'] ? `\nwww-authenticate: ${ex.headers['www-authenticate']}` : ''}\n${oneLine(ex.body, 200) ?? ''}`, secrets) : '',
  };
}

/** A credential protocol for one URL that answered with a Basic or Digest challenge. */
export function httpAuthProtocol(url: string, scheme: 'basic' | 'digest'): CredentialProtocol {
  const id = `http-${scheme}`;
  return {
    id,
    async attempt(ctx, host, _service, credential): Promise<AttemptOutcome> {
      const net: Net = ctx.net;
      const path = new URL(url).pathname + new URL(url).search;
      let authorization: string;
      if (scheme === 'basic') {
        authorization = basicAuthorization(credential.user, credential.password);
      } else {
        const fresh = await httpGet(net, host, url);
        const challenge = parseAuthChallenges((fresh.headers['www-authenticate'] ?? '').split('\n')).find((c) => c.scheme === 'digest' && c.nonce);
        if (!challenge) return { result: 'unknown', reason: `no Digest challenge on a fresh request (HTTP ${fresh.status})` };
        try {
          authorization = digestAuthorization({ user: credential.user, password: credential.password, method: 'GET', uri: path, challenge });
        } catch (err) {
          return { result: 'unknown', reason: (err as Error).message };
        }
      }
      const answer = await httpGet(net, host, url, { authorization });
      return { ...judgeHttpAnswer(answer, url), evidence: evidenceOf(url, scheme === 'basic' ? 'Basic' : 'Digest', credential.user, answer, [credential.password, authorization.slice(6)]) };
    },
  };
}

/** Which scheme to use for a challenge list: Digest when offered (it never sends the password). */
export function preferredScheme(auth: readonly AuthChallenge[]): 'basic' | 'digest' | undefined {
  if (auth.some((a) => a.scheme === 'digest')) return 'digest';
  if (auth.some((a) => a.scheme === 'basic')) return 'basic';
  return undefined;
}

export { parseChallenges };
