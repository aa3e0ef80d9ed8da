/**
 * SIP and SSDP: message parsing, the per-host UDP probes over real sockets
 * (never multicast: every datagram goes to one in-scope lab address), the
 * sip.cleartext and ssdp.upnp-enabled checks, and misbehaving UDP/TCP ports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsOf, scanSite as scanWholeSite, startSite, withSite, type RunningSite } from './helpers.ts';
import type { Result } from '../src/core/model.ts';
import type { SipOptionsData, SsdpResponseData } from '../src/core/facts.ts';
import { Net } from '../src/core/net.ts';
import { Scope } from '../src/core/scope.ts';
import { ScopeViolation, SizeLimitExceeded } from '../src/core/errors.ts';
import { PERSONALITIES } from '../src/lab/personalities.ts';
import { MessageParseError } from '../scanners/lib/header-message.ts';
import { buildSipOptions, parseSipResponse, sipUdpScanner } from '../scanners/sip.ts';
import { buildMSearch, parseSsdpAnswer, ssdpScanner } from '../scanners/ssdp.ts';

/** Only the UDP probes under test (SNMP and WS-Discovery are other files' business and wait out their time-outs). */
const scanSite: typeof scanWholeSite = (site, overrides = {}) => scanWholeSite(site, { hostScanners: [sipUdpScanner, ssdpScanner], ...overrides });

describe('SIP messages', () => {
  it('an OPTIONS request names our address in Via with rport, and carries no body', () => {
    const req = buildSipOptions('127.42.1.10', 5060, 'udp', { address: '127.0.0.1', port: 40000 });
    expect(req).toMatch(/^OPTIONS sip:127\.42\.1\.10:5060 SIP\/2\.0\r\n/);
    expect(req).toMatch(/\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:40000;branch=z9hG4bK[0-9a-f]+;rport\r\n/);
    expect(req).toContain('\r\nCSeq: 1 OPTIONS\r\n');
    expect(req.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
    expect(buildSipOptions('127.42.1.10', 5061, 'tls', { address: '127.0.0.1', port: 1 })).toMatch(/^OPTIONS sips:/);
  });

  it('reads a final answer, with compact header names', () => {
    const out = parseSipResponse(Buffer.from('SIP/2.0 200 OK\r\nv: SIP/2.0/UDP x\r\nServer: Door/1\r\nAllow: INVITE, OPTIONS\r\nl: 0\r\n\r\n'));
    expect(out.state === 'complete' && out.message.headers).toEqual([
      ['via', 'SIP/2.0/UDP x'],
      ['server', 'Door/1'],
      ['allow', 'INVITE, OPTIONS'],
      ['content-length', '0'],
    ]);
  });

  it.each([
    ['garbage', Buffer.from([0, 1, 2, 3]), MessageParseError],
    ['an HTTP answer', Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), MessageParseError],
    ['a huge body announced', Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 99999999\r\n\r\n'), SizeLimitExceeded],
    ['endless headers', Buffer.from(`SIP/2.0 200 OK\r\n${'X: y\r\n'.repeat(100)}`), SizeLimitExceeded],
  ])('%s is a typed error', (_what, buf, type) => {
    expect(() => parseSipResponse(buf)).toThrow(type);
  });
});

describe('SSDP messages', () => {
  it('the M-SEARCH is unicast: HOST is the audited address, never the multicast group', () => {
    const m = buildMSearch('127.42.1.10', 1900);
    expect(m).toMatch(/^M-SEARCH \* HTTP\/1\.1\r\nHOST: 127\.42\.1\.10:1900\r\n/);
    expect(m).not.toContain('239.255.255.250');
    expect(m).toContain('ST: ssdp:all');
  });

  it('reads SERVER, ST, USN and LOCATION', () => {
    const a = parseSsdpAnswer(Buffer.from('HTTP/1.1 200 OK\r\nLOCATION: http://127.42.1.10:49152/d.xml\r\nSERVER: Linux UPnP/1.0 Cam\r\nST: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\n\r\n'));
    expect(a).toEqual({ status: 200, location: 'http://127.42.1.10:49152/d.xml', server: 'Linux UPnP/1.0 Cam', st: 'upnp:rootdevice', usn: 'uuid:1::upnp:rootdevice' });
  });

  it.each([
    ['garbage', Buffer.from('\xff\xfe junk', 'latin1')],
    ['a truncated answer', Buffer.from('HTTP/1.1 200 OK\r\nST: x\r\n')],
  ])('%s is refused', (_what, buf) => {
    expect(() => parseSsdpAnswer(buf)).toThrow();
  });

  it('a datagram to the multicast group is refused by scope before any packet is sent', async () => {
    const net = new Net({ scope: Scope.parse(['127.42.0.0/16']) });
    try {
      await expect(net.udpExchange('239.255.255.250', 1900, Buffer.from(buildMSearch('239.255.255.250', 1900)))).rejects.toBeInstanceOf(ScopeViolation);
      expect(net.stats.connections).toBe(0);
    } finally {
      await net.close();
    }
  });
});

const DEVICES = [
  { name: 'intercom', personality: 'sip-intercom' },
  { name: 'sips', personality: 'sips-intercom' },
  { name: 'upnp', personality: 'upnp-camera' },
  { name: 'upnp-other', personality: 'upnp-other-port' },
  { name: 'hostile', personality: 'sip-hostile' },
];

let site: RunningSite;
let result: Result;
const device = (name: string) => site.devices.find((d) => d.name === name)!;
const addr = (name: string) => device(name).address;

beforeAll(async () => {
  site = await startSite(DEVICES);
  result = await scanSite(site, { readTimeoutMs: 1000, connectTimeoutMs: 800 });
});
afterAll(async () => site?.stop());

describe.each([
  // must not fire: SIP over TLS offered next to 5060 (sips); no SIP answer at all (hostile, upnp)
  { check: 'sip.cleartext', fires: ['intercom'], mustNotFire: ['sips', 'hostile', 'upnp', 'upnp-other'] },
  // must not fire: devices that do not answer M-SEARCH
  { check: 'ssdp.upnp-enabled', fires: ['upnp', 'upnp-other'], mustNotFire: ['intercom', 'sips', 'hostile'] },
])('$check', ({ check, fires, mustNotFire }) => {
  it.each(fires)('fires on %s', (name) => {
    const found = findingsOf(result, check, addr(name));
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.evidence?.received).toBeTruthy();
      expect(f.references.length).toBeGreaterThan(0);
      expect(f.severity).toBe('medium');
    }
  });
  it.each(mustNotFire)('does not fire on %s', (name) => {
    expect(findingsOf(result, check, addr(name))).toEqual([]);
  });
});

