/**
 * The TLS handshake messages the TLS scanner writes and reads itself, so that
 * what it can test never depends on what the local OpenSSL still implements
 * (Node 20's OpenSSL cannot offer SSLv3, 3DES, RC4, NULL or EXPORT suites).
 * Writing a ClientHello and reading a ServerHello or an alert needs no
 * cryptography at all. Everything here is pure (bytes in, values out); the
 * parsers treat the peer as hostile: every length is checked against what is
 * actually there, and a broken length is a `malformed` answer, never a throw.
 */
import { randomBytes } from 'node:crypto';

export const CONTENT = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23, heartbeat: 24 } as const;
export const HANDSHAKE = { clientHello: 1, serverHello: 2, certificate: 11, serverKeyExchange: 12, certificateRequest: 13, serverHelloDone: 14 } as const;

export const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

/** Largest record body a peer may send (2^14 plus the expansion TLS allows). */
const MAX_RECORD = 16384 + 2048;
/** Largest handshake message accepted (a certificate chain fits well within). */
const MAX_HANDSHAKE = 128 * 1024;
/** Certificates kept from one Certificate message. */
const MAX_CERTS = 10;

const EXT = {
  serverName: 0,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  padding: 21,
  extendedMasterSecret: 23,
  supportedVersions: 43,
  pskKeyExchangeModes: 45,
  keyShare: 51,
} as const;

const X25519 = 29;
/** Named groups for TLS ≤ 1.2 ECDHE: every curve a device may have been configured with. */
const GROUPS_LEGACY = [29, 23, 24, 25, 30, 26, 27, 28, 22, 21, 20, 19, 18, 14, 13, 11, 12, 9, 10];
/** TLS 1.3 groups, finite-field ones included (a server may pick them with a HelloRetryRequest). */
const GROUPS_TLS13 = [29, 23, 24, 25, 30, 256, 257, 258, 259, 260];
/** Signature schemes: modern ones first, SHA-1 and SHA-224 ones so that old servers can still sign. */
const SIGNATURE_SCHEMES = [
  0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602,
  0x0203, 0x0201, 0x0202,
];
/** HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest") (RFC 8446 4.1.3). */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
/** Signalling value for secure renegotiation (RFC 5746): accepted by SSLv3 servers too. */
const RENEGOTIATION_SCSV = 0x00ff;

function u8(n: number): Buffer {
  return Buffer.from([n & 0xff]);
}
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}
function u24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}
function vec16(body: Buffer): Buffer {
  return Buffer.concat([u16(body.length), body]);
}
function vec8(body: Buffer): Buffer {
  return Buffer.concat([u8(body.length), body]);
}
function list16(values: readonly number[]): Buffer {
  return Buffer.concat(values.map(u16));
}
function ext(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), vec16(body)]);
}

export interface ClientHelloOptions {
  /** `client_version` (wire value). For TLS 1.3 probes pass 0x0303 and set `supportedVersions`. */
  version: number;
  suites: readonly number[];
  /** Sends supported_versions and an x25519 key_share (TLS 1.3 style). */
  supportedVersions?: readonly number[];
  /** Host name for SNI (never an IP literal: RFC 6066 forbids it). */
  serverName?: string;
  /** Fixed randomness, for tests. */
  random?: Buffer;
}

/**
 * One ClientHello in one TLS record. SSLv3 hellos carry no extensions (SSLv3
 * stacks may choke on them); TLS ≤ 1.2 hellos carry what ECDHE and TLS 1.2
 * signatures need; TLS 1.3 hellos add supported_versions and a random x25519
 * key share (no key is ever used: the scanner stops at the ServerHello).
 */
