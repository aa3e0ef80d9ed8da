/**
 * RTSP/1.0 (RFC 2326) on the client side: requests, a bounded response
 * parser, authentication challenges and the test that tells a real session
 * description (SDP, RFC 8866) from a 200 that describes nothing.
 */
import type { ChallengeSummary } from '../../src/core/facts.ts';
import { oneLine, printable } from '../../src/core/text.ts';
import { header, headerValues, parseResponse, type MessageLimits, type ParseOutcome, type ResponseMessage } from './header-message.ts';

export { MessageParseError } from './header-message.ts';

/** An SDP is a few KiB; 64 KiB is far more than any camera sends. */
export const RTSP_LIMITS: MessageLimits = { maxHeaderBytes: 8 * 1024, maxHeaders: 64, maxValueLength: 1024, maxBody: 64 * 1024 };

export type RtspResponse = ResponseMessage;

export function parseRtspResponse(buf: Buffer, limits: Partial<MessageLimits> = {}): ParseOutcome {
  return parseResponse(buf, { protocol: 'RTSP', limits: { ...RTSP_LIMITS, ...limits } });
}

export const RTSP_USER_AGENT = 'vigie/0.1 (hardening audit)';

export function buildRtspRequest(method: string, url: string, cseq: number, extra: Record<string, string> = {}): string {
  const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${cseq}`, `User-Agent: ${RTSP_USER_AGENT}`];
  for (const [k, v] of Object.entries(extra)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export { parseChallenges, type Challenge } from './digest.ts';
import type { Challenge } from './digest.ts';
import { parseChallenges } from './digest.ts';

/** What a fact keeps of a challenge: no nonce, no opaque. */
export function summariseChallenge(c: Challenge): ChallengeSummary {
  const s: ChallengeSummary = { scheme: c.scheme, nonce: !!c.nonce };
  // Device text: printable only (an escape sequence in a realm must never reach a terminal or a report raw).
  if (c.realm !== undefined) s.realm = oneLine(c.realm, 120) ?? '';
  if (c.qop !== undefined) s.qop = oneLine(c.qop, 40) ?? '';
  if (c.algorithm !== undefined) s.algorithm = oneLine(c.algorithm, 40) ?? '';
  return s;
}

export function challengesOf(res: Pick<ResponseMessage, 'headers'>): Challenge[] {
  return parseChallenges(headerValues(res, 'www-authenticate'));
}

/** A WWW-Authenticate value for evidence: nonce and opaque cut to their first 4 characters. */
export function redactChallengeValue(value: string): string {
  return value.replace(/\b(nonce|opaque|cnonce)\s*=\s*("?)([^",\s]*)("?)/gi, (_m, k: string, q1: string, v: string, q2: string) => `${k}=${q1}${v.slice(0, 4)}${v.length > 4 ? '…' : ''}${q2}`);
}

export interface SdpSummary {
  /** `v=0` first and at least one `m=` media description. */
  real: boolean;
  media: string[];
  transports: string[];
}

/**
 * Is this body a real session description? Some devices answer 200 with an
 * empty body or an HTML page to any path: that describes no stream.
 */
export function sdpSummary(body: Buffer | string): SdpSummary {
  const text = (typeof body === 'string' ? body : body.toString('latin1')).slice(0, 64 * 1024);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const media = new Set<string>();
  const transports = new Set<string>();
  for (const line of lines) {
    const m = /^m=([a-z][a-z0-9_-]{0,31}) (\d{1,5})(?:\/\d+)? ([A-Za-z0-9/._-]{1,32}) \S/.exec(line);
    if (!m) continue;
    media.add(m[1]!);
    transports.add(m[3]!.toUpperCase());
  }
  const real = lines[0] === 'v=0' && media.size > 0;
  return { real, media: [...media].slice(0, 8), transports: [...transports].slice(0, 8) };
}

/** Status line and the headers worth keeping, for evidence (challenge secrets cut). */
export function responseEvidence(res: RtspResponse, bodyPreview = 300): string {
  const keep = ['server', 'www-authenticate', 'public', 'content-type', 'content-base', 'content-length', 'location'];
  const lines = [`${res.version} ${res.status} ${res.reason}`.trimEnd()];
  for (const [name, value] of res.headers) {
    if (!keep.includes(name)) continue;
    lines.push(`${name}: ${name === 'www-authenticate' ? redactChallengeValue(value) : value}`);
  }
  if (res.body.length) lines.push('', res.body.subarray(0, bodyPreview).toString('latin1') + (res.body.length > bodyPreview ? `… [${res.body.length - bodyPreview} more bytes]` : ''));
  return printable(lines.join('\n'), 2048);
}

export { header, headerValues };
