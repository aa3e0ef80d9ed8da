/**
 * RTSP: the bounded response parser, the SDP and challenge readers, the path
 * dictionary order; then the scanner and its three checks over real sockets
 * against simulated cameras (DESCRIBE counts taken on the device side),
 * misbehaving servers, and the credential attempt (Basic, Digest with and
 * without qop) counted by the device.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsOf, scanSite as scanWholeSite, startSite, withSite, type RunningSite } from './helpers.ts';
import { groundTruth } from './helpers.ts';
import type { Fact, Result, Service } from '../src/core/model.ts';
import type { ScanContext, HostState } from '../src/core/scanner.ts';
import type { RtspDescribeData } from '../src/core/facts.ts';
import { Net } from '../src/core/net.ts';
import { Scope } from '../src/core/scope.ts';
import { SizeLimitExceeded } from '../src/core/errors.ts';
import { PERSONALITIES } from '../src/lab/personalities.ts';
import { LAB_SECRETS } from '../src/lab/secrets.ts';
import { MessageParseError, parseResponse } from '../scanners/lib/header-message.ts';
import { parseChallenges, parseRtspResponse, redactChallengeValue, sdpSummary, summariseChallenge } from '../scanners/lib/rtsp-message.ts';
import { digestAuthorization } from '../scanners/lib/digest.ts';
import { DEFAULT_DESCRIBE_BUDGET, onvifCandidates, orderPaths, rtspAuthProtocol, rtspCredentialTargets, rtspPaths, rtspProtocol, rtspScanner } from '../scanners/rtsp.ts';

/** RTSP lives on TCP: the per-host UDP probes (SNMP, WS-Discovery wait out their time-outs) add nothing here. */
const scanSite: typeof scanWholeSite = (site, overrides = {}) => scanWholeSite(site, { hostScanners: [], ...overrides });

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Media\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\nm=audio 0 RTP/AVP 0\r\n';
const answer = (head: string, body = '') => Buffer.from(`${head}\r\n\r\n${body}`, 'latin1');

