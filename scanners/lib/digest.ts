/**
 * Answers to HTTP-style authentication challenges (RFC 7617 Basic, RFC 7616
 * Digest; RTSP reuses both). Only what devices speak: MD5, MD5-sess,
 * SHA-256, SHA-256-sess; qop `auth` or no qop (RFC 2069 style, still common
 * on cameras). `auth-int` is not offered by devices and not supported here.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A challenge with its secrets in memory (nonce, opaque): used to answer it, never stored. */
export interface Challenge {
  scheme: string;
  realm?: string;
  nonce?: string;
  opaque?: string;
  qop?: string;
  algorithm?: string;
  stale?: boolean;
}

/** Parse WWW-Authenticate values; several challenges may share one value. */
export function parseChallenges(values: string[], max = 8): Challenge[] {
  const out: Challenge[] = [];
  for (const value of values) {
    // A new challenge starts at "Scheme " followed by a parameter, after a comma.
    for (const part of value.split(/,\s*(?=[A-Za-z][\w-]*\s+[\w-]+\s*=)/)) {
      const m = /^\s*([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(part);
      if (!m) continue;
      const c: Challenge = { scheme: m[1]!.toLowerCase() };
      for (const p of (m[2] ?? '').matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
        const key = p[1]!.toLowerCase();
        const val = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1').slice(0, 256);
        if (key === 'realm') c.realm = val;
        else if (key === 'nonce') c.nonce = val;
        else if (key === 'opaque') c.opaque = val;
        else if (key === 'qop') c.qop = val;
        else if (key === 'algorithm') c.algorithm = val;
        else if (key === 'stale') c.stale = val.toLowerCase() === 'true';
      }
      out.push(c);
      if (out.length >= max) return out;
    }
  }
  return out;
}

export class UnsupportedChallenge extends Error {
  override name = 'UnsupportedChallenge';
  readonly code = 'EAUTHSCHEME';
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

const ALGORITHMS: Record<string, { hash: 'md5' | 'sha256'; sess: boolean }> = {
  'md5': { hash: 'md5', sess: false },
  'md5-sess': { hash: 'md5', sess: true },
  'sha-256': { hash: 'sha256', sess: false },
  'sha-256-sess': { hash: 'sha256', sess: true },
};

export interface DigestInput {
  user: string;
  password: string;
  method: string;
  /** The request-URI exactly as sent on the request line. */
  uri: string;
  challenge: Challenge;
  /** Fixed in tests; random otherwise. */
  cnonce?: string;
  nc?: number;
}

function quote(v: string): string {
  return `"${v.replace(/(["\\])/g, '\\$1')}"`;
}

export function digestAuthorization(input: DigestInput): string {
  const c = input.challenge;
  if (c.scheme !== 'digest' || c.nonce === undefined) throw new UnsupportedChallenge('not a Digest challenge with a nonce');
  const algo = ALGORITHMS[(c.algorithm ?? 'MD5').toLowerCase()];
  if (!algo) throw new UnsupportedChallenge(`Digest algorithm ${c.algorithm} is not supported`);
  const qops = (c.qop ?? '').split(',').map((q) => q.trim().toLowerCase()).filter(Boolean);
  if (qops.length && !qops.includes('auth')) throw new UnsupportedChallenge(`Digest qop ${c.qop} is not supported (only auth)`);
  const qop = qops.includes('auth') ? 'auth' : undefined;
  const h = (s: string) => createHash(algo.hash).update(s, 'utf8').digest('hex');
  const realm = c.realm ?? '';
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  const nc = (input.nc ?? 1).toString(16).padStart(8, '0');
  let ha1 = h(`${input.user}:${realm}:${input.password}`);
  if (algo.sess) ha1 = h(`${ha1}:${c.nonce}:${cnonce}`);
  const ha2 = h(`${input.method}:${input.uri}`);
  const response = qop ? h(`${ha1}:${c.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : h(`${ha1}:${c.nonce}:${ha2}`);
  const parts = [`username=${quote(input.user)}`, `realm=${quote(realm)}`, `nonce=${quote(c.nonce)}`, `uri=${quote(input.uri)}`, `response=${quote(response)}`];
  if (c.algorithm) parts.push(`algorithm=${c.algorithm}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}
