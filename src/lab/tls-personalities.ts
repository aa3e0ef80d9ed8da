/**
 * Personalities of the TLS family: legacy protocol and suite sets, anonymous
 * suites, weak, expired and self-signed certificates, a factory certificate
 * shared by every unit, a hardened device, and TLS servers that misbehave.
 * Merged into `PERSONALITIES`; each `expected` list is the exact ground truth
 * when the scan is given the site CA (`site.caPem`, what `--ca` does on a real
 * site). Each certificate check fires on one device for one clear reason.
 */
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import { countedServer, type Tally } from './server.ts';
import type { Personality, ServiceEnv, ServiceSpec } from './personalities.ts';
import type { LabPki } from './site.ts';
import { issueCertificate } from './pki.ts';
import { loginFormPage, type HttpHandler } from './devices/http.ts';
import { tarpit } from './devices/hostile.ts';
import { rtspHandler, type RtspDeviceOptions } from './devices/rtsp.ts';
import { ANON_TLS, LEGACY_TLS, MODERN_TLS, MODERN_TLS_WEAK_CERT, OLD_VERSIONS_ECDHE_TLS, fakeTlsServer, type FakeTlsOptions } from './devices/tls.ts';
import { LAB_SECRETS } from './secrets.ts';

const DAY = 24 * 3600 * 1000;
const DIGEST = LAB_SECRETS.digestRtspCamera;

function web(tally: Tally, handler: HttpHandler, tlsOpts: tls.TlsOptions): net.Server {
  const server = https.createServer(tlsOpts, handler);
  server.on('connection', (socket: net.Socket) => tally.opened(socket));
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);
  server.keepAliveTimeout = 1000;
  return server;
}

function httpsLogin(title: string, tlsFor: (env: ServiceEnv) => tls.TlsOptions): ServiceSpec {
  return { name: 'https', port: 443, create: (env) => web(env.tally, loginFormPage({ title }), tlsFor(env)) };
}

function rtsps(tlsFor: (env: ServiceEnv) => tls.TlsOptions): ServiceSpec {
  const opts: RtspDeviceOptions = { server: 'Embedded RTSP Server', realm: 'IPCamera', mounts: [{ path: '/stream1', auth: 'digest' }], passwords: { [DIGEST.user]: DIGEST.password } };
  return { name: 'rtsps', port: 322, create: (env) => countedServer(env.tally, rtspHandler({ ...opts, accounts: env.accounts }, env.tally, env.address), tlsFor(env)) };
}

/** Self-signed at first boot by the device: its own key, SHA-256, valid. */
function selfSigned(env: ServiceEnv): { key: string; cert: string } {
  const c = issueCertificate({ commonName: `IPC-${env.address.split('.').pop()}`, ips: [env.address], keyId: env.address });
  return { key: c.keyPem, cert: c.certPem };
}

/** Issued by the site CA long ago: 1024-bit key, SHA-1 signature, expired. */
function oldCertificate(env: ServiceEnv): { key: string; cert: string } {
  const now = Date.now();
  const c = issueCertificate({
    commonName: env.address,
    ips: [env.address],
    issuer: env.pki.ca,
    bits: 1024,
    digest: 'sha1',
    notBefore: new Date(now - 3 * 365 * DAY),
    notAfter: new Date(now - 400 * DAY),
    keyId: env.address,
  });
  return { key: c.keyPem, cert: `${c.certPem}${env.pki.ca.certPem}` };
}

/** One certificate and key for every unit of a model on a site (issued by the site CA: only the sharing is wrong). */
const factory = new WeakMap<LabPki, { key: string; cert: string }>();
function factoryCertificate(env: ServiceEnv): { key: string; cert: string } {
  let c = factory.get(env.pki);
  if (!c) {
    const issued = issueCertificate({ commonName: 'IPCAM', issuer: env.pki.ca, keyId: 'factory-image' });
    c = { key: issued.keyPem, cert: `${issued.certPem}${env.pki.ca.certPem}` };
    factory.set(env.pki, c);
  }
  return c;
}

function fake(opts: Omit<FakeTlsOptions, 'chainPem'>, chain: (env: ServiceEnv) => string): ServiceSpec {
  return { name: 'https', port: 443, create: (env) => countedServer(env.tally, fakeTlsServer({ ...opts, chainPem: chain(env) })) };
}

const siteChain = (env: ServiceEnv) => env.pki.serverCert(env.address).cert;