describe('RTSP response parser', () => {
  it('reads a complete answer with its session description', () => {
    const out = parseRtspResponse(answer(`RTSP/1.0 200 OK\r\nCSeq: 2\r\nServer: Cam\r\nContent-Type: application/sdp\r\nContent-Length: ${SDP.length}`, SDP));
    expect(out.state).toBe('complete');
    if (out.state !== 'complete') return;
    expect(out.message).toMatchObject({ version: 'RTSP/1.0', status: 200, reason: 'OK' });
    expect(out.message.headers).toContainEqual(['server', 'Cam']);
    expect(out.message.body.toString()).toBe(SDP);
  });

  it.each([
    ['headers not finished', 'RTSP/1.0 200 OK\r\nCSeq: 1\r\n'],
    ['body not all there', `RTSP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nv=0`],
    ['first bytes only', 'RTS'],
  ])('waits for more bytes: %s', (_what, text) => {
    expect(parseRtspResponse(Buffer.from(text)).state).toBe('incomplete');
  });

  it('accepts bare LF line ends and folded header values', () => {
    const out = parseRtspResponse(Buffer.from('RTSP/1.0 401 Unauthorized\nCSeq: 1\nWWW-Authenticate: Basic\n realm="cam"\n\n'));
    expect(out.state === 'complete' && out.message.headers).toContainEqual(['www-authenticate', 'Basic realm="cam"']);
  });

  it('endless headers: more header lines than the cap is a size error, before any blank line', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `X-${i}: y`).join('\r\n');
    expect(() => parseRtspResponse(Buffer.from(`RTSP/1.0 200 OK\r\n${lines}\r\n`))).toThrow(SizeLimitExceeded);
  });

  it('endless headers: a header block larger than 8 KiB is a size error', () => {
    expect(() => parseRtspResponse(Buffer.from(`RTSP/1.0 200 OK\r\nX-Long: ${'a'.repeat(9000)}`))).toThrow(/larger than 8192/);
  });

  it.each(['1099511627776', '99999999999999999999999999999999', '65537'])('huge Content-Length %s: size error at once, the body is never awaited', (len) => {
    expect(() => parseRtspResponse(answer(`RTSP/1.0 200 OK\r\nContent-Length: ${len}`))).toThrow(SizeLimitExceeded);
  });

  it.each([
    ['binary garbage', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01])],
    ['an HTTP answer', Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')],
    ['a malformed status line', Buffer.from('RTSP/1.0 OK\r\n\r\n')],
    ['a header line without a colon', Buffer.from('RTSP/1.0 200 OK\r\nno colon here\r\n\r\n')],
    ['a negative Content-Length', Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n')],
    ['conflicting Content-Length values', Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab')],
  ])('garbage is a typed parse error: %s', (_what, buf) => {
    expect(() => parseRtspResponse(buf)).toThrow(MessageParseError);
  });

  it('garbage is recognised from its first bytes, without waiting for a line end', () => {
    expect(() => parseRtspResponse(Buffer.from('\x16\x03\x01'))).toThrow(MessageParseError);
  });

  it('error messages never carry raw control bytes from the device', () => {
    try {
      parseResponse(Buffer.from('\x1b[31mEVIL\x07'), { protocol: 'RTSP' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toMatch(/[\x00-\x08\x1b\x7f]/);
    }
  });
});

describe('session descriptions', () => {
  it('a real SDP has v=0 and media lines', () => {
    expect(sdpSummary(SDP)).toEqual({ real: true, media: ['video', 'audio'], transports: ['RTP/AVP'] });
  });
  it.each([
    ['a description without media', 'v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=No stream\r\nt=0 0\r\n'],
    ['an empty body', ''],
    ['an HTML page', '<html><body>v=0 m=video 0 RTP/AVP 96</body></html>'],
    ['media lines without v=0 first', 'm=video 0 RTP/AVP 96\r\n'],
    ['a broken media line', 'v=0\r\nm=video\r\n'],
  ])('is not real: %s', (_what, body) => {
    expect(sdpSummary(body).real).toBe(false);
  });
  it('notes SRTP transports', () => {
    expect(sdpSummary('v=0\r\nm=video 0 RTP/SAVP 96\r\n').transports).toEqual(['RTP/SAVP']);
  });
});

describe('authentication challenges', () => {
  it('reads several challenges, from one header and from several', () => {
    const cs = parseChallenges(['Digest realm="IP Camera(1, 2)", nonce="abc,def", qop="auth,auth-int", algorithm=MD5, Basic realm="IP Camera"', 'Basic realm="other"']);
    expect(cs.map((c) => c.scheme)).toEqual(['digest', 'basic', 'basic']);
    expect(cs[0]).toMatchObject({ realm: 'IP Camera(1, 2)', nonce: 'abc,def', qop: 'auth,auth-int', algorithm: 'MD5' });
  });
  it('a fact keeps whether there was a nonce, never the nonce', () => {
    const s = summariseChallenge(parseChallenges(['Digest realm="r", nonce="0123456789abcdef"'])[0]!);
    expect(s).toEqual({ scheme: 'digest', realm: 'r', nonce: true });
    expect(JSON.stringify(s)).not.toContain('0123456789');
  });
  it('evidence keeps only the first characters of a nonce', () => {
    expect(redactChallengeValue('Digest realm="r", nonce="0123456789abcdef", opaque="zzzzzzzz"')).toBe('Digest realm="r", nonce="0123…", opaque="zzzz…"');
  });
  it('Digest answers match RFC 2617 §3.5', () => {
    const header = digestAuthorization({
      user: 'Mufasa',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      challenge: { scheme: 'digest', realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth,auth-int', opaque: '5ccc069c403ebaf9f0171e9517f40e41' },
      cnonce: '0a4f113b',
      nc: 1,
    });
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).toContain('qop=auth, nc=00000001, cnonce="0a4f113b"');
  });
  it('Digest without qop is the RFC 2069 form', () => {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const header = digestAuthorization({ user: 'u', password: 'p', method: 'DESCRIBE', uri: 'rtsp://h/x', challenge: { scheme: 'digest', realm: 'r', nonce: 'n' } });
    expect(header).toContain(`response="${md5(`${md5('u:r:p')}:n:${md5('DESCRIBE:rtsp://h/x')}`)}"`);
    expect(header).not.toContain('qop=');
  });
});

describe('the path dictionary', () => {
  it('holds the vendor paths, each with a vendor and a source', () => {
    const paths = rtspPaths();
    for (const p of ['/Streaming/Channels/101', '/h264/ch1/main/av_stream', '/cam/realmonitor?channel=1&subtype=0', '/axis-media/media.amp', '/profile2/media.smp', '/unicast/c1/s0/live', '/media/video1', '/live', '/live.sdp', '/stream1', '/11', '/']) {
      expect(paths.some((e) => e.path === p)).toBe(true);
    }
    for (const e of paths) expect(e.vendor && e.source).toBeTruthy();
  });
  it('puts the paths of the vendor the host seems to be first, then the others round-robin', () => {
    const order = orderPaths(rtspPaths(), ['Axis'], { credentialsInUrl: false }).map((e) => e.vendor);
    expect(order[0]).toBe('Axis');
    expect(order.slice(1, 6)).toEqual(['Hikvision', 'Dahua', 'Hanwha', 'Uniview', 'generic']);
  });
  it('keeps paths that carry a user name for mode credentials', () => {
    expect(orderPaths(rtspPaths(), [], { credentialsInUrl: false }).some((e) => e.credentialsInUrl)).toBe(false);
    expect(orderPaths(rtspPaths(), [], { credentialsInUrl: true }).some((e) => e.credentialsInUrl)).toBe(true);
  });
  it('takes ONVIF stream URLs only for the same host, port and scheme', () => {
    const fact = (uri: string): Fact => ({ type: 'onvif.stream-uri', host: '127.42.0.10', scanner: 'onvif', data: { uri } });
    const facts = [fact('rtsp://127.42.0.10:554/onvif1?x=1'), fact('rtsp://127.42.0.10/onvif2'), fact('rtsp://127.42.0.11:554/other'), fact('rtsp://127.42.0.10:8554/port'), fact('rtsps://127.42.0.10/tls'), fact('not a url')];
    expect(onvifCandidates(facts, '127.42.0.10', 554, false).map((c) => c.path)).toEqual(['/onvif1?x=1', '/onvif2']);
  });
});

// ——— over real sockets ———

const DEVICES = [
  { name: 'open', personality: 'open-rtsp-camera' },
  { name: 'basic', personality: 'basic-rtsp-camera' },
  { name: 'digest', personality: 'digest-rtsp-camera' },
  { name: 'noqop', personality: 'digest-noqop-rtsp-camera' },
  { name: 'fake200', personality: 'fake-200-rtsp' },
  { name: 'rtsps', personality: 'rtsps-camera' },
  { name: 'gst', personality: 'gstreamer-rtsp-server' },
];

let site: RunningSite;
let result: Result;
const device = (name: string) => site.devices.find((d) => d.name === name)!;
const addr = (name: string) => device(name).address;

beforeAll(async () => {
  site = await startSite(DEVICES);
  result = await scanSite(site, { readTimeoutMs: 1500 });
});
afterAll(async () => site?.stop());

describe.each([
  // must not fire: OPTIONS anonymous and DESCRIBE 401 (basic, digest, noqop, rtsps); 200 without media (fake200)
  // fires on gst too: its first dictionary path answers 401, a later one serves the stream (access is per mount)
  { check: 'rtsp.unauthenticated-stream', fires: ['open', 'gst'], mustNotFire: ['basic', 'digest', 'noqop', 'fake200', 'rtsps'] },
  // must not fire: RTSPS offered (rtsps); no stream at all (fake200)
  { check: 'rtsp.cleartext', fires: ['open', 'basic', 'digest', 'noqop', 'gst'], mustNotFire: ['rtsps', 'fake200'] },
  // must not fire: Digest only (digest, noqop, rtsps); no challenge at all (open, fake200)
  { check: 'rtsp.basic-auth', fires: ['basic'], mustNotFire: ['digest', 'noqop', 'rtsps', 'open', 'fake200', 'gst'] },
])('$check', ({ check, fires, mustNotFire }) => {
  it.each(fires)('fires on %s', (name) => {
    const found = findingsOf(result, check, addr(name));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ port: device(name).ports.rtsp, proto: 'tcp' });
    expect(found[0]!.evidence?.received).toBeTruthy();
    expect(found[0]!.references.length).toBeGreaterThan(0);
  });
  it.each(mustNotFire)('does not fire on %s', (name) => {
    expect(findingsOf(result, check, addr(name))).toEqual([]);
  });
});

