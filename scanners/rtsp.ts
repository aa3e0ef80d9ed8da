/**
 * RTSP (RFC 2326) and RTSPS: OPTIONS, then DESCRIBE without credentials on
 * stream URLs — ONVIF GetStreamUri answers first, then the vendor path
 * dictionary (`profiles/rtsp-paths.yaml`) ordered by the vendor the host
 * seems to be — within a per-device budget shared fairly by the device's RTSP
 * ports. Records per URL the status, the authentication challenges (never a
 * nonce) and whether the body is a real session description. Facts only:
 * judging is for `src/checks/rtsp/`.
 *
 * Only a stream served without credentials ends the search. A 401 does not:
 * servers grant access per mount (gst-rtsp-server's permissions, and cameras
 * whose sub-stream or MJPEG mount stays open while the main stream asks for a
 * password), so one challenge says nothing about the next path.
 *
 * Modes: `passive` sends OPTIONS only (no path guessing); paths that carry a
 * user name in the URL are only tried in `credentials` mode.
 *
 * `rtspProtocol` makes one credential attempt (DESCRIBE with Basic or Digest)
 * for the credential engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Fact, Service } from '../src/core/model.ts';
import type { Net } from '../src/core/net.ts';
import { serviceFact, type HostState, type ScanContext, type Scanner } from '../src/core/scanner.ts';
import type { AttemptOutcome, Credential, CredentialProtocol } from '../src/core/credentials.ts';
import { redact } from '../src/core/credentials.ts';
import type { OnvifStreamUriData, RtspDescribeData, RtspOptionsData } from '../src/core/facts.ts';
import { errorCode, errorMessage } from '../src/core/errors.ts';
import { fingerprint } from '../src/core/fingerprint.ts';
import { PROFILES_DIR } from '../src/core/paths.ts';
import { oneLine, trimEvidence } from '../src/core/text.ts';
import { tokenList } from './lib/header-message.ts';
import { challengesOf, header, MessageParseError, responseEvidence, sdpSummary, summariseChallenge, type Challenge, type RtspResponse } from './lib/rtsp-message.ts';
import { ConnectionClosed, rtspSession, type RtspExchange, type RtspRequest } from './lib/rtsp-session.ts';
import { basicAuthorization, digestAuthorization, UnsupportedChallenge } from './lib/digest.ts';

const ID = 'rtsp';
export const DEFAULT_DESCRIBE_BUDGET = 8;

// ——— the path dictionary ———

const PathEntrySchema = z.strictObject({
  path: z.string().startsWith('/').max(200),
  vendor: z.string().min(1),
  source: z.string().min(1),
  credentialsInUrl: z.boolean().optional(),
});
export type PathEntry = z.infer<typeof PathEntrySchema>;

let dictionary: PathEntry[] | undefined;

/** The vendor path dictionary, validated once. */
export function rtspPaths(): PathEntry[] {
  if (!dictionary) {
    const file = join(PROFILES_DIR, 'rtsp-paths.yaml');
    const doc = z.strictObject({ paths: z.array(PathEntrySchema).min(1) }).safeParse(parseYaml(readFileSync(file, 'utf8')));
    if (!doc.success) throw new Error(`${file}: ${doc.error.issues[0]!.path.join('.')}: ${doc.error.issues[0]!.message}`);
    dictionary = doc.data.paths;
  }
  return dictionary;
}

export interface Candidate {
  path: string;
  origin: 'dictionary' | 'onvif';
  vendor?: string;
  credentialsInUrl?: boolean;
}

/**
 * Dictionary order for one device: the paths of the vendors it seems to be
 * first, then every other vendor's first path, then every vendor's second
 * path … so that a small budget still covers each vendor once.
 */
