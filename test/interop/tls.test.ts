/**
 * TLS against the reference: Debian's nginx in a legacy and a hardened
 * configuration on 127.43.0.30/31, audited by vigie and by Debian's sslscan
 * on the same endpoints.
 *
 *   - every protocol version sslscan finds enabled, and every suite it lists
 *     as accepted (by IANA code), is in vigie's `tls.handshake` facts; the
 *     suite sslscan marks "preferred" is the first of vigie's server order;
 *   - vigie reads the certificate nginx serves;
 *   - the legacy configuration is flagged (legacy protocols, weak and
 *     anonymous suites, self-signed certificate); the hardened one, with its
 *     CA passed as the client's CA set, raises no TLS finding at all.
 * The time per endpoint of both tools is printed (no timed assertion).
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackages, startDaemon, stopAll, waitForPort } from './support.ts';
import { runScan } from '../../src/engine/engine.ts';
import { loadProfile } from '../../src/core/profile.ts';
import { Scope } from '../../src/core/scope.ts';
import { Net } from '../../src/core/net.ts';
import type { Result } from '../../src/core/model.ts';
import type { TlsCertificateData, TlsHandshakeData } from '../../src/core/facts.ts';
import { tlsScanner } from '../../scanners/tls.ts';
import { issueCertificate } from '../../src/lab/pki.ts';

const run = promisify(execFile);
const NGINX = '/usr/sbin/nginx';
const SSLSCAN = '/usr/bin/sslscan';
const LEGACY = '127.43.0.30';
const HARDENED = '127.43.0.31';
const PORT = 8443;
const HARDENED_CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';

let dir: string;
let caPem: string;
const certPem: Record<string, string> = {};

interface SslscanRun {
  protocols: string[];
  /** `TLSv1.2 0xC030` for each accepted suite. */
  suites: string[];
  preferred: Record<string, string>;
  ms: number;
}

const PROTOCOL_NAMES: Record<string, string> = { 'ssl 2': 'SSLv2', 'ssl 3': 'SSLv3', 'tls 1.0': 'TLSv1.0', 'tls 1.1': 'TLSv1.1', 'tls 1.2': 'TLSv1.2', 'tls 1.3': 'TLSv1.3' };

async function sslscan(address: string): Promise<SslscanRun> {
  const xmlPath = join(dir, `sslscan-${address}.xml`);
  const t0 = performance.now();
  await run(SSLSCAN, ['--no-colour', `--xml=${xmlPath}`, `${address}:${PORT}`], { timeout: 120_000 });
  const ms = performance.now() - t0;
  const xml = readFileSync(xmlPath, 'utf8');
  const protocols = [...xml.matchAll(/<protocol type="(ssl|tls)" version="([\d.]+)" enabled="1"/g)].map((m) => PROTOCOL_NAMES[`${m[1]} ${m[2]}`]!);
  const suites: string[] = [];
  const preferred: Record<string, string> = {};
  for (const m of xml.matchAll(/<cipher status="(accepted|preferred)" sslversion="([^"]+)"[^>]* id="0x([0-9A-Fa-f]+)"/g)) {
    const version = m[2] === 'TLSv1' ? 'TLSv1.0' : m[2]!;
    const code = `0x${m[3]!.toUpperCase().padStart(4, '0')}`;
    suites.push(`${version} ${code}`);
    if (m[1] === 'preferred') preferred[version] = code;
  }
  return { protocols, suites, preferred, ms };
}

async function vigieScan(address: string): Promise<Result> {
  return runScan({
    targets: [{ address }],
    specs: [address],
    scope: Scope.parse([`${address}/32`]),
    profile: loadProfile('anssi-base'),
    ports: [PORT],
    params: { caPem },
  });
}

/** Time of the TLS part alone (what sslscan does): versions, suites and certificate of one endpoint. */
async function vigieEndpointMs(address: string): Promise<{ ms: number; connections: number }> {
  const net = new Net({ scope: Scope.parse([`${address}/32`]) });
  const t0 = performance.now();
  const facts = await tlsScanner.collect(
    { net, mode: 'safe', signal: new AbortController().signal, params: { caPem }, warn: () => undefined },
    { address, services: [], facts: [] },
    { port: PORT, proto: 'tcp', kind: 'https', tls: true },
  );
  const ms = performance.now() - t0;
  await net.close();
  return { ms, connections: (facts.find((f) => f.type === 'tls.handshake')?.data as unknown as TlsHandshakeData).connections };
}

function nginxConf(): string {
  const server = (address: string, lines: string[]) =>
    [`  server {`, `    listen ${address}:${PORT} ssl;`, `    ssl_certificate ${join(dir, `${address}.crt`)};`, `    ssl_certificate_key ${join(dir, `${address}.key`)};`, ...lines.map((l) => `    ${l}`), `    location / { return 200 "ok\\n"; }`, `  }`].join('\n');
  return [
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')};`,
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
    // Legacy: TLS 1.0-1.2 and everything Debian's OpenSSL still has at security level 0 (static RSA, CBC, anonymous suites).
    server(LEGACY, ['ssl_protocols TLSv1 TLSv1.1 TLSv1.2;', 'ssl_ciphers "ALL:@SECLEVEL=0";', 'ssl_prefer_server_ciphers on;']),
    // Hardened: TLS 1.2/1.3, ECDHE with AEAD only, a certificate of the site CA.
    server(HARDENED, ['ssl_protocols TLSv1.2 TLSv1.3;', `ssl_ciphers "${HARDENED_CIPHERS}";`, 'ssl_prefer_server_ciphers on;']),
    '}',
    '',
  ].join('\n');
}