export function buildClientHello(opts: ClientHelloOptions): Buffer {
  const random = opts.random ?? randomBytes(32);
  const tls13 = !!opts.supportedVersions?.length;
  const suites = [...opts.suites];
  if (!tls13 || opts.supportedVersions!.some((v) => v < 0x0304)) suites.push(RENEGOTIATION_SCSV);
  const exts: Buffer[] = [];
  if (opts.version >= 0x0301 || tls13) {
    if (opts.serverName) {
      const name = Buffer.from(opts.serverName, 'ascii');
      exts.push(ext(EXT.serverName, vec16(Buffer.concat([u8(0), vec16(name)]))));
    }
    exts.push(ext(EXT.supportedGroups, vec16(list16(tls13 ? GROUPS_TLS13 : GROUPS_LEGACY))));
    exts.push(ext(EXT.ecPointFormats, vec8(Buffer.from([0, 1, 2]))));
    if (opts.version >= 0x0303 || tls13) exts.push(ext(EXT.signatureAlgorithms, vec16(list16(SIGNATURE_SCHEMES))));
    exts.push(ext(EXT.extendedMasterSecret, Buffer.alloc(0)));
    if (tls13) {
      exts.push(ext(EXT.supportedVersions, vec8(list16(opts.supportedVersions!))));
      exts.push(ext(EXT.pskKeyExchangeModes, vec8(Buffer.from([1]))));
      const share = Buffer.concat([u16(X25519), vec16(randomBytes(32))]);
      exts.push(ext(EXT.keyShare, vec16(share)));
    }
  }
  const sessionId = tls13 ? randomBytes(32) : Buffer.alloc(0);
  const head = Buffer.concat([u16(opts.version), random.subarray(0, 32), vec8(sessionId), vec16(list16(suites)), vec8(Buffer.from([0]))]);
  let extBlock = Buffer.concat(exts);
  if (exts.length) {
    // Some TLS terminators hang on hellos of 256-511 bytes: pad past 512 (RFC 7685).
    const size = 4 + head.length + 2 + extBlock.length;
    if (size >= 256 && size < 512) {
      let pad = 512 - size;
      pad = pad >= 5 ? pad - 4 : 1;
      extBlock = Buffer.concat([extBlock, ext(EXT.padding, Buffer.alloc(pad))]);
    }
  }
  const body = exts.length ? Buffer.concat([head, vec16(extBlock)]) : head;
  const handshake = Buffer.concat([u8(HANDSHAKE.clientHello), u24(body.length), body]);
  const recordVersion = Math.min(opts.version, 0x0301);
  return Buffer.concat([u8(CONTENT.handshake), u16(recordVersion), u16(handshake.length), handshake]);
}