describe('ground truth', () => {
  it.each(DEVICES)('$name: findings are exactly the expected checks', ({ name, personality }) => {
    // TLS findings on the RTSPS port are the TLS family's ground truth (lab PKI), not this one's.
    const got = [...new Set(result.findings.filter((f) => f.host === addr(name) && f.check !== 'inventory.device' && !f.check.startsWith('tls.')).map((f) => f.check))].sort();
    expect(got).toEqual(groundTruth(personality, 'safe'));
  });
});

describe('what the scanner records and asks', () => {
  it('the open stream finding says images of people are personal data, in both languages', () => {
    const f = findingsOf(result, 'rtsp.unauthenticated-stream', addr('open'))[0]!;
    expect(f.severity).toBe('critical');
    expect(f.title.en).toMatch(/personal data.*GDPR/);
    expect(f.title.fr).toMatch(/données personnelles.*RGPD/);
    expect(f.detail).toContain('/live');
    expect(f.detail).toContain('video');
  });

  it('records per URL the status, whether the body is a real SDP, the media and the challenges (no nonce)', () => {
    const describes = (name: string) => result.facts.filter((f) => f.type === 'rtsp.describe' && f.host === addr(name)).map((f) => f.data as unknown as RtspDescribeData);
    expect(describes('open').at(-1)).toMatchObject({ status: 200, sdp: true, media: ['video', 'audio'], origin: 'dictionary', vendor: 'generic' });
    expect(describes('fake200').every((d) => d.status === 200 && !d.sdp && d.media.length === 0)).toBe(true);
    const digest = describes('digest')[0]!;
    expect(digest).toMatchObject({ status: 401, sdp: false, url: expect.stringContaining('/axis-media/media.amp') });
    expect(digest.auth).toEqual([{ scheme: 'digest', realm: 'AXIS_ACCC8E000001', qop: 'auth', algorithm: 'MD5', nonce: true }]);
    const options = result.facts.find((f) => f.type === 'rtsp.options' && f.host === addr('digest'))!;
    expect(options.data).toMatchObject({ status: 200, server: 'AXIS Media Server', public: expect.arrayContaining(['OPTIONS', 'DESCRIBE']) });
    // Nonces stay on the device's side: evidence shows at most their first 4 characters.
    for (const f of result.facts.filter((x) => x.host === addr('digest'))) expect(JSON.stringify(f)).not.toMatch(/nonce="[0-9a-f]{5,}/);
  });

  it('DESCRIBE counts, taken by the devices: vendor hints first, stop at a stream only, never over the budget', () => {
    const counts = Object.fromEntries(DEVICES.map(({ name }) => [name, device(name).tally.counter('rtsp.describe')]));
    // open: no vendor named, /live is the 6th path round-robin in mode safe; gst: the same, after a 401 on the 1st;
    // basic/digest/noqop: the vendor's path first (401), then the others, since a 401 protects one mount only: the whole budget;
    // fake200: 200 without media everywhere, so the whole budget; rtsps: half the budget on each of its two ports.
    const B = DEFAULT_DESCRIBE_BUDGET;
    expect(counts).toEqual({ open: 6, basic: B, digest: B, noqop: B, fake200: B, rtsps: B, gst: 6 });
    for (const { name } of DEVICES) {
      expect(device(name).tally.counter('rtsp.options')).toBeGreaterThanOrEqual(1);
      expect(device(name).tally.counter('rtsp.describe.auth')).toBe(0); // no credentials outside the credential engine
      // (The RTSPS device also gets the TLS scanner's burst of short handshakes, whose closes the
      // device may see late; its politeness is the TLS family's to measure.)
      if (name !== 'rtsps') expect(device(name).tally.maxConcurrent).toBeLessThanOrEqual(2);
    }
  });

  it('a 401 protects one mount only: the search goes on to the open mount; credentials go to the URL that asked', () => {
    const gst = result.facts.filter((f) => f.type === 'rtsp.describe' && f.host === addr('gst')).map((f) => f.data as unknown as RtspDescribeData);
    expect(gst[0]).toMatchObject({ status: 401, url: expect.stringMatching(/\/Streaming\/Channels\/101$/), auth: [{ scheme: 'digest', realm: 'GStreamer RTSP Server', nonce: true }] });
    expect(gst.at(-1)).toMatchObject({ status: 200, sdp: true, url: expect.stringMatching(/\/live$/) });
    expect(gst.slice(1, -1).every((d) => d.status === 404)).toBe(true);
    const host: HostState = { address: addr('gst'), services: [rtspService(device('gst').ports.rtsp!)], facts: result.facts.filter((f) => f.host === addr('gst')) };
    expect(rtspCredentialTargets(host).map((t) => t.where)).toEqual([gst[0]!.url]);
  });

  it('two RTSP ports share the device budget evenly', () => {
    const perPort = (port: number) => result.facts.filter((f) => f.type === 'rtsp.describe' && f.host === addr('rtsps') && f.port === port).length;
    expect([perPort(device('rtsps').ports.rtsp!), perPort(device('rtsps').ports.rtsps!)]).toEqual([DEFAULT_DESCRIBE_BUDGET / 2, DEFAULT_DESCRIBE_BUDGET / 2]);
  });

  it('the DESCRIBE budget comes from the profile parameters', async () => {
    await withSite([{ name: 'fake', personality: 'fake-200-rtsp' }], async (s) => {
      await scanSite(s, { params: { rtsp: { describeBudget: 3 } } });
      expect(s.devices[0]!.tally.counter('rtsp.describe')).toBe(3);
    });
  });

  it('mode passive sends OPTIONS only; the stream check then says why it could not conclude', async () => {
    await withSite([{ name: 'open', personality: 'open-rtsp-camera' }], async (s) => {
      const r = await scanSite(s, { mode: 'passive' });
      expect(s.devices[0]!.tally.counter('rtsp.describe')).toBe(0);
      expect(s.devices[0]!.tally.counter('rtsp.options')).toBe(1);
      expect(findingsOf(r, 'rtsp.unauthenticated-stream')).toEqual([]);
      expect(r.notEvaluated.find((n) => n.check === 'rtsp.unauthenticated-stream')?.reason).toMatch(/passive/);
    });
  });

  it('an ONVIF stream URL of the host is described first', async () => {
    await withSite([{ name: 'open', personality: 'open-rtsp-camera' }], async (s) => {
      const d = s.devices[0]!;
      const { ctx, net } = context(s);
      try {
        const host: HostState = { address: d.address, services: [rtspService(d.ports.rtsp!)], facts: [{ type: 'onvif.stream-uri', host: d.address, scanner: 'onvif', data: { uri: `rtsp://${d.address}:${d.ports.rtsp}/live` } }] };
        const facts = await rtspScanner.collect(ctx, host, host.services[0]!);
        const describes = facts.filter((f) => f.type === 'rtsp.describe').map((f) => f.data as unknown as RtspDescribeData);
        expect(describes).toHaveLength(1);
        expect(describes[0]).toMatchObject({ origin: 'onvif', status: 200, sdp: true });
        expect(d.tally.counter('rtsp.describe')).toBe(1);
      } finally {
        await net.close();
      }
    });
  });
});

describe('misbehaving RTSP servers', () => {
  const HOSTILE = [
    { name: 'tarpit', personality: 'rtsp-tarpit', code: 'ETIMEDOUT' },
    { name: 'slow', personality: 'rtsp-slow', code: 'ETIMEDOUT' },
    { name: 'reset', personality: 'rtsp-reset', code: 'ECONNRESET' },
    { name: 'endless', personality: 'rtsp-endless-headers', code: 'ESIZE' },
    { name: 'huge', personality: 'rtsp-huge-length', code: 'ESIZE' },
    { name: 'garbage', personality: 'rtsp-garbage', code: 'EPROTO' },
    { name: 'http', personality: 'rtsp-http', code: 'EPROTO' },
  ];
  let hostile: RunningSite;
  let r: Result;
  beforeAll(async () => {
    hostile = await startSite([...HOSTILE, { name: 'open', personality: 'open-rtsp-camera' }]);
    r = await scanSite(hostile, { readTimeoutMs: 800, connectTimeoutMs: 500 });
  });
  afterAll(async () => hostile?.stop());
  const at = (name: string) => hostile.devices.find((d) => d.name === name)!.address;

  it.each(HOSTILE)('$name: an error line ($code), not-evaluated lines, no verdict', ({ name, code }) => {
    expect(r.errors.filter((e) => e.host === at(name) && e.scanner === 'rtsp').map((e) => e.code)).toEqual([code]);
    expect(r.findings.filter((f) => f.host === at(name) && f.check.startsWith('rtsp.'))).toEqual([]);
    const ne = r.notEvaluated.filter((n) => n.host === at(name)).map((n) => n.check).sort();
    expect(ne).toEqual(['rtsp.basic-auth', 'rtsp.cleartext', 'rtsp.unauthenticated-stream']);
  });

  it('the scan goes on: the open camera next to them is still found, and the result is complete', () => {
    expect(findingsOf(r, 'rtsp.unauthenticated-stream', at('open'))).toHaveLength(1);
    expect(r.scan.partial).toBe(false);
    // Device bytes in error lines are printable.
    for (const e of r.errors) expect(e.message).not.toMatch(/[\x00-\x08\x0e-\x1f\x7f]/);
  });
});

// ——— credential attempts ———

function rtspService(port: number): Service {
  return { port, proto: 'tcp', kind: 'rtsp', tls: false };
}

function context(s: RunningSite, mode: ScanContext['mode'] = 'credentials'): { ctx: ScanContext; net: Net; warnings: string[] } {
  const net = new Net({ scope: Scope.parse([`127.42.${s.block}.0/24`]), readTimeoutMs: 1500 });
  const warnings: string[] = [];
  return { net, warnings, ctx: { net, mode, signal: new AbortController().signal, params: {}, warn: (_h, _s, m) => warnings.push(m) } };
}

describe('the RTSP credential attempt', () => {
  const CASES = [
    { personality: 'basic-rtsp-camera', path: '/Streaming/Channels/101', secret: LAB_SECRETS.basicRtspCamera },
    { personality: 'digest-rtsp-camera', path: '/axis-media/media.amp', secret: LAB_SECRETS.digestRtspCamera },
    { personality: 'digest-noqop-rtsp-camera', path: '/unicast/c1/s0/live', secret: LAB_SECRETS.digestNoQopRtspCamera },
  ];

  it.each(CASES)('$personality: the right password is accepted, a wrong one rejected; one login each, counted by the device', async ({ personality, path, secret }) => {
    await withSite([{ name: 'cam', personality }], async (s) => {
      const d = s.devices[0]!;
      const { ctx, net } = context(s);
      try {
        const protocol = rtspAuthProtocol(`rtsp://${d.address}:${d.ports.rtsp}${path}`);
        const service = rtspService(d.ports.rtsp!);
        const wrong = await protocol.attempt(ctx, d.address, service, { user: secret.user, password: 'wrong-Zz9' });
        expect(wrong.result).toBe('rejected');
        expect(d.accounts.attempts.get(secret.user)).toBe(1);
        const right = await protocol.attempt(ctx, d.address, service, { user: secret.user, password: secret.password });
        expect(right.result).toBe('accepted');
        expect(d.accounts.attempts.get(secret.user)).toBe(2);
        expect(d.tally.counter('rtsp.describe.auth')).toBe(2);
        // Each attempt: one DESCRIBE for a fresh challenge, one with the answer.
        expect(d.tally.counter('rtsp.describe')).toBe(4);
        const evidence = JSON.stringify([wrong.evidence, right.evidence]);
        expect(evidence).toContain(secret.user);
        for (const leak of [secret.password, Buffer.from(`${secret.user}:${secret.password}`).toString('base64'), 'wrong-Zz9']) expect(evidence).not.toContain(leak);
      } finally {
        await net.close();
      }
    });
  });

  it('rtspProtocol uses the URL that asked for credentials during the same scan', async () => {
    await withSite([{ name: 'cam', personality: 'digest-rtsp-camera' }], async (s) => {
      const d = s.devices[0]!;
      const { ctx, net } = context(s, 'safe');
      try {
        const host: HostState = { address: d.address, services: [rtspService(d.ports.rtsp!)], facts: [] };
        host.facts.push(...(await rtspScanner.collect(ctx, host, host.services[0]!)));
        expect(rtspCredentialTargets(host).map((t) => t.where)).toEqual([`rtsp://${d.address}:${d.ports.rtsp}/axis-media/media.amp`]);
        const secret = LAB_SECRETS.digestRtspCamera;
        expect((await rtspProtocol.attempt(ctx, d.address, host.services[0]!, secret)).result).toBe('accepted');
      } finally {
        await net.close();
      }
    });
  });

  it.each([
    { personality: 'open-rtsp-camera', path: '/live', reason: /without credentials/ },
    { personality: 'fake-200-rtsp', path: '/anything', reason: /no challenge/ },
  ])('$personality: proves nothing (unknown), and sends no credentials', async ({ personality, path, reason }) => {
    await withSite([{ name: 'cam', personality }], async (s) => {
      const d = s.devices[0]!;
      const { ctx, net } = context(s);
      try {
        const out = await rtspAuthProtocol(`rtsp://${d.address}:${d.ports.rtsp}${path}`).attempt(ctx, d.address, rtspService(d.ports.rtsp!), { user: 'admin', password: 'x' });
        expect(out.result).toBe('unknown');
        expect(out.reason).toMatch(reason);
        expect(d.tally.counter('rtsp.describe.auth')).toBe(0);
      } finally {
        await net.close();
      }
    });
  });

  it('a device that locks the account answers lockout', async () => {
    await withSite([{ name: 'cam', personality: 'lockout-rtsp-camera' }], async (s) => {
      const d = s.devices[0]!;
      const { ctx, net } = context(s);
      try {
        const protocol = rtspAuthProtocol(`rtsp://${d.address}:${d.ports.rtsp}/live`);
        const service = rtspService(d.ports.rtsp!);
        const results = [];
        for (let i = 0; i < 3; i++) results.push((await protocol.attempt(ctx, d.address, service, { user: 'admin', password: `bad-${i}` })).result);
        expect(results).toEqual(['rejected', 'rejected', 'lockout']);
      } finally {
        await net.close();
      }
    });
  });

  it('a server that never answers: unknown, not a verdict', async () => {
    await withSite([{ name: 'tarpit', personality: 'rtsp-tarpit' }], async (s) => {
      const d = s.devices[0]!;
      const { ctx, net } = context(s);
      try {
        const out = await rtspAuthProtocol(`rtsp://${d.address}:${d.ports.rtsp}/live`).attempt(ctx, d.address, rtspService(d.ports.rtsp!), { user: 'admin', password: 'x' });
        expect(out).toMatchObject({ result: 'unknown', reason: expect.stringMatching(/no complete RTSP answer/) });
      } finally {
        await net.close();
      }
    });
  });
});