describe('ground truth', () => {
  it.each(DEVICES)('$name: findings are exactly the expected checks', ({ name, personality }) => {
    // TLS findings on the HTTPS and SIP-TLS ports are the TLS family's ground truth (lab PKI), not this one's.
    const got = [...new Set(result.findings.filter((f) => f.host === addr(name) && f.check !== 'inventory.device' && !f.check.startsWith('tls.')).map((f) => f.check))].sort();
    expect(got).toEqual([...PERSONALITIES[personality]!.expected].sort());
  });
});

describe('SIP over UDP, TCP and TLS', () => {
  it('the intercom answers on udp/5060 and tcp/5060: one finding per cleartext transport, the UDP service added to the host', () => {
    const found = findingsOf(result, 'sip.cleartext', addr('intercom')).map((f) => `${f.proto}/${f.port}`).sort();
    expect(found).toEqual([`tcp/${device('intercom').ports['sip-tcp']}`, `udp/${device('intercom').ports.sip}`]);
    const host = result.hosts.find((h) => h.address === addr('intercom'))!;
    expect(host.services).toContainEqual({ port: device('intercom').ports.sip, proto: 'udp', kind: 'sip', tls: false });
    const facts = result.facts.filter((f) => f.type === 'sip.options' && f.host === addr('intercom')).map((f) => f.data as unknown as SipOptionsData);
    for (const d of facts) expect(d).toMatchObject({ answered: true, status: 200, server: 'DoorStation-SIP/2.4', allow: expect.arrayContaining(['INVITE', 'OPTIONS']) });
  });

  it('the TLS intercom is read over TLS too, and each transport was asked exactly once', () => {
    const facts = result.facts.filter((f) => f.type === 'sip.options' && f.host === addr('sips')).map((f) => f.data as unknown as SipOptionsData);
    expect(facts.map((d) => d.transport).sort()).toEqual(['tcp', 'tls', 'udp']);
    expect(facts.find((d) => d.transport === 'tls')).toMatchObject({ answered: true, tlsHandshake: true, status: 200 });
    for (const t of ['udp', 'tcp', 'tls']) expect(device('sips').tally.counter(`sip.options.${t}`)).toBe(1);
    // SIP over TLS answered: a clean verdict, not an open question.
    expect(result.notEvaluated.filter((n) => n.host === addr('sips') && n.check === 'sip.cleartext')).toEqual([]);
  });

  it('a port that never answers over TCP and answers garbage over UDP: error lines, a not-evaluated line, no verdict', () => {
    const errors = result.errors.filter((e) => e.host === addr('hostile') && e.scanner === 'sip').map((e) => e.code).sort();
    expect(errors).toEqual(['EPROTO', 'ETIMEDOUT']);
    expect(result.notEvaluated.find((n) => n.host === addr('hostile') && n.check === 'sip.cleartext')?.reason).toMatch(/did not answer/);
    expect(result.hosts.find((h) => h.address === addr('hostile'))!.services.some((s) => s.proto === 'udp')).toBe(false);
  });
});