/** An SSLv2 CLIENT-HELLO (two-byte header) offering the given 3-byte cipher kinds. */
export function buildSslv2ClientHello(specs: readonly number[], challenge: Buffer = randomBytes(16)): Buffer {
  const cipherSpecs = Buffer.concat(specs.map((s) => Buffer.from([(s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff])));
  const body = Buffer.concat([u8(1), u16(0x0002), u16(cipherSpecs.length), u16(0), u16(challenge.length), cipherSpecs, challenge]);
  return Buffer.concat([Buffer.from([0x80 | ((body.length >> 8) & 0x7f), body.length & 0xff]), body]);
}

export interface ServerHello {
  /** Version of the record that carried it. */
  recordVersion: number;
  /** The `server_version` field (legacy_version in TLS 1.3). */
  legacyVersion: number;
  /** The negotiated version: supported_versions when present, else `legacyVersion`. */
  version: number;
  suite: number;
  compression: number;
  sessionIdLength: number;
  /** Extension types, in the order sent. */
  extensions: number[];
  /** A TLS 1.3 HelloRetryRequest (still a choice of version and suite). */
  helloRetry: boolean;
  /** key_share group chosen (TLS 1.3). */
  group?: number;
}

export type ServerAnswer =
  | { kind: 'need-more' }
  | { kind: 'server-hello'; hello: ServerHello; certificates?: Buffer[] }
  | { kind: 'alert'; level: number; description: number; name: string }
  | { kind: 'malformed'; reason: string }
  | { kind: 'not-tls'; reason: string };

export function alertName(description: number): string {
  return ALERT_NAMES[description] ?? `alert ${description}`;
}

/** A bounds-checked reader: every read past the end throws a private error turned into `malformed`. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
  ) {}
  get left(): number {
    return this.buf.length - this.pos;
  }
  private need(n: number, what: string): void {
    if (n > this.left) throw new Broken(`${what}: ${n} bytes announced, ${this.left} left`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u24(what: string): number {
    this.need(3, what);
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

/** A TLS answer that breaks its own lengths: `parseServerAnswer` turns it into `malformed`; thrown as is by `parseCertificateMessage`. */
export class Broken extends Error {
  override name = 'TlsMalformed';
  readonly code = 'ETLSMALFORMED';
}

function parseServerHelloBody(body: Buffer, recordVersion: number): ServerHello {
  const r = new Reader(body);
  const legacyVersion = r.u16('server_version');
  const random = r.bytes(32, 'random');
  const sessionIdLength = r.u8('session_id length');
  if (sessionIdLength > 32) throw new Broken(`session_id of ${sessionIdLength} bytes (at most 32)`);
  r.bytes(sessionIdLength, 'session_id');
  const suite = r.u16('cipher_suite');
  const compression = r.u8('compression_method');
  const hello: ServerHello = {
    recordVersion,
    legacyVersion,
    version: legacyVersion,
    suite,
    compression,
    sessionIdLength,
    extensions: [],
    helloRetry: random.equals(HRR_RANDOM),
  };
  if (r.left === 0) return hello;
  const total = r.u16('extensions length');
  if (total !== r.left) throw new Broken(`extensions length ${total} but ${r.left} bytes follow`);
  while (r.left > 0) {
    const type = r.u16('extension type');
    const len = r.u16('extension length');
    const data = new Reader(r.bytes(len, `extension ${type}`));
    hello.extensions.push(type);
    if (type === EXT.supportedVersions) {
      if (len !== 2) throw new Broken(`supported_versions of ${len} bytes in a ServerHello (2 expected)`);
      hello.version = data.u16('selected_version');
    } else if (type === EXT.keyShare && len >= 2) {
      hello.group = data.u16('key_share group');
    }
  }
  return hello;
}

/** The certificates of a Certificate handshake message (TLS ≤ 1.2 layout), DER each. */
export function parseCertificateMessage(body: Buffer): Buffer[] {
  const r = new Reader(body);
  const total = r.u24('certificate_list length');
  if (total !== r.left) throw new Broken(`certificate_list length ${total} but ${r.left} bytes follow`);
  const certs: Buffer[] = [];
  while (r.left > 0) {
    const len = r.u24('certificate length');
    const der = r.bytes(len, 'certificate');
    if (certs.length < MAX_CERTS) certs.push(Buffer.from(der));
  }
  return certs;
}

/**
 * Read what a server answered to a ClientHello: a ServerHello (with, when
 * `wantCertificate`, the certificates of the Certificate message that follows
 * it in TLS ≤ 1.2), an alert, or something that is not TLS. `need-more` while
 * the answer is incomplete: the caller reads more, or gives up on time-out.
 */
export function parseServerAnswer(buf: Buffer, opts: { wantCertificate?: boolean } = {}): ServerAnswer {
  try {
    return parseAnswer(buf, opts.wantCertificate ?? false);
  } catch (err) {
    if (err instanceof Broken) return { kind: 'malformed', reason: err.message };
    throw err;
  }
}

function parseAnswer(buf: Buffer, wantCertificate: boolean): ServerAnswer {
  let pos = 0;
  let handshake = Buffer.alloc(0);
  let hello: ServerHello | undefined;
  let first = true;
  for (;;) {
    if (buf.length - pos < 5) return hello && !wantCertificate ? { kind: 'server-hello', hello } : { kind: 'need-more' };
    const type = buf[pos]!;
    const major = buf[pos + 1]!;
    const minor = buf[pos + 2]!;
    const len = buf.readUInt16BE(pos + 3);
    if (type < CONTENT.changeCipherSpec || type > CONTENT.heartbeat || major !== 3 || minor > 4) {
      const what = `record header ${buf.subarray(pos, pos + 5).toString('hex')}`;
      return first ? { kind: 'not-tls', reason: `not a TLS answer (${what})` } : { kind: 'malformed', reason: `bad ${what} after the first record` };
    }
    if (len > MAX_RECORD) return { kind: 'malformed', reason: `record of ${len} bytes (at most ${MAX_RECORD})` };
    if (len === 0 && type !== CONTENT.applicationData) return { kind: 'malformed', reason: `empty record of type ${type}` };
    if (buf.length - pos - 5 < len) return hello && !wantCertificate ? { kind: 'server-hello', hello } : { kind: 'need-more' };
    const body = buf.subarray(pos + 5, pos + 5 + len);
    const recordVersion = (major << 8) | minor;
    pos += 5 + len;
    first = false;
    if (type === CONTENT.alert) {
      if (hello) return { kind: 'server-hello', hello, certificates: [] };
      if (len < 2) return { kind: 'malformed', reason: `alert record of ${len} byte(s)` };
      return { kind: 'alert', level: body[0]!, description: body[1]!, name: alertName(body[1]!) };
    }
    if (type === CONTENT.changeCipherSpec) continue; // TLS 1.3 middlebox compatibility
    if (type !== CONTENT.handshake) {
      if (hello) return { kind: 'server-hello', hello };
      return { kind: 'malformed', reason: `record of type ${type} before the ServerHello` };
    }
    handshake = Buffer.concat([handshake, body]);
    // Walk the complete handshake messages gathered so far.
    let h = 0;
    for (;;) {
      if (handshake.length - h < 4) break;
      const msgType = handshake[h]!;
      const msgLen = (handshake[h + 1]! << 16) | (handshake[h + 2]! << 8) | handshake[h + 3]!;
      if (!hello && msgType !== HANDSHAKE.serverHello) return { kind: 'malformed', reason: `handshake message ${msgType} where a ServerHello was expected` };
      if (msgLen > MAX_HANDSHAKE) return { kind: 'malformed', reason: `handshake message of ${msgLen} bytes` };
      if (handshake.length - h - 4 < msgLen) break;
      const msg = handshake.subarray(h + 4, h + 4 + msgLen);
      h += 4 + msgLen;
      if (!hello) {
        hello = parseServerHelloBody(msg, recordVersion);
        if (!wantCertificate || hello.version >= 0x0304 || hello.helloRetry) return { kind: 'server-hello', hello };
        continue;
      }
      if (msgType === HANDSHAKE.certificate) return { kind: 'server-hello', hello, certificates: parseCertificateMessage(msg) };
      // No Certificate before these: an anonymous suite.
      if (msgType === HANDSHAKE.serverKeyExchange || msgType === HANDSHAKE.serverHelloDone || msgType === HANDSHAKE.certificateRequest) {
        return { kind: 'server-hello', hello, certificates: [] };
      }
    }
  }
}

export type Sslv2Answer =
  | { kind: 'need-more' }
  | { kind: 'sslv2-hello'; version: number; specs: number[]; certificate?: Buffer }
  | { kind: 'sslv2-error'; code: number }
  | { kind: 'alert'; level: number; description: number; name: string }
  | { kind: 'malformed'; reason: string }
  | { kind: 'not-tls'; reason: string };

/** Read the answer to an SSLv2 CLIENT-HELLO. */
export function parseSslv2Answer(buf: Buffer): Sslv2Answer {
  if (buf.length < 2) return { kind: 'need-more' };
  if (buf[0] === CONTENT.alert) {
    const a = parseServerAnswer(buf);
    if (a.kind === 'alert' || a.kind === 'need-more' || a.kind === 'malformed' || a.kind === 'not-tls') return a;
    return { kind: 'malformed', reason: 'TLS handshake in answer to SSLv2' };
  }
  if (!(buf[0]! & 0x80)) {
    if (buf[0] === CONTENT.handshake) return { kind: 'not-tls', reason: 'a TLS record in answer to an SSLv2 hello (SSLv2 not spoken)' };
    return { kind: 'not-tls', reason: `not an SSLv2 answer (first bytes ${buf.subarray(0, 4).toString('hex')})` };
  }
  const len = ((buf[0]! & 0x7f) << 8) | buf[1]!;
  if (buf.length - 2 < len) return { kind: 'need-more' };
  try {
    const r = new Reader(buf.subarray(2, 2 + len));
    const msgType = r.u8('message type');
    if (msgType === 0) return { kind: 'sslv2-error', code: r.left >= 2 ? r.u16('error code') : -1 };
    if (msgType !== 4) return { kind: 'malformed', reason: `SSLv2 message ${msgType} where SERVER-HELLO was expected` };
    r.u8('session_id_hit');
    r.u8('certificate_type');
    const version = r.u16('server_version');
    const certLen = r.u16('certificate length');
    const specsLen = r.u16('cipher_specs length');
    const connIdLen = r.u16('connection_id length');
    if (specsLen % 3 !== 0) throw new Broken(`cipher_specs length ${specsLen} is not a multiple of 3`);
    const certificate = r.bytes(certLen, 'certificate');
    const specBytes = r.bytes(specsLen, 'cipher_specs');
    r.bytes(connIdLen, 'connection_id');
    if (r.left !== 0) throw new Broken(`${r.left} bytes after the SERVER-HELLO`);
    const specs: number[] = [];
    for (let i = 0; i < specBytes.length; i += 3) specs.push((specBytes[i]! << 16) | (specBytes[i + 1]! << 8) | specBytes[i + 2]!);
    return certLen ? { kind: 'sslv2-hello', version, specs, certificate: Buffer.from(certificate) } : { kind: 'sslv2-hello', version, specs };
  } catch (err) {
    if (err instanceof Broken) return { kind: 'malformed', reason: err.message };
    throw err;
  }
}
