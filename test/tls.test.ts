/**
 * TLS: the suite table, the ClientHello/ServerHello wire format (with
 * truncated, garbage and lying input), certificate reading and trust, every
 * tls.* check firing and not firing over real sockets against the simulated
 * TLS devices (node:tls servers and the lab's own hello-only server for what
 * OpenSSL cannot serve), and hostile TLS servers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsOf, scanSite, startSite, type RunningSite } from './helpers.ts';
import { SUITES, suiteByCode } from '../src/core/tls-suites.ts';
import {
  buildClientHello,
  buildSslv2ClientHello,
  parseCertificateMessage,
  parseServerAnswer,
  parseSslv2Answer,
} from '../scanners/lib/tls-hello.ts';
import { analyseChain, describeCertificate, parsePemBundle, signatureAlgorithmOf, trustStore, TrustStore } from '../scanners/lib/tls-cert.ts';
import { tlsScanner } from '../scanners/tls.ts';
import { issueCertificate } from '../src/lab/pki.ts';
import { X509Certificate } from 'node:crypto';
import { Net } from '../src/core/net.ts';
import { Scope } from '../src/core/scope.ts';
import { evaluate } from '../src/checks/evaluate.ts';
import { loadProfile } from '../src/core/profile.ts';
import { readCaFile } from '../src/cli/scan.ts';
import { UsageError } from '../src/core/errors.ts';
import { tlsCertExpired } from '../src/checks/tls/cert-expired.ts';
import type { HostView } from '../src/checks/types.ts';
import type { Fact, Result } from '../src/core/model.ts';
import type { TlsCertificateData, TlsHandshakeData } from '../src/core/facts.ts';

// ——— wire-format helpers for the tests (hand-written, independent of the code under test) ———

function record(type: number, version: number, body: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h[0] = type;
  h.writeUInt16BE(version, 1);
  h.writeUInt16BE(body.length, 3);
  return Buffer.concat([h, body]);
}
function hs(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
}
function serverHelloBody(version: number, suite: number, opts: { exts?: Buffer; random?: Buffer; sid?: Buffer } = {}): Buffer {
  const sid = opts.sid ?? Buffer.alloc(0);
  const parts = [Buffer.from([version >> 8, version & 0xff]), opts.random ?? randomBytes(32), Buffer.from([sid.length]), sid, Buffer.from([suite >> 8, suite & 0xff, 0])];
  if (opts.exts) parts.push(Buffer.from([opts.exts.length >> 8, opts.exts.length & 0xff]), opts.exts);
  return Buffer.concat(parts);
}
/** Extension types of a ClientHello record, walked by hand. */
function extensionTypes(h: Buffer): number[] {
  let p = 9 + 2 + 32;
  p += 1 + h[p]!;
  p += 2 + h.readUInt16BE(p);
  p += 1 + h[p]!;
  if (p >= h.length) return [];
  const end = p + 2 + h.readUInt16BE(p);
  p += 2;
  const types: number[] = [];
  while (p < end) {
    types.push(h.readUInt16BE(p));
    p += 4 + h.readUInt16BE(p + 2);
  }
  return types;
}
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const HRR = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

describe('suite table', () => {
  it('holds the IANA registry with unique codes', () => {
    expect(SUITES.length).toBeGreaterThan(330);
    expect(new Set(SUITES.map((s) => s.code)).size).toBe(SUITES.length);
  });

  it.each([
    [0x000a, { kex: 'RSA', '3des': true, cbc: true, pfs: false, block64: true }],
    [0x0005, { rc4: true, pfs: false }],
    [0x0003, { export: true, rc4: true, md5: true }],
    [0x0002, { null: true }],
    [0x0034, { anon: true, pfs: true, cbc: true }],
    [0xc018, { anon: true, kex: 'ECDHE' }],
    [0xc02f, { aead: true, pfs: true, anon: false, cbc: false }],
    [0x1301, { aead: true, pfs: true, minVersion: 'TLSv1.3' }],
    [0x009c, { aead: true, pfs: false, minVersion: 'TLSv1.2' }],
    [0x002f, { minVersion: 'SSLv3', mac: 'SHA1', bits: 128 }],
  ])('derives the attributes of 0x%s from its IANA name', (code, want) => {
    const s = suiteByCode(code)!;
    const flat = { ...s, ...s.flags } as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) expect(flat[k], `${s.name} ${k}`).toBe(v);
  });
});