const handshakeOf = (r: Result) => r.facts.find((f) => f.type === 'tls.handshake')?.data as unknown as TlsHandshakeData | undefined;
const certificateOf = (r: Result) => r.facts.find((f) => f.type === 'tls.certificate')?.data as unknown as TlsCertificateData | undefined;
const tlsFindings = (r: Result) => r.findings.filter((f) => f.check.startsWith('tls.') || f.check.startsWith('rtsps.'));

let legacy: { vigie: Result; scan: SslscanRun; vigieMs: number; connections: number };
let hardened: { vigie: Result; scan: SslscanRun; vigieMs: number; connections: number };

beforeAll(async () => {
  ensurePackages({ nginx: NGINX, sslscan: SSLSCAN });
  dir = mkdtempSync(join(tmpdir(), 'vigie-nginx-'));
  chmodSync(dir, 0o755);
  const legacyCert = issueCertificate({ commonName: 'legacy-nginx', ips: [LEGACY], keyId: 'interop-legacy' });
  const ca = issueCertificate({ commonName: 'vigie interop CA', isCA: true, keyId: 'interop-ca' });
  const hardenedCert = issueCertificate({ commonName: HARDENED, ips: [HARDENED], issuer: ca, keyId: 'interop-hardened' });
  caPem = ca.certPem;
  certPem[LEGACY] = legacyCert.certPem;
  certPem[HARDENED] = hardenedCert.certPem;
  writeFileSync(join(dir, `${LEGACY}.crt`), legacyCert.certPem);
  writeFileSync(join(dir, `${LEGACY}.key`), legacyCert.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, `${HARDENED}.crt`), `${hardenedCert.certPem}${ca.certPem}`);
  writeFileSync(join(dir, `${HARDENED}.key`), hardenedCert.keyPem, { mode: 0o600 });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConf());
  await run(NGINX, ['-t', '-q', '-c', conf, '-p', dir]); // configuration errors surface here, with nginx's message
  startDaemon(NGINX, ['-c', conf, '-p', dir, '-g', 'daemon off;']);
  await Promise.all([waitForPort(LEGACY, PORT), waitForPort(HARDENED, PORT)]);
  const both = async (address: string) => {
    const vigie = await vigieScan(address);
    const scan = await sslscan(address);
    const { ms, connections } = await vigieEndpointMs(address);
    return { vigie, scan, vigieMs: ms, connections };
  };
  legacy = await both(LEGACY);
  hardened = await both(HARDENED);
  console.log(
    [
      'time per TLS endpoint (ms)          vigie (versions, suites, certificate)   sslscan 2.0.7',
      `  legacy   ${LEGACY}:${PORT}   ${legacy.vigieMs.toFixed(0).padStart(8)} (${legacy.connections} connections)   ${legacy.scan.ms.toFixed(0).padStart(14)}`,
      `  hardened ${HARDENED}:${PORT}   ${hardened.vigieMs.toFixed(0).padStart(8)} (${hardened.connections} connections)   ${hardened.scan.ms.toFixed(0).padStart(14)}`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['legacy', LEGACY, () => legacy],
  ['hardened', HARDENED, () => hardened],
])('%s nginx: vigie sees what sslscan sees', (_name, address, get) => {
  it('every protocol version sslscan finds enabled', () => {
    const { vigie, scan } = get();
    const hs = handshakeOf(vigie);
    expect(hs, JSON.stringify(vigie.errors)).toBeTruthy();
    expect(scan.protocols.length).toBeGreaterThan(0);
    for (const p of scan.protocols) expect(hs!.accepted, `sslscan: ${p} enabled`).toContain(p);
  });

  it('every suite sslscan lists as accepted, under the same version', () => {
    const { vigie, scan } = get();
    const hs = handshakeOf(vigie)!;
    const seen = new Set(hs.versions.flatMap((v) => v.suites.map((s) => `${v.version} ${s.code}`)));
    const missing = scan.suites.filter((s) => !seen.has(s));
    expect(missing, `suites sslscan accepts that vigie missed`).toEqual([]);
    expect(scan.suites.length).toBeGreaterThan(0);
  });

  it('the suite sslscan says the server prefers is first in vigie’s server order', () => {
    const { vigie, scan } = get();
    const hs = handshakeOf(vigie)!;
    for (const [version, code] of Object.entries(scan.preferred)) {
      const v = hs.versions.find((x) => x.version === version)!;
      if (v.suites.length > 1) expect(v.serverPreference, version).toBe(true);
      expect(v.suites[0]?.code, version).toBe(code);
    }
  });

  it('the certificate nginx serves', () => {
    const { vigie } = get();
    const cert = certificateOf(vigie);
    expect(cert?.chain[0]?.sha256).toBe(new X509Certificate(certPem[address]!).fingerprint256);
  });
});

describe('verdicts', () => {
  it('the legacy configuration is flagged: protocols, weak and anonymous suites, self-signed certificate', () => {
    const checks = new Set(tlsFindings(legacy.vigie).map((f) => f.check));
    expect([...checks].sort()).toEqual(['tls.anonymous-cipher', 'tls.cert-self-signed', 'tls.legacy-protocol', 'tls.weak-cipher']);
  });

  it('the hardened configuration, its CA given, raises no TLS finding and nothing is left unevaluated', () => {
    expect(tlsFindings(hardened.vigie)).toEqual([]);
    expect(hardened.vigie.notEvaluated.filter((n) => n.check.startsWith('tls.'))).toEqual([]);
    expect(certificateOf(hardened.vigie)?.trust).toBe('user-ca');
    expect(handshakeOf(hardened.vigie)?.accepted).toEqual(['TLSv1.2', 'TLSv1.3']);
  });
});