describe('SSDP', () => {
  it('records the answers of a unicast M-SEARCH; one datagram suffices when the device answers from 1900', () => {
    const fact = result.facts.find((f) => f.type === 'ssdp.response' && f.host === addr('upnp'))!;
    const d = fact.data as unknown as SsdpResponseData;
    expect(d).toMatchObject({ count: 2, otherSourcePort: false });
    expect(d.answers[0]).toMatchObject({ status: 200, server: 'Linux/4.9 UPnP/1.0 IPCamera/1.0', st: 'upnp:rootdevice', location: expect.stringContaining(addr('upnp')) });
    expect(device('upnp').tally.counter('ssdp.msearch')).toBe(1);
    expect(result.hosts.find((h) => h.address === addr('upnp'))!.services).toContainEqual({ port: device('upnp').ports.ssdp, proto: 'udp', kind: 'ssdp', tls: false });
  });

  it('a device answering from another port is found by the second, unconnected M-SEARCH (two datagrams, no more)', () => {
    const fact = result.facts.find((f) => f.type === 'ssdp.response' && f.host === addr('upnp-other'))!;
    expect(fact.data).toMatchObject({ otherSourcePort: true });
    expect(device('upnp-other').tally.counter('ssdp.msearch')).toBe(2);
  });

  it('devices without SSDP get no fact and no error line (a closed UDP port answers "port unreachable")', () => {
    for (const name of ['intercom', 'sips', 'hostile']) {
      expect(result.facts.some((f) => f.type === 'ssdp.response' && f.host === addr(name))).toBe(false);
      expect(result.errors.some((e) => e.host === addr(name) && e.scanner === 'ssdp')).toBe(false);
    }
  });
});

describe('the per-host UDP probes', () => {
  it('a closed UDP port fails a connected exchange with ECONNREFUSED instead of waiting', async () => {
    await withSite([{ name: 'cam', personality: 'open-rtsp-camera' }], async (s) => {
      const net = new Net({ scope: Scope.parse([`127.42.${s.block}.0/24`]), readTimeoutMs: 30_000 });
      try {
        await expect(net.udpExchange(s.devices[0]!.address, 1900, Buffer.from('x'), { connect: true })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      } finally {
        await net.close();
      }
    });
  });

  it('the profile can turn a UDP probe off: no datagram reaches the device', async () => {
    await withSite([{ name: 'upnp', personality: 'upnp-camera' }], async (s) => {
      const r = await scanSite(s, { udpPorts: { ssdp: [] } });
      expect(s.devices[0]!.tally.counter('ssdp.msearch')).toBe(0);
      expect(findingsOf(r, 'ssdp.upnp-enabled')).toEqual([]);
    });
  });
});