describe('ClientHello', () => {
  it('TLS 1.2: one handshake record, the suites offered plus the renegotiation SCSV, no supported_versions', () => {
    const h = buildClientHello({ version: 0x0303, suites: [0xc02f, 0x002f] });
    expect(h[0]).toBe(22);
    expect(h.readUInt16BE(1)).toBe(0x0301);
    expect(h.readUInt16BE(3)).toBe(h.length - 5);
    expect(h[5]).toBe(1);
    expect(h.readUInt16BE(9)).toBe(0x0303);
    const sidLen = h[43]!;
    const suitesLen = h.readUInt16BE(44 + sidLen);
    const suites = Array.from({ length: suitesLen / 2 }, (_, i) => h.readUInt16BE(46 + sidLen + 2 * i));
    expect(suites).toEqual([0xc02f, 0x002f, 0x00ff]);
    expect(extensionTypes(h)).not.toContain(43);
    expect(extensionTypes(h)).toEqual(expect.arrayContaining([10, 11, 13]));
  });

  it('SSLv3: SSLv3 record, no extensions at all', () => {
    const h = buildClientHello({ version: 0x0300, suites: [0x000a] });
    expect(h.readUInt16BE(1)).toBe(0x0300);
    // record(5) + hs header(4) + version(2) + random(32) + sid(1) + suites(2+4) + compression(2): nothing after.
    expect(h.length).toBe(5 + 4 + 2 + 32 + 1 + 2 + 4 + 2);
  });

  it('TLS 1.3: supported_versions and an x25519 key share; padded out of the 256-511 byte range', () => {
    const h = buildClientHello({ version: 0x0303, supportedVersions: [0x0304], suites: [0x1301, 0x1302] });
    expect(extensionTypes(h)).toEqual(expect.arrayContaining([43, 51, 45]));
    expect(h.indexOf(Buffer.from([0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04]))).toBeGreaterThan(0);
    const handshakeLen = h.length - 5;
    expect(handshakeLen < 256 || handshakeLen >= 512).toBe(true);
  });

  it('SSLv2: two-byte header, CLIENT-HELLO, version 2, 3-byte cipher kinds', () => {
    const h = buildSslv2ClientHello([0x0700c0, 0x010080]);
    expect(h[0]! & 0x80).toBe(0x80);
    expect(((h[0]! & 0x7f) << 8) | h[1]!).toBe(h.length - 2);
    expect(h[2]).toBe(1);
    expect(h.readUInt16BE(3)).toBe(0x0002);
    expect(h.readUInt16BE(5)).toBe(6);
  });
});