export function orderPaths(entries: readonly PathEntry[], vendors: readonly string[], opts: { credentialsInUrl: boolean }): PathEntry[] {
  const usable = entries.filter((e) => opts.credentialsInUrl || !e.credentialsInUrl);
  const known = new Set(vendors.map((v) => v.toLowerCase()));
  const matching = usable.filter((e) => known.has(e.vendor.toLowerCase()));
  const groups = new Map<string, PathEntry[]>();
  for (const e of usable) {
    if (known.has(e.vendor.toLowerCase())) continue;
    const g = groups.get(e.vendor.toLowerCase()) ?? [];
    g.push(e);
    groups.set(e.vendor.toLowerCase(), g);
  }
  const rest: PathEntry[] = [];
  for (let rank = 0; ; rank++) {
    const round = [...groups.values()].map((g) => g[rank]).filter((e): e is PathEntry => !!e);
    if (!round.length) break;
    rest.push(...round);
  }
  return [...matching, ...rest];
}

/** Stream URLs ONVIF gave for this very service (same host, port and scheme). */
export function onvifCandidates(facts: readonly Fact[], host: string, port: number, tls: boolean): Candidate[] {
  const out: Candidate[] = [];
  for (const f of facts) {
    if (f.type !== 'onvif.stream-uri') continue;
    const d = f.data as Partial<OnvifStreamUriData> & { url?: unknown };
    const raw = typeof d.uri === 'string' ? d.uri : typeof d.url === 'string' ? d.url : undefined;
    if (!raw) continue;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    const scheme = tls ? 'rtsps:' : 'rtsp:';
    const urlPort = url.port ? Number(url.port) : tls ? 322 : 554;
    if (url.protocol !== scheme || url.hostname.replace(/^\[|\]$/g, '') !== host || urlPort !== port) continue;
    const path = `${url.pathname || '/'}${url.search}`;
    if (!out.some((c) => c.path === path)) out.push({ path, origin: 'onvif' });
  }
  return out.slice(0, 8);
}

