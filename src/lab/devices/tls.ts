/**
 * TLS behaviours of simulated devices.
 *
 * What Node's OpenSSL can serve (TLS 1.0-1.3, static-RSA CBC suites,
 * anonymous ADH/AECDH suites at @SECLEVEL=0, ECDHE-AEAD only) is served by
 * node:tls with the option sets below. What it cannot (SSLv2, SSLv3, 3DES,
 * RC4, EXPORT, NULL) is served by `fakeTlsServer`: a few dozen lines that read
 * a ClientHello and answer with a ServerHello choosing such a suite, followed
 * by the certificate and ServerHelloDone — enough for a client to enumerate
 * versions and suites and read the certificate, never enough to finish a
 * handshake. The lab reads ClientHellos with its own parser, not vigie's:
 * the simulated devices are the ground truth the scanner is measured against.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import type net from 'node:net';
import type tls from 'node:tls';

/** A well-kept TLS service: TLS 1.2 and 1.3, ECDHE with AEAD only. */
export const MODERN_TLS = {
  minVersion: 'TLSv1.2',
  ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
} as const satisfies tls.TlsOptions;

/** A camera web server of ten years ago: TLS 1.0 to 1.2, static-RSA CBC suites first. */
export const LEGACY_TLS = {
  minVersion: 'TLSv1',
  maxVersion: 'TLSv1.2',
  ciphers: 'AES128-SHA:AES256-SHA:AES128-SHA256:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
  honorCipherOrder: true,
} as const satisfies tls.TlsOptions;

/** TLS 1.0-1.2 with ECDHE suites only (an RTSPS stack that never dropped old versions). */
export const OLD_VERSIONS_ECDHE_TLS = {
  minVersion: 'TLSv1',
  maxVersion: 'TLSv1.2',
  ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:@SECLEVEL=0',
} as const satisfies tls.TlsOptions;

/** Modern versions and suites, plus anonymous ones left enabled (a debug build shipped as is). */
export const ANON_TLS = {
  minVersion: 'TLSv1.2',
  ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ADH-AES128-GCM-SHA256:AECDH-AES128-SHA:@SECLEVEL=0',
  dhparam: 'auto',
} as const satisfies tls.TlsOptions;

/** Modern protocols and suites, but a certificate too weak for the default security level. */
export const MODERN_TLS_WEAK_CERT = { minVersion: 'TLSv1.2', ciphers: `${MODERN_TLS.ciphers}:@SECLEVEL=0` } as const satisfies tls.TlsOptions;

type FakeVersion = 'SSLv2' | 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2';
const WIRE: Readonly<Record<Exclude<FakeVersion, 'SSLv2'>, number>> = { SSLv3: 0x0300, 'TLSv1.0': 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303 };

export interface FakeTlsOptions {
  versions: FakeVersion[];
  /** IANA codes, in the server's order of preference. */
  suites: number[];
  /** SSLv2 cipher kinds (3-byte codes) when SSLv2 is enabled. */
  sslv2Specs?: number[];
  /** Certificate chain, PEM, leaf first. */
  chainPem: string;
  /** Misbehave instead: cut the ServerHello and reset, or send one with broken lengths. */
  hostile?: 'reset-mid-hello' | 'broken-lengths';
}

interface ClientHelloSeen {
  sslv2: boolean;
  maxVersion: number;
  /** supported_versions, when the client sent it. */
  versions?: number[];
  suites: number[];
  /** SSLv2 cipher kinds offered (SSLv2 hellos only). */
  specs: number[];
}

/** The lab's own ClientHello reader (TLS record or SSLv2 two-byte header); undefined while incomplete, null when unreadable. */
function readClientHello(buf: Buffer): ClientHelloSeen | undefined | null {
  if (buf.length < 2) return undefined;
  if (buf[0]! & 0x80) {
    const len = ((buf[0]! & 0x7f) << 8) | buf[1]!;
    if (buf.length < 2 + len) return undefined;
    const b = buf.subarray(2, 2 + len);
    if (b[0] !== 1 || b.length < 9) return null;
    const version = b.readUInt16BE(1);
    const specsLen = b.readUInt16BE(3);
    const specBytes = b.subarray(9, 9 + specsLen);
    const specs: number[] = [];
    for (let i = 0; i + 2 < specBytes.length; i += 3) specs.push((specBytes[i]! << 16) | (specBytes[i + 1]! << 8) | specBytes[i + 2]!);
    return { sslv2: version === 0x0002, maxVersion: version, suites: specs.filter((s) => s >> 16 === 0), specs };
  }
  if (buf.length < 5) return undefined;
  if (buf[0] !== 22) return null;
  const len = buf.readUInt16BE(3);
  if (buf.length < 5 + len) return undefined;
  const h = buf.subarray(5, 5 + len);
  try {
    if (h[0] !== 1) return null;
    let p = 4;
    const clientVersion = h.readUInt16BE(p);
    p += 2 + 32;
    p += 1 + h[p]!;
    const suitesLen = h.readUInt16BE(p);
    p += 2;
    const suites: number[] = [];
    for (let i = 0; i < suitesLen; i += 2) suites.push(h.readUInt16BE(p + i));
    p += suitesLen;
    p += 1 + h[p]!;
    let maxVersion = clientVersion;
    let offered: number[] | undefined;
    if (p + 2 <= h.length) {
      const end = p + 2 + h.readUInt16BE(p);
      p += 2;
      while (p + 4 <= end) {
        const type = h.readUInt16BE(p);
        const extLen = h.readUInt16BE(p + 2);
        if (type === 43) {
          const versions: number[] = [];
          for (let i = 0; i + 1 < h[p + 4]!; i += 2) versions.push(h.readUInt16BE(p + 5 + i));
          offered = versions;
          maxVersion = Math.max(...versions.filter((v) => v <= 0x0304));
        }
        p += 4 + extLen;
      }
    }
    return offered ? { sslv2: false, maxVersion, versions: offered, suites, specs: [] } : { sslv2: false, maxVersion, suites, specs: [] };
  } catch {
    return null;
  }
}