describe('reading the answer to a ClientHello', () => {
  const hello = record(22, 0x0303, hs(2, serverHelloBody(0x0303, 0xc02f)));

  it('a ServerHello: version and suite', () => {
    const a = parseServerAnswer(hello);
    expect(a.kind).toBe('server-hello');
    if (a.kind === 'server-hello') expect([a.hello.version, a.hello.suite, a.hello.helloRetry]).toEqual([0x0303, 0xc02f, false]);
  });

  it('TLS 1.3: the version comes from supported_versions; a HelloRetryRequest is recognised', () => {
    const exts = Buffer.from([0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x17]);
    const a = parseServerAnswer(record(22, 0x0303, hs(2, serverHelloBody(0x0303, 0x1301, { exts, random: HRR }))));
    expect(a.kind === 'server-hello' && [a.hello.version, a.hello.helloRetry, a.hello.group]).toEqual([0x0304, true, 0x17]);
  });

  it('an alert', () => {
    expect(parseServerAnswer(record(21, 0x0303, Buffer.from([2, 70])))).toEqual({ kind: 'alert', level: 2, description: 70, name: 'protocol_version' });
  });

  it('every truncation of a valid answer is "need more", never a verdict or a throw', () => {
    for (let i = 0; i < hello.length; i++) expect(parseServerAnswer(hello.subarray(0, i)).kind, `cut at ${i}`).toBe('need-more');
  });

  it('a ServerHello split over two records', () => {
    const msg = hs(2, serverHelloBody(0x0301, 0x002f));
    const a = parseServerAnswer(Buffer.concat([record(22, 0x0301, msg.subarray(0, 10)), record(22, 0x0301, msg.subarray(10))]));
    expect(a.kind === 'server-hello' && a.hello.suite).toBe(0x002f);
  });

  it.each([
    ['an HTTP answer', Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), 'not-tls'],
    ['an SSH banner', Buffer.from('SSH-2.0-dropbear\r\n'), 'not-tls'],
    ['a session_id longer than 32 bytes', record(22, 0x0303, hs(2, Buffer.concat([serverHelloBody(0x0303, 0x002f).subarray(0, 34), Buffer.from([200]), randomBytes(40)]))), 'malformed'],
    ['an extensions length that lies', record(22, 0x0303, hs(2, Buffer.concat([serverHelloBody(0x0303, 0x002f), Buffer.from([0x00, 0x40, 0xff, 0x01])]))), 'malformed'],
    ['a record longer than TLS allows', Buffer.concat([Buffer.from([22, 3, 3, 0xff, 0xff]), randomBytes(100)]), 'malformed'],
    ['a Certificate before any ServerHello', record(22, 0x0303, hs(11, Buffer.alloc(3))), 'malformed'],
    ['an empty handshake record', record(22, 0x0303, Buffer.alloc(0)), 'malformed'],
    ['a one-byte alert', record(21, 0x0303, Buffer.from([2])), 'malformed'],
    ['application data first', record(23, 0x0303, Buffer.from('hello')), 'malformed'],
    ['supported_versions of the wrong size', record(22, 0x0303, hs(2, serverHelloBody(0x0303, 0x1301, { exts: Buffer.from([0x00, 0x2b, 0x00, 0x01, 0x03]) }))), 'malformed'],
  ])('%s is %s', (_what, buf, kind) => {
    expect(parseServerAnswer(buf).kind).toBe(kind);
  });

  it('random bytes never make it throw', () => {
    for (let i = 0; i < 2000; i++) {
      const b = randomBytes(1 + (i % 300));
      if (i % 3 === 0) b[0] = 22;
      if (i % 3 === 0 && b.length > 2) b[1] = 3;
      expect(() => parseServerAnswer(b, { wantCertificate: i % 2 === 0 })).not.toThrow();
      expect(() => parseSslv2Answer(b)).not.toThrow();
    }
  });

  it('the certificates after a ServerHello; none before a ServerKeyExchange (anonymous suite)', () => {
    const der = new X509Certificate(issueCertificate({ commonName: 'unit', keyId: 'unit' }).certPem).raw;
    const list = Buffer.concat([u24(der.length), der]);
    const withCert = record(22, 0x0303, Buffer.concat([hs(2, serverHelloBody(0x0303, 0x002f)), hs(11, Buffer.concat([u24(list.length), list])), hs(14, Buffer.alloc(0))]));
    const a = parseServerAnswer(withCert, { wantCertificate: true });
    expect(a.kind === 'server-hello' && a.certificates?.map((c) => c.equals(der))).toEqual([true]);
    const anon = record(22, 0x0303, Buffer.concat([hs(2, serverHelloBody(0x0303, 0x0034)), hs(12, randomBytes(20)), hs(14, Buffer.alloc(0))]));
    const b = parseServerAnswer(anon, { wantCertificate: true });
    expect(b.kind === 'server-hello' && b.certificates).toEqual([]);
    expect(() => parseCertificateMessage(Buffer.concat([u24(50), u24(100), randomBytes(10)]))).toThrow();
    const lying = record(22, 0x0303, Buffer.concat([hs(2, serverHelloBody(0x0303, 0x002f)), hs(11, Buffer.concat([u24(list.length + 5), list]))]));
    expect(parseServerAnswer(lying, { wantCertificate: true }).kind).toBe('malformed');
  });

  it('SSLv2: SERVER-HELLO with its cipher kinds; truncated; lying lengths; a TLS alert', () => {
    const specs = Buffer.from([0x07, 0x00, 0xc0, 0x01, 0x00, 0x80]);
    const cert = randomBytes(10);
    const connId = randomBytes(16);
    const head = Buffer.from([4, 0, 1, 0x00, 0x02, 0, cert.length, 0, specs.length, 0, connId.length]);
    const body = Buffer.concat([head, cert, specs, connId]);
    const msg = Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]);
    const a = parseSslv2Answer(msg);
    expect(a.kind === 'sslv2-hello' && a.specs).toEqual([0x0700c0, 0x010080]);
    expect(parseSslv2Answer(msg.subarray(0, 20)).kind).toBe('need-more');
    const lying = Buffer.from(msg);
    lying[2 + 8] = 5; // cipher_specs length not a multiple of 3
    expect(parseSslv2Answer(lying).kind).toBe('malformed');
    expect(parseSslv2Answer(record(21, 0x0301, Buffer.from([2, 70]))).kind).toBe('alert');
  });
});