export function baseUrl(host: string, port: number, tls: boolean): string {
  return `${tls ? 'rtsps' : 'rtsp'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function isTls(service: Service): boolean {
  return service.tls || service.kind === 'rtsps';
}

// ——— per-scan state: the describe budget per device, the protected URL per service ———

const budgets = new WeakMap<HostState, { left: number }>();
/** URLs that answered 401, per scan (keyed by its Net), for the credential attempts of the same scan. */
const protectedUrls = new WeakMap<Net, Map<string, string>>();

function rememberProtected(net: Net, host: string, port: number, url: string): void {
  let m = protectedUrls.get(net);
  if (!m) protectedUrls.set(net, (m = new Map()));
  if (!m.has(`${host}:${port}`)) m.set(`${host}:${port}`, url);
}

/** The URL credential attempts use on a service: the one that asked for credentials in this scan, or the root. */
export function protectedUrl(net: Net, host: string, service: Service): string {
  return protectedUrls.get(net)?.get(`${host}:${service.port}`) ?? `${baseUrl(host, service.port, isTls(service))}/`;
}

function describeBudget(ctx: ScanContext): number {
  const p = (ctx.params[ID] ?? {}) as { describeBudget?: unknown };
  const n = Number(p.describeBudget ?? DEFAULT_DESCRIBE_BUDGET);
  return Number.isInteger(n) && n >= 0 && n <= 64 ? n : DEFAULT_DESCRIBE_BUDGET;
}

function readTimeout(ctx: ScanContext): number {
  return ctx.net.readTimeoutMs;
}

function exchangeEvidence(ex: RtspExchange, secrets: string[] = []): Fact['evidence'] {
  const sent = ex.sent.replace(/\r\n/g, '\n').trim();
  const received = ex.response ? responseEvidence(ex.response) : ex.error ? `(${errorMessage(ex.error)})` : '';
  return { sent: redact(sent, secrets), received: trimEvidence(redact(received, secrets), 1200)! };
}

function vendorsOf(facts: readonly Fact[]): string[] {
  const id = fingerprint(facts);
  return [...new Set(id.sources.filter((s) => s.field === 'vendor').map((s) => s.value))];
}

export const rtspScanner: Scanner = {
  id: ID,
  description: 'RTSP/RTSPS: OPTIONS, and DESCRIBE without credentials on ONVIF and dictionary stream URLs (bounded per device)',
  appliesTo: (s: Service) => s.proto === 'tcp' && (s.kind === 'rtsp' || s.kind === 'rtsps'),
  async collect(ctx, host, service) {
    const tls = isTls(service);
    const base = baseUrl(host.address, service.port, tls);
    const facts: Fact[] = [];
    let budget = budgets.get(host);
    if (!budget) budgets.set(host, (budget = { left: describeBudget(ctx) }));
    const device = budget;
    // Each RTSP port of the device gets its share, so a long search on one leaves some for the others.
    const ports = host.services.filter((s) => rtspScanner.appliesTo(s)).length || 1;
    const share = Math.ceil(describeBudget(ctx) / ports);
    let described = 0;
    // Filled in by the session callbacks.
    const state: { queue: Candidate[]; fatal?: Error } = { queue: [] };

    const plan = (optionsFacts: Fact[]): Candidate[] => {
      if (ctx.mode === 'passive') return [];
      const onvif = onvifCandidates(host.facts, host.address, service.port, tls);
      const dict = orderPaths(rtspPaths(), vendorsOf([...host.facts, ...optionsFacts]), { credentialsInUrl: ctx.mode === 'credentials' })
        .filter((e) => !onvif.some((o) => o.path === e.path))
        .map((e): Candidate => ({ path: e.path, origin: 'dictionary', vendor: e.vendor, ...(e.credentialsInUrl ? { credentialsInUrl: true } : {}) }));
      return [...onvif, ...dict];
    };
    const nextDescribe = (): RtspRequest | undefined => {
      if (!state.queue.length || device.left <= 0 || described >= share) return undefined;
      device.left--;
      described++;
      const c = state.queue[0]!;
      return { method: 'DESCRIBE', url: `${base}${c.path}`, headers: { Accept: 'application/sdp' } };
    };

    const options: RtspRequest = { method: 'OPTIONS', url: `${base}/` };
    try {
      await rtspSession(ctx.net, host.address, service.port, { tls, timeoutMs: readTimeout(ctx) }, options, (ex) => {
        const res = ex.response;
        if (ex.request.method === 'OPTIONS') {
          if (!res) {
            if (ex.error) state.fatal = ex.error;
            return undefined;
          }
          const data: RtspOptionsData = {
            url: ex.request.url,
            tls,
            status: res.status,
            public: tokenList([header(res, 'public') ?? '']),
            auth: challengesOf(res).map(summariseChallenge),
          };
          if (res.reason) data.reason = oneLine(res.reason, 80)!;
          const server = oneLine(header(res, 'server'), 120);
          if (server) data.server = server;
          const fact = serviceFact(ID, 'rtsp.options', host.address, service, { ...data }, exchangeEvidence(ex));
          facts.push(fact);
          state.queue = plan([fact]);
          return nextDescribe();
        }
        const candidate = state.queue.shift()!;
        if (!res) {
          // A device that stops answering properly is left alone: what was read stays.
          ctx.warn(host.address, ID, `DESCRIBE ${ex.request.url}: ${errorMessage(ex.error)}`, { port: service.port, ...(errorCode(ex.error) ? { code: errorCode(ex.error)! } : {}) });
          return undefined;
        }
        const sdp = sdpSummary(res.body);
        const data: RtspDescribeData = {
          url: ex.request.url,
          tls,
          origin: candidate.origin,
          status: res.status,
          sdp: res.status === 200 && sdp.real,
          media: sdp.real ? sdp.media : [],
          transports: sdp.real ? sdp.transports : [],
          auth: challengesOf(res).map(summariseChallenge),
          bodyBytes: res.body.length,
        };
        if (candidate.vendor) data.vendor = candidate.vendor;
        if (candidate.credentialsInUrl) data.credentialsInUrl = true;
        if (res.reason) data.reason = oneLine(res.reason, 80)!;
        const server = oneLine(header(res, 'server'), 120);
        if (server) data.server = server;
        const contentType = oneLine(header(res, 'content-type'), 80);
        if (contentType) data.contentType = contentType;
        const location = oneLine(header(res, 'location'), 200);
        if (location) data.location = location;
        facts.push(serviceFact(ID, 'rtsp.describe', host.address, service, { ...data }, exchangeEvidence(ex)));
        // A stream served to anyone is proven: enough. A challenge protects that mount only: go on.
        if (data.sdp) return undefined;
        if (res.status === 401) rememberProtected(ctx.net, host.address, service.port, ex.request.url);
        return nextDescribe();
      });
    } catch (err) {
      // The connection itself failed. Before any answer that is the scanner's error; after, a warning.
      if (!facts.length) throw err;
      ctx.warn(host.address, ID, `RTSP connection failed after ${facts.length} answer(s): ${errorMessage(err)}`, { port: service.port, ...(errorCode(err) ? { code: errorCode(err)! } : {}) });
    }
    const fatal = state.fatal;
    if (fatal) {
      // Something that is not RTSP on an RTSP port is not an RTSP service: say so, without a verdict.
      if (fatal instanceof MessageParseError) ctx.warn(host.address, ID, `the service on ${service.port} does not speak RTSP: ${fatal.message}`, { port: service.port, code: 'EPROTO' });
      else throw fatal;
    }
    return facts;
  },
};

// ——— one credential attempt for the credential engine ———

function chooseChallenge(challenges: Challenge[]): Challenge | undefined {
  // Digest first: it does not put the password on the wire.
  return challenges.find((c) => c.scheme === 'digest' && c.nonce !== undefined) ?? challenges.find((c) => c.scheme === 'basic');
}

function classify(res: RtspResponse): AttemptOutcome {
  const text = `${res.reason} ${res.body.subarray(0, 512).toString('latin1')}`;
  if (res.status === 503 || res.status === 429 || res.status === 453 || /\block(ed|out)?\b/i.test(text)) return { result: 'lockout', reason: `${res.status} ${res.reason}`.trim() };
  if (res.status === 200) {
    return sdpSummary(res.body).real ? { result: 'accepted' } : { result: 'unknown', reason: '200 without a session description proves nothing' };
  }
  if (res.status === 401) {
    if (challengesOf(res).some((c) => c.stale)) return { result: 'unknown', reason: 'stale nonce' };
    return { result: 'rejected' };
  }
  if (res.status === 403) return { result: 'rejected', reason: '403 Forbidden' };
  return { result: 'unknown', reason: `${res.status} ${res.reason}`.trim() };
}

/**
 * One login attempt on `url`: a DESCRIBE without credentials for a fresh
 * challenge, then the same DESCRIBE answering it (Digest if offered, else
 * Basic). Accepted only on a 200 with a real session description. The
 * password never reaches the evidence.
 */
async function attemptAt(ctx: ScanContext, host: string, service: Service, credential: Credential, url: string): Promise<AttemptOutcome> {
  const state: { outcome: AttemptOutcome; evidence?: Fact['evidence'] } = { outcome: { result: 'unknown', reason: 'no answer' } };
  const secrets = [credential.password];
  try {
    await rtspSession(ctx.net, host, service.port, { tls: isTls(service), timeoutMs: ctx.net.readTimeoutMs }, { method: 'DESCRIBE', url, headers: { Accept: 'application/sdp' } }, (ex) => {
      const res = ex.response;
      const authenticated = !!ex.request.headers?.Authorization;
      if (!authenticated) {
        if (!res) {
          state.outcome = { result: 'unknown', reason: errorMessage(ex.error) };
          return undefined;
        }
        if (res.status !== 401) {
          state.outcome = res.status === 200 && sdpSummary(res.body).real
            ? { result: 'unknown', reason: 'the URL answers without credentials (see rtsp.unauthenticated-stream)' }
            : classify(res).result === 'lockout'
              ? classify(res)
              : { result: 'unknown', reason: `no challenge: ${res.status} ${res.reason}`.trim() };
          state.evidence = exchangeEvidence(ex);
          return undefined;
        }
        const challenge = chooseChallenge(challengesOf(res));
        if (!challenge) {
          state.outcome = { result: 'unknown', reason: 'no Basic or Digest challenge offered' };
          state.evidence = exchangeEvidence(ex);
          return undefined;
        }
        let authorization: string;
        try {
          authorization = challenge.scheme === 'digest'
            ? digestAuthorization({ user: credential.user, password: credential.password, method: 'DESCRIBE', uri: url, challenge })
            : basicAuthorization(credential.user, credential.password);
        } catch (err) {
          state.outcome = { result: 'unknown', reason: err instanceof UnsupportedChallenge ? err.message : errorMessage(err) };
          return undefined;
        }
        return { method: 'DESCRIBE', url, headers: { Accept: 'application/sdp', Authorization: authorization } };
      }
      const shown: RtspExchange = { ...ex, sent: ex.sent.replace(/^(Authorization: \S+).*$/m, `$1 (user "${credential.user.slice(0, 64)}", answer not shown)`) };
      state.evidence = exchangeEvidence(shown, secrets);
      if (!res) {
        // Dropped right after credentials: the device is refusing us.
        state.outcome = ex.error instanceof ConnectionClosed
          ? { result: 'lockout', reason: `connection closed after credentials (${ex.error.code})` }
          : { result: 'unknown', reason: errorMessage(ex.error) };
        return undefined;
      }
      state.outcome = classify(res);
      return undefined;
    });
  } catch (err) {
    const code = errorCode(err);
    state.outcome = code === 'ECONNREFUSED' || code === 'ECONNRESET'
      ? { result: 'lockout', reason: `connection refused or reset (${code})` }
      : { result: 'unknown', reason: errorMessage(err) };
  }
  return state.evidence ? { ...state.outcome, evidence: state.evidence } : state.outcome;
}

/** A credential protocol for one RTSP URL that answered DESCRIBE with a challenge. */
export function rtspAuthProtocol(url: string): CredentialProtocol {
  return { id: 'rtsp', attempt: (ctx, host, service, credential) => attemptAt(ctx, host, service, credential, url) };
}

/**
 * The RTSP credential protocol without a URL: it uses the URL that asked for
 * credentials on that service during this scan's collect phase, or the root.
 */
export const rtspProtocol: CredentialProtocol = {
  id: 'rtsp',
  attempt: (ctx, host, service, credential) => attemptAt(ctx, host, service, credential, protectedUrl(ctx.net, host, service)),
};

/**
 * Credential targets of a host for the credential engine: each RTSP service
 * whose DESCRIBE was answered with a Basic or Digest challenge, on that URL.
 * (Shaped like `CredentialTarget` of src/creds without importing it.)
 */
export function rtspCredentialTargets(host: HostState): { protocol: CredentialProtocol; service: Service; where: string }[] {
  const out: { protocol: CredentialProtocol; service: Service; where: string }[] = [];
  for (const f of host.facts) {
    if (f.type !== 'rtsp.describe') continue;
    const d = f.data as unknown as RtspDescribeData;
    if (d.status !== 401 || !d.auth.some((a) => a.scheme === 'basic' || a.scheme === 'digest')) continue;
    const service = host.services.find((s) => s.port === f.port && s.proto === 'tcp');
    if (!service || out.some((t) => t.service === service)) continue;
    out.push({ protocol: rtspAuthProtocol(d.url), service, where: d.url });
  }
  return out;
}