export const TLS_PERSONALITIES: Record<string, Personality> = {
  'legacy-tls-camera': {
    id: 'legacy-tls-camera',
    class: 'camera',
    description: 'Camera web UI of ten years ago: TLS 1.0 to 1.2, static-RSA CBC suites first, the certificate it made itself at first boot',
    services: [httpsLogin('Network Camera', (env) => ({ ...selfSigned(env), ...LEGACY_TLS }))],
    expected: ['tls.legacy-protocol', 'tls.weak-cipher', 'tls.cert-self-signed'],
  },
  'weak-cert-nvr': {
    id: 'weak-cert-nvr',
    class: 'nvr',
    description: 'Recorder with modern TLS settings but the certificate the site CA issued years ago: 1024-bit RSA, SHA-1, expired',
    services: [httpsLogin('NVR Web Client', (env) => ({ ...oldCertificate(env), ...MODERN_TLS_WEAK_CERT }))],
    expected: ['tls.cert-expired', 'tls.cert-weak-key', 'tls.cert-weak-signature'],
  },
  'legacy-ssl-camera': {
    id: 'legacy-ssl-camera',
    class: 'camera',
    description: 'Very old camera TLS stack (what OpenSSL can no longer serve): SSLv2, SSLv3 and TLS 1.0 with 3DES, RC4, DES, EXPORT and NULL suites',
    services: [
      fake(
        {
          versions: ['SSLv2', 'SSLv3', 'TLSv1.0'],
          // DES-CBC3-SHA, RC4-SHA, RC4-MD5, EXP-RC4-MD5, DES-CBC-SHA, NULL-SHA, in that order of preference.
          suites: [0x000a, 0x0005, 0x0004, 0x0003, 0x0009, 0x0002],
          sslv2Specs: [0x0700c0, 0x010080, 0x020080],
        },
        siteChain,
      ),
    ],
    expected: ['tls.legacy-protocol', 'tls.weak-cipher'],
  },
  'anon-tls-intercom': {
    id: 'anon-tls-intercom',
    class: 'intercom',
    description: 'Door station whose TLS 1.2/1.3 web UI still accepts anonymous ADH/AECDH suites next to ECDHE-RSA',
    services: [httpsLogin('Door Station', (env) => ({ ...env.pki.serverCert(env.address), ...ANON_TLS }))],
    expected: ['tls.anonymous-cipher'],
  },
  'legacy-rtsps-camera': {
    id: 'legacy-rtsps-camera',
    class: 'camera',
    description: 'Camera streaming RTSPS on 322 (Digest) over a TLS stack that still accepts TLS 1.0 and 1.1 (ECDHE only)',
    accounts: { users: { [DIGEST.user]: DIGEST.password } },
    services: [rtsps((env) => ({ ...env.pki.serverCert(env.address), ...OLD_VERSIONS_ECDHE_TLS }))],
    expected: ['rtsps.legacy-tls', 'tls.weak-cipher'],
  },
  'modern-tls-camera': {
    id: 'modern-tls-camera',
    class: 'camera',
    description: 'Camera hardened by the book: HTTPS and RTSPS with TLS 1.2/1.3, ECDHE-AEAD only, a 2048-bit certificate of the site CA',
    accounts: { users: { [DIGEST.user]: DIGEST.password } },
    services: [httpsLogin('Network Camera', (env) => env.pki.serverCert(env.address)), rtsps((env) => env.pki.serverCert(env.address))],
    expected: [],
  },
  'factory-cert-camera': {
    id: 'factory-cert-camera',
    class: 'camera',
    description: 'Camera with modern TLS but the certificate and key baked into the firmware image (every unit shares them: the expected list assumes two or more on the site)',
    services: [httpsLogin('IP Camera', (env) => ({ ...factoryCertificate(env), ...MODERN_TLS }))],
    expected: ['tls.cert-shared'],
  },

  // ——— hostile TLS servers (test personalities) ———
  'tls-reset': {
    id: 'tls-reset',
    class: 'unknown',
    description: 'HTTPS port that sends 20 bytes of a ServerHello, then resets the connection',
    services: [fake({ versions: ['TLSv1.2'], suites: [0xc02f, 0x002f], hostile: 'reset-mid-hello' }, siteChain)],
    expected: [],
  },
  'tls-broken-hello': {
    id: 'tls-broken-hello',
    class: 'unknown',
    description: 'HTTPS port that answers with a ServerHello whose lengths are wrong',
    services: [fake({ versions: ['TLSv1.2'], suites: [0xc02f, 0x002f], hostile: 'broken-lengths' }, siteChain)],
    expected: [],
  },
  'tls-silent': {
    id: 'tls-silent',
    class: 'unknown',
    description: 'HTTPS port that accepts connections and never answers a ClientHello',
    services: [{ name: 'https', port: 443, create: (env) => countedServer(env.tally, tarpit()) }],
    expected: [],
  },
};