function record(type: number, version: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt16BE(version, 1);
  head.writeUInt16BE(body.length, 3);
  return Buffer.concat([head, body]);
}

function handshakeMessage(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
}

function u24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

function ders(chainPem: string): Buffer[] {
  return (chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem).raw);
}

function alert(version: number, description: number): Buffer {
  return record(21, version, Buffer.from([2, description]));
}

/** A TLS server that only knows how to say hello (see the header). */
export function fakeTlsServer(opts: FakeTlsOptions) {
  const chain = ders(opts.chainPem);
  return (socket: net.Socket) => {
    let buf = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 16 * 1024) return void socket.destroy();
      const hello = readClientHello(buf);
      if (hello === undefined) return;
      socket.removeAllListeners('data');
      socket.on('data', () => undefined);
      if (hello === null) return void socket.end();
      if (hello.sslv2) return answerSslv2(socket, hello, opts, chain);
      answerTls(socket, hello, opts, chain);
    });
  };
}

function answerSslv2(socket: net.Socket, hello: ClientHelloSeen, opts: FakeTlsOptions, chain: Buffer[]): void {
  const shared = (opts.sslv2Specs ?? []).filter((s) => hello.specs.includes(s));
  if (!opts.versions.includes('SSLv2') || !shared.length) return void socket.end();
  const cert = chain[0] ?? Buffer.alloc(0);
  const specBytes = Buffer.concat(shared.map((s) => Buffer.from([(s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff])));
  const connectionId = randomBytes(16);
  const head = Buffer.alloc(11);
  head[0] = 4; // SERVER-HELLO
  head[1] = 0; // no session hit
  head[2] = 1; // X.509 certificate
  head.writeUInt16BE(0x0002, 3);
  head.writeUInt16BE(cert.length, 5);
  head.writeUInt16BE(specBytes.length, 7);
  head.writeUInt16BE(connectionId.length, 9);
  const body = Buffer.concat([head, cert, specBytes, connectionId]);
  socket.write(Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]));
}

function answerTls(socket: net.Socket, hello: ClientHelloSeen, opts: FakeTlsOptions, chain: Buffer[]): void {
  const mine = opts.versions.filter((v): v is Exclude<FakeVersion, 'SSLv2'> => v !== 'SSLv2').map((v) => WIRE[v]);
  const usable = hello.versions ? mine.filter((v) => hello.versions!.includes(v)) : mine.filter((v) => v <= hello.maxVersion);
  const recordVersion = Math.min(hello.maxVersion, 0x0303);
  if (!usable.length) {
    socket.end(alert(Math.max(0x0300, Math.min(recordVersion, Math.max(...mine))), 70));
    return;
  }
  const version = Math.max(...usable);
  const suite = opts.suites.find((s) => hello.suites.includes(s));
  if (suite === undefined) {
    socket.end(alert(version, 40));
    return;
  }
  const sessionId = randomBytes(32);
  const body = Buffer.concat([Buffer.from([version >> 8, version & 0xff]), randomBytes(32), Buffer.from([sessionId.length]), sessionId, Buffer.from([suite >> 8, suite & 0xff, 0])]);
  if (opts.hostile === 'broken-lengths') {
    // session_id announced longer than the message, then an extension block whose length lies.
    const broken = Buffer.from(body);
    broken[34] = 200;
    socket.write(record(22, version, handshakeMessage(2, Buffer.concat([broken, Buffer.from([0x00, 0x40, 0xff, 0x01])]))));
    return;
  }
  const serverHello = handshakeMessage(2, body);
  if (opts.hostile === 'reset-mid-hello') {
    socket.write(record(22, version, serverHello).subarray(0, 20));
    setTimeout(() => socket.resetAndDestroy(), 20);
    return;
  }
  const certList = Buffer.concat(chain.map((d) => Buffer.concat([u24(d.length), d])));
  const certificate = handshakeMessage(11, Buffer.concat([u24(certList.length), certList]));
  const done = handshakeMessage(14, Buffer.alloc(0));
  socket.write(record(22, version, Buffer.concat([serverHello, certificate, done])));
}