describe('certificates', () => {
  const ca = issueCertificate({ commonName: 'unit CA', isCA: true, keyId: 'unit-ca' });
  const leaf = issueCertificate({ commonName: 'leaf', ips: ['127.42.0.1'], issuer: ca, keyId: 'unit-leaf' });
  const old = issueCertificate({ commonName: 'old', bits: 1024, digest: 'sha1', keyId: 'unit-old' });
  const md5 = issueCertificate({ commonName: 'md5', digest: 'md5', keyId: 'unit-md5' });
  const x = (pem: string) => new X509Certificate(pem);

  it('reads the signature algorithm from the DER (SHA-256, SHA-1, MD5) and refuses truncated DER', () => {
    expect(signatureAlgorithmOf(x(leaf.certPem).raw).name).toBe('sha256WithRSAEncryption');
    expect(signatureAlgorithmOf(x(old.certPem).raw).hash).toBe('sha1');
    expect(signatureAlgorithmOf(x(md5.certPem).raw).hash).toBe('md5');
    const raw = x(leaf.certPem).raw;
    for (const cut of [0, 1, 4, 10, raw.length - 300]) expect(() => signatureAlgorithmOf(raw.subarray(0, cut))).toThrow();
  });

  it('key type and size, self-signed, fingerprints', () => {
    const d = describeCertificate(x(old.certPem));
    expect([d.keyType, d.keyBits, d.selfSigned, d.signatureHash]).toEqual(['rsa', 1024, true, 'sha1']);
    const l = describeCertificate(x(leaf.certPem));
    expect([l.selfSigned, l.san]).toEqual([false, ['IP Address:127.42.0.1']]);
    expect(l.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(l.spkiSha256).not.toBe(describeCertificate(x(ca.certPem)).spkiSha256);
  });

  it('trust: through the sent chain to a --ca anchor; the system store does not know the lab CA', () => {
    const store = new TrustStore([], [x(ca.certPem)]);
    expect(store.evaluate([x(leaf.certPem), x(ca.certPem)]).trust).toBe('user-ca');
    expect(store.evaluate([x(leaf.certPem)]).trust).toBe('user-ca'); // root not sent: found among the anchors
    expect(trustStore(undefined).store.evaluate([x(leaf.certPem), x(ca.certPem)]).trust).toBe('none');
    expect(new TrustStore([], [x(old.certPem)]).evaluate([x(old.certPem)]).trust).toBe('user-ca'); // the self-signed cert itself given as --ca
  });

  it('a --ca bundle with a broken block: the rest is used, the broken one counted', () => {
    const bundle = `${ca.certPem}\n-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n`;
    const { certs, rejected } = parsePemBundle(bundle);
    expect([certs.length, rejected]).toEqual([1, 1]);
  });

  it('a leaf that does not parse gives an empty chain with the reason', () => {
    const d = analyseChain([randomBytes(200), x(ca.certPem).raw], new TrustStore([], []), 'handshake', new Date());
    expect(d.chain).toEqual([]);
    expect(d.reason).toMatch(/does not parse/);
  });

  it('--ca FILE: a file without PEM certificates is a usage error before any scan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-ca-'));
    try {
      writeFileSync(join(dir, 'bad.pem'), 'hello');
      writeFileSync(join(dir, 'ok.pem'), ca.certPem);
      expect(() => readCaFile(join(dir, 'bad.pem'))).toThrow(UsageError);
      expect(() => readCaFile(join(dir, 'missing.pem'))).toThrow(UsageError);
      expect(readCaFile(join(dir, 'ok.pem'))).toContain('BEGIN CERTIFICATE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ——— over real sockets: the TLS devices of the simulated site ———

const TLS_DEVICES = [
  'legacy-tls-camera',
  'weak-cert-nvr',
  'legacy-ssl-camera',
  'anon-tls-intercom',
  'legacy-rtsps-camera',
  'modern-tls-camera',
  'factory-cert-camera',
  'factory-cert-camera',
  'hardened-camera',
  'legacy-nvr',
];

let site: RunningSite;
let result: Result;
let withoutCa: Result;

const device = (personality: string) => site.devices.find((d) => d.personality.id === personality)!;
const factOf = <T>(r: Result, type: string, host: string, port?: number) =>
  r.facts.find((f) => f.type === type && f.host === host && (port === undefined || f.port === port))?.data as unknown as T;

beforeAll(async () => {
  site = await startSite(TLS_DEVICES.map((personality, i) => ({ name: `tls-${i}`, personality })));
  result = await scanSite(site);
  withoutCa = await scanSite(site, { params: { caPem: '' } });
}, 60_000);

afterAll(async () => {
  await site?.stop();
});

describe('TLS devices: each check fires exactly where the ground truth says (site CA given)', () => {
  it.each(TLS_DEVICES.filter((p, i) => TLS_DEVICES.indexOf(p) === i))('%s', (personality) => {
    for (const d of site.devices.filter((x) => x.personality.id === personality)) {
      const got = [...new Set(result.findings.filter((f) => f.host === d.address && f.check !== 'inventory.device').map((f) => f.check))].sort();
      expect(got, JSON.stringify(result.errors.filter((e) => e.host === d.address))).toEqual([...d.personality.expected].sort());
    }
  });

  it.each([
    ['tls.legacy-protocol', 'modern-tls-camera'],
    ['tls.legacy-protocol', 'legacy-rtsps-camera'], // RTSPS: graded by rtsps.legacy-tls
    ['rtsps.legacy-tls', 'modern-tls-camera'],
    ['tls.weak-cipher', 'modern-tls-camera'],
    ['tls.weak-cipher', 'anon-tls-intercom'], // ECDHE/ADH with AEAD, AECDH CBC under TLS 1.2: anonymous, not weak
    ['tls.anonymous-cipher', 'legacy-tls-camera'],
    ['tls.cert-self-signed', 'modern-tls-camera'],
    ['tls.cert-untrusted-ca', 'modern-tls-camera'],
    ['tls.cert-untrusted-ca', 'legacy-tls-camera'], // self-signed: its own check
    ['tls.cert-expired', 'modern-tls-camera'],
    ['tls.cert-weak-key', 'legacy-tls-camera'],
    ['tls.cert-weak-signature', 'modern-tls-camera'],
    ['tls.cert-shared', 'modern-tls-camera'],
    ['tls.cert-shared', 'hardened-camera'],
  ])('%s must not fire on %s', (check, personality) => {
    expect(findingsOf(result, check, device(personality).address)).toEqual([]);
  });

  it('without the site CA, a private-CA certificate is tls.cert-untrusted-ca, never tls.cert-self-signed', () => {
    const modern = device('modern-tls-camera');
    const untrusted = findingsOf(withoutCa, 'tls.cert-untrusted-ca', modern.address);
    expect(untrusted.map((f) => f.port).sort()).toEqual([322, 443].map((p) => (p === 443 ? modern.ports.https : modern.ports.rtsps)).sort());
    expect(untrusted[0]!.detail).toMatch(/no --ca set given/);
    expect(findingsOf(withoutCa, 'tls.cert-self-signed', modern.address)).toEqual([]);
    expect(findingsOf(withoutCa, 'tls.cert-self-signed', device('legacy-tls-camera').address)).toHaveLength(1);
  });

  it('findings say what was seen: versions, suites, certificate', () => {
    const legacy = device('legacy-tls-camera').address;
    expect(findingsOf(result, 'tls.legacy-protocol', legacy)[0]!.detail).toMatch(/TLSv1\.0 .*TLSv1\.1/);
    expect(findingsOf(result, 'tls.weak-cipher', legacy)[0]!.detail).toMatch(/TLS_RSA_WITH_AES_128_CBC_SHA .*static RSA key exchange/);
    const ssl = device('legacy-ssl-camera').address;
    expect(findingsOf(result, 'tls.legacy-protocol', ssl)[0]!.detail).toMatch(/SSLv2 .*SSLv3 .*TLSv1\.0/);
    expect(findingsOf(result, 'tls.weak-cipher', ssl)[0]!.detail).toMatch(/3DES.*RC4/);
    const nvr = device('weak-cert-nvr').address;
    expect(findingsOf(result, 'tls.cert-weak-key', nvr)[0]!.detail).toMatch(/RSA 1024 bits/);
    expect(findingsOf(result, 'tls.cert-weak-signature', nvr)[0]!.detail).toMatch(/sha1WithRSAEncryption/);
    expect(findingsOf(result, 'tls.cert-expired', nvr)[0]!.detail).toMatch(/expired on/);
    expect(findingsOf(result, 'tls.anonymous-cipher', device('anon-tls-intercom').address)[0]!.detail).toMatch(/TLS_DH_anon_WITH_AES_128_GCM_SHA256.*TLS_ECDH_anon_WITH_AES_128_CBC_SHA/);
    const shared = result.findings.filter((f) => f.check === 'tls.cert-shared');
    expect(shared.map((f) => f.host).sort()).toEqual(site.devices.filter((d) => d.personality.id === 'factory-cert-camera').map((d) => d.address).sort());
    for (const f of result.findings.filter((x) => x.check.startsWith('tls.') || x.check.startsWith('rtsps.'))) expect(f.evidence, f.check).toBeTruthy();
  });

  it('what OpenSSL cannot serve is enumerated anyway: SSLv2, SSLv3, 3DES, RC4, EXPORT, NULL, in the server order', () => {
    const d = device('legacy-ssl-camera');
    const h = factOf<TlsHandshakeData>(result, 'tls.handshake', d.address);
    expect(h.accepted).toEqual(['SSLv2', 'SSLv3', 'TLSv1.0']);
    const tls10 = h.versions.find((v) => v.version === 'TLSv1.0')!;
    expect(tls10.suites.map((s) => s.code)).toEqual(['0x000A', '0x0005', '0x0004', '0x0003', '0x0009', '0x0002']);
    expect(tls10.serverPreference).toBe(true);
    expect(h.versions.find((v) => v.version === 'SSLv2')!.suites.map((s) => s.name)).toEqual(['SSL_CK_DES_192_EDE3_CBC_WITH_MD5', 'SSL_CK_RC4_128_WITH_MD5', 'SSL_CK_RC4_128_EXPORT40_WITH_MD5']);
    // node:tls cannot talk to it: the certificate comes from the crafted handshake, and reaches the site CA.
    const c = factOf<TlsCertificateData>(result, 'tls.certificate', d.address);
    expect([c.source, c.trust, c.chain.length]).toEqual(['handshake', 'user-ca', 2]);
  });

  it('node:tls-served versions and suites, in the server order', () => {
    const h = factOf<TlsHandshakeData>(result, 'tls.handshake', device('legacy-tls-camera').address);
    expect(h.accepted).toEqual(['TLSv1.0', 'TLSv1.1', 'TLSv1.2']);
    expect(h.complete).toBe(true);
    const v12 = h.versions.find((v) => v.version === 'TLSv1.2')!;
    expect(v12.suites.slice(0, 3).map((s) => s.name)).toEqual(['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA256']);
    expect(v12.serverPreference).toBe(true);
    const modern = factOf<TlsHandshakeData>(result, 'tls.handshake', device('modern-tls-camera').address, device('modern-tls-camera').ports.https);
    expect(modern.accepted).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(modern.versions.find((v) => v.version === 'TLSv1.3')!.suites.map((s) => s.code).sort()).toEqual(['0x1301', '0x1302', '0x1303']);
  });

  it('expiry is judged at the time of observation: re-evaluating the same facts later gives the same verdict', () => {
    const nvr = device('weak-cert-nvr');
    const fact = result.facts.find((f) => f.type === 'tls.certificate' && f.host === nvr.address)!;
    const view = (data: TlsCertificateData): HostView => ({
      address: nvr.address,
      class: 'nvr',
      services: [{ port: fact.port!, proto: 'tcp', kind: 'https', tls: true }],
      facts: [{ ...fact, data: data as unknown as Fact['data'] }],
    });
    const d = fact.data as unknown as TlsCertificateData;
    expect(tlsCertExpired.evaluate(view(d), {}).map((o) => o.kind)).toEqual(['finding']);
    const back = new Date(Date.parse(d.chain[0]!.validTo) - 24 * 3600 * 1000).toISOString();
    expect(tlsCertExpired.evaluate(view({ ...d, observedAt: back }), {})).toEqual([]);
  });

  it('profile parameters: minimum TLS 1.3 flags TLS 1.2; a 4096-bit RSA minimum flags 2048-bit keys', () => {
    const profile = loadProfile('anssi-base');
    const strict = {
      ...profile,
      checks: {
        ...profile.checks,
        'tls.legacy-protocol': { params: { minVersion: 'TLSv1.3' } },
        'tls.cert-weak-key': { params: { minRsaBits: 4096, minEcBits: 384 } },
      },
    };
    const again = evaluate(result.hosts, result.facts, strict);
    const modern = device('modern-tls-camera').address;
    expect(again.findings.filter((f) => f.host === modern && f.check === 'tls.legacy-protocol').map((f) => f.detail)).toEqual([expect.stringMatching(/TLSv1\.2/)]);
    expect(again.findings.filter((f) => f.host === modern && f.check === 'tls.cert-weak-key')).toHaveLength(2);
  });
});

describe('the scanner on its own', () => {
  const ctxFor = (net: Net, params: Record<string, unknown> = {}) => ({ net, mode: 'safe' as const, signal: new AbortController().signal, params, warn: () => undefined });

  it('finds TLS on a port of unknown kind, and leaves a plain-HTTP port alone', async () => {
    const net = new Net({ scope: Scope.parse([`127.42.${site.block}.0/24`]) });
    try {
      const modern = device('modern-tls-camera');
      const onTls = await tlsScanner.collect(ctxFor(net), { address: modern.address, services: [], facts: [] }, { port: modern.ports.https!, proto: 'tcp', kind: 'unknown', tls: false });
      expect(onTls.map((f) => f.type)).toEqual(['tls.handshake', 'tls.certificate']);
      const nvr = device('legacy-nvr');
      expect(await tlsScanner.collect(ctxFor(net), { address: nvr.address, services: [], facts: [] }, { port: nvr.ports.http!, proto: 'tcp', kind: 'unknown', tls: false })).toEqual([]);
    } finally {
      await net.close();
    }
  });

  it('never more than 2 connections at once on a device, counted by the device, over about 60 connections', async () => {
    const small = await startSite([
      { name: 'ssl', personality: 'legacy-ssl-camera' },
      { name: 'tls', personality: 'legacy-tls-camera' },
      { name: 'modern', personality: 'modern-tls-camera' },
    ]);
    try {
      // The TLS scanner alone: other scanners' connections are their own tests' business.
      await scanSite(small, { scanners: [tlsScanner] });
      for (const d of small.devices) {
        expect(d.tally.maxConcurrent, d.name).toBeLessThanOrEqual(2);
        expect(d.tally.connections, d.name).toBeGreaterThan(15);
      }
    } finally {
      await small.stop();
    }
  });

  it('stops at its connection budget and says so; what it saw still counts', async () => {
    const net = new Net({ scope: Scope.parse([`127.42.${site.block}.0/24`]) });
    try {
      const d = device('legacy-tls-camera');
      const facts = await tlsScanner.collect(ctxFor(net, { tlsMaxConnections: 6 }), { address: d.address, services: [], facts: [] }, { port: d.ports.https!, proto: 'tcp', kind: 'https', tls: true });
      const h = facts.find((f) => f.type === 'tls.handshake')!.data as unknown as TlsHandshakeData;
      expect(h.complete).toBe(false);
      expect(h.connections).toBeLessThanOrEqual(8); // the budget, the node:tls certificate connection, and no more
      expect(h.notes.join(' ')).toMatch(/budget reached/);
    } finally {
      await net.close();
    }
  });
});

describe('hostile TLS servers', () => {
  it('a reset mid-ServerHello, a ServerHello with broken lengths, a server that never answers: no verdict, bounded, the scan goes on', async () => {
    const hostile = await startSite([
      { name: 'reset', personality: 'tls-reset' },
      { name: 'broken', personality: 'tls-broken-hello' },
      { name: 'silent', personality: 'tls-silent' },
      { name: 'ok', personality: 'legacy-tls-camera' },
    ]);
    try {
      const r = await scanSite(hostile, { readTimeoutMs: 600, connectTimeoutMs: 500 });
      const [reset, broken, silent, ok] = hostile.devices;
      for (const d of [reset!, broken!, silent!]) {
        expect(r.findings.filter((f) => f.host === d.address && f.check !== 'inventory.device'), d.name).toEqual([]);
        expect(r.notEvaluated.some((n) => n.host === d.address && n.check === 'tls.weak-cipher'), d.name).toBe(true);
      }
      expect(r.errors.find((e) => e.host === broken!.address && e.scanner === 'tls')?.message).toMatch(/malformed answer: session_id of 200 bytes/);
      expect(r.errors.find((e) => e.host === silent!.address && e.scanner === 'tls')?.message).toMatch(/time-out/);
      const resetHs = factOf<TlsHandshakeData>(r, 'tls.handshake', reset!.address);
      expect(resetHs.versions.find((v) => v.version === 'TLSv1.2')).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/reset after 20 byte/) });
      expect(findingsOf(r, 'tls.weak-cipher', ok!.address)).toHaveLength(1);
      expect(r.scan.partial).toBe(false);
    } finally {
      await hostile.stop();
    }
  }, 30_000);
});
