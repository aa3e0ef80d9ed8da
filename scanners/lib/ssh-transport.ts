/**
 * The cleartext start of the SSH transport (RFC 4253 §4.2, §6, §7.1): the
 * identification line and the server's first binary packet, SSH_MSG_KEXINIT.
 *
 * Why this exists next to `ssh2`: ssh2 negotiates, but never hands back the
 * server's full lists (its `handshake` event carries only the negotiated
 * values, and its debug output stops at the first failed negotiation). Grading
 * what a server *offers* needs the ten name-lists as sent, which are a few
 * hundred bytes of unencrypted packet: read them here, no crypto involved.
 *
 * Every bound is explicit, the server is hostile input:
 *   - at most MAX_PREAMBLE_BYTES of other lines before the identification;
 *   - an identification line longer than MAX_IDENT_LINE without end of line is an error;
 *   - packet_length above MAX_PACKET_LENGTH (RFC 4253 §6.1: 35000) is an error;
 *   - every name-list must fit its packet and hold printable names only.
 */
import { createHash } from 'node:crypto';
import type { Conversation } from '../../src/core/net.ts';
import { ProbeTimeout, SizeLimitExceeded } from '../../src/core/errors.ts';
import { oneLine } from '../../src/core/text.ts';
import type { SshKexinitLists } from '../../src/core/facts.ts';

/** Other lines a server may send before its identification (RFC 4253 §4.2), in bytes. */
export const MAX_PREAMBLE_BYTES = 100 * 1024;
/** RFC 4253 caps the line at 255 bytes; devices overshoot a little, the bound stays small. */
export const MAX_IDENT_LINE = 1024;
/** RFC 4253 §6.1: implementations must handle packets up to 35000 bytes, and need not more. */
export const MAX_PACKET_LENGTH = 35_000;
/** SSH_MSG_IGNORE / SSH_MSG_DEBUG packets tolerated before KEXINIT. */
const MAX_PACKETS_BEFORE_KEXINIT = 4;
const MAX_NAMES_PER_LIST = 256;

export const MSG_IGNORE = 2;
export const MSG_DEBUG = 4;
export const MSG_KEXINIT = 20;

export type SshTransportErrorCode = 'ESSH_IDENT' | 'ESSH_PACKET' | 'ESSH_CLOSED' | 'ESIZE';

/** A server that does not speak the SSH transport as RFC 4253 says (or exceeds a bound). */
export class SshTransportError extends Error {
  override name = 'SshTransportError';
  constructor(
    message: string,
    readonly code: SshTransportErrorCode,
  ) {
    super(message);
  }
}

export interface Identification {
  raw: string;
  protoVersion: string;
  software: string;
  comments?: string;
  product?: string;
  version?: string;
  preamble: string[];
}

/** The ten name-lists and the guess flag, as declared once in the fact shapes. */
export type KexinitLists = SshKexinitLists;

const LF = 0x0a;
const SSH_PREFIX = Buffer.from('SSH-', 'latin1');

function startsLikeIdent(line: Buffer): boolean {
  const n = Math.min(line.length, SSH_PREFIX.length);
  return line.subarray(0, n).equals(SSH_PREFIX.subarray(0, n));
}

/** "OpenSSH_9.2p1" → OpenSSH / 9.2p1; "dropbear_2014.63" → dropbear / 2014.63; "Cisco-1.25" → Cisco / 1.25. */
export function splitSoftware(software: string): { product?: string; version?: string } {
  const m = /^(.*?[A-Za-z][^_\-\s]*?)[_\-/]v?(\d+(?:\.\d+)*[A-Za-z0-9.+~]*)$/.exec(software);
  if (m) return { product: m[1]!, version: m[2]! };
  if (/^[A-Za-z][\w.]*$/.test(software)) return { product: software };
  return {};
}

/** Parse one identification line (without its end of line). */
export function parseIdentificationLine(line: string, preamble: string[] = []): Identification {
  const m = /^SSH-([^-\s]+)-(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!m) throw new SshTransportError(`malformed identification line: ${oneLine(line, 120) ?? '(empty)'}`, 'ESSH_IDENT');
  const id: Identification = { raw: oneLine(line, 300) ?? '', protoVersion: m[1]!, software: oneLine(m[2]!, 200) ?? '', preamble };
  const comments = oneLine(m[3], 200);
  if (comments) id.comments = comments;
  Object.assign(id, splitSoftware(id.software));
  return id;
}

/**
 * Look for the identification in what was received so far. Returns the
 * identification and how many bytes it took (preamble included), `undefined`
 * when more bytes are needed; throws when a bound is crossed.
 */
export function findIdentification(buf: Buffer): { ident: Identification; consumed: number } | undefined {
  const preamble: string[] = [];
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf(LF, pos);
    const line = buf.subarray(pos, eol === -1 ? buf.length : eol);
    if (startsLikeIdent(line) && line.length > MAX_IDENT_LINE) {
      throw new SshTransportError(`identification line longer than ${MAX_IDENT_LINE} bytes without end of line`, 'ESSH_IDENT');
    }
    if (pos > MAX_PREAMBLE_BYTES || (!startsLikeIdent(line) && pos + line.length > MAX_PREAMBLE_BYTES)) {
      throw new SshTransportError(`more than ${MAX_PREAMBLE_BYTES} bytes before the SSH identification`, 'ESIZE');
    }
    if (eol === -1) return undefined;
    const text = line.toString('latin1').replace(/\r$/, '');
    if (text.startsWith('SSH-')) return { ident: parseIdentificationLine(text, preamble), consumed: eol + 1 };
    if (preamble.length < 5) {
      const shown = oneLine(line, 120);
      if (shown) preamble.push(shown);
    }
    pos = eol + 1;
  }
}

/**
 * Read one unencrypted binary packet (RFC 4253 §6) from the start of `buf`:
 * its payload and size, or `undefined` when more bytes are needed.
 */
export function readPlainPacket(buf: Buffer): { payload: Buffer; consumed: number; packetLength: number } | undefined {
  if (buf.length < 4) return undefined;
  const packetLength = buf.readUInt32BE(0);
  if (packetLength > MAX_PACKET_LENGTH) throw new SshTransportError(`packet_length ${packetLength} exceeds ${MAX_PACKET_LENGTH}`, 'ESIZE');
  // padding_length byte + a message number at least.
  if (packetLength < 2) throw new SshTransportError(`packet_length ${packetLength} is too small`, 'ESSH_PACKET');
  if (buf.length < 4 + packetLength) return undefined;
  const padding = buf[4]!;
  const payloadLength = packetLength - padding - 1;
  if (payloadLength < 1) throw new SshTransportError(`padding_length ${padding} leaves no payload in a ${packetLength}-byte packet`, 'ESSH_PACKET');
  return { payload: buf.subarray(5, 5 + payloadLength), consumed: 4 + packetLength, packetLength };
}

/** A name-list (RFC 4251 §5): printable US-ASCII names separated by commas. */
function readNameList(payload: Buffer, offset: number, what: string): { names: string[]; next: number } {
  if (offset + 4 > payload.length) throw new SshTransportError(`KEXINIT truncated before the ${what} list`, 'ESSH_PACKET');
  const len = payload.readUInt32BE(offset);
  const start = offset + 4;
  if (start + len > payload.length) throw new SshTransportError(`KEXINIT ${what} list claims ${len} bytes, only ${payload.length - start} left`, 'ESSH_PACKET');
  const raw = payload.subarray(start, start + len);
  for (const b of raw) {
    if (b < 0x21 || b > 0x7e) throw new SshTransportError(`KEXINIT ${what} list holds a non-printable byte 0x${b.toString(16).padStart(2, '0')}`, 'ESSH_PACKET');
  }
  const names = len ? raw.toString('latin1').split(',') : [];
  if (names.length > MAX_NAMES_PER_LIST) throw new SshTransportError(`KEXINIT ${what} list holds ${names.length} names (at most ${MAX_NAMES_PER_LIST} read)`, 'ESIZE');
  if (names.some((n) => n.length === 0)) throw new SshTransportError(`KEXINIT ${what} list has an empty name`, 'ESSH_PACKET');
  return { names, next: start + len };
}

const LIST_ORDER = ['kex', 'hostKey', 'encC2S', 'encS2C', 'macC2S', 'macS2C', 'compC2S', 'compS2C', 'langC2S', 'langS2C'] as const;

/** Parse an SSH_MSG_KEXINIT payload (RFC 4253 §7.1), message number included. */
export function parseKexinit(payload: Buffer): KexinitLists {
  if (payload[0] !== MSG_KEXINIT) throw new SshTransportError(`expected SSH_MSG_KEXINIT (20), got message ${payload[0] ?? 'none'}`, 'ESSH_PACKET');
  // message number + 16-byte cookie
  let offset = 17;
  if (payload.length < offset) throw new SshTransportError('KEXINIT truncated inside its cookie', 'ESSH_PACKET');
  const lists = {} as Record<(typeof LIST_ORDER)[number], string[]>;
  for (const key of LIST_ORDER) {
    const r = readNameList(payload, offset, key);
    lists[key] = r.names;
    offset = r.next;
  }
  // boolean first_kex_packet_follows + uint32 reserved
  if (offset + 5 > payload.length) throw new SshTransportError('KEXINIT truncated after its name-lists', 'ESSH_PACKET');
  return { ...lists, firstKexPacketFollows: payload[offset] !== 0 };
}

export interface ServerHello {
  ident: Identification;
  /** Absent for an SSH-1-only server (protocol 1.x other than 1.99): it sends no KEXINIT. */
  kexinit?: KexinitLists;
  packetLength?: number;
}

/** Bytes a Conversation must accept for the whole hello, bounds included. */
export const HELLO_MAX_BYTES = MAX_PREAMBLE_BYTES + MAX_IDENT_LINE + MAX_PACKET_LENGTH * (MAX_PACKETS_BEFORE_KEXINIT + 1) + 1024;

/** Run `parse` over the buffer each time bytes arrive, until it answers, throws, or the read ends. */
async function readUntil<T>(conv: Conversation, deadline: number, what: string, parse: (b: Buffer) => T | undefined): Promise<T> {
  let parsed: T | undefined;
  let failure: unknown;
  const r = await conv.read({
    until: (b) => {
      try {
        parsed = parse(b);
        return parsed !== undefined;
      } catch (err) {
        failure = err;
        return true;
      }
    },
    timeoutMs: Math.max(1, deadline - Date.now()),
  });
  if (failure) throw failure;
  if (parsed !== undefined) return parsed;
  if (r.reason === 'overflow') throw new SizeLimitExceeded(`more than ${HELLO_MAX_BYTES} bytes while waiting for ${what}`);
  if (r.reason === 'closed') {
    const how = conv.closeError ? ` (${(conv.closeError as NodeJS.ErrnoException).code ?? conv.closeError.message})` : '';
    throw new SshTransportError(`connection closed${how} after ${conv.received} bytes, before ${what}`, 'ESSH_CLOSED');
  }
  throw new ProbeTimeout(`no ${what} after ${conv.received} bytes`);
}

/**
 * Send our identification, read the server's and its KEXINIT. Nothing else is
 * sent: the server sees a client that left after the greeting.
 */
export async function readServerHello(conv: Conversation, opts: { clientIdent: string; timeoutMs: number }): Promise<ServerHello> {
  const deadline = Date.now() + opts.timeoutMs;
  conv.write(`${opts.clientIdent}\r\n`);
  const { ident, consumed } = await readUntil(conv, deadline, 'the SSH identification', findIdentification);
  conv.consume(consumed);
  if (ident.protoVersion !== '2.0' && ident.protoVersion !== '1.99') return { ident };
  for (let skipped = 0; ; skipped++) {
    const packet = await readUntil(conv, deadline, 'the server KEXINIT', readPlainPacket);
    conv.consume(packet.consumed);
    const type = packet.payload[0];
    if ((type === MSG_IGNORE || type === MSG_DEBUG) && skipped < MAX_PACKETS_BEFORE_KEXINIT) continue;
    return { ident, kexinit: parseKexinit(packet.payload), packetLength: packet.packetLength };
  }
}

/** Build a KEXINIT payload (tests and lab devices that must offer exact lists). */
export function buildKexinit(lists: Omit<KexinitLists, 'firstKexPacketFollows'> & { firstKexPacketFollows?: boolean }, cookie: Buffer = Buffer.alloc(16, 0x5a)): Buffer {
  const parts: Buffer[] = [Buffer.from([MSG_KEXINIT]), cookie.subarray(0, 16)];
  for (const key of LIST_ORDER) {
    const text = Buffer.from(lists[key].join(','), 'latin1');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(text.length);
    parts.push(len, text);
  }
  parts.push(Buffer.from([lists.firstKexPacketFollows ? 1 : 0, 0, 0, 0, 0]));
  return Buffer.concat(parts);
}

/** Wrap a payload in an unencrypted binary packet with RFC-conformant padding. */
export function framePacket(payload: Buffer): Buffer {
  // total (4 + 1 + payload + padding) a multiple of 8, padding at least 4.
  let padding = 8 - ((4 + 1 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const out = Buffer.alloc(4 + 1 + payload.length + padding);
  out.writeUInt32BE(1 + payload.length + padding, 0);
  out[4] = padding;
  payload.copy(out, 5);
  return out;
}

/** Bit length of an SSH mpint (RFC 4251 §5: two's complement, big-endian, leading zero for positive). */
function mpintBits(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

function readString(blob: Buffer, offset: number): { value: Buffer; next: number } {
  if (offset + 4 > blob.length) throw new SshTransportError('host key blob truncated', 'ESSH_PACKET');
  const len = blob.readUInt32BE(offset);
  if (offset + 4 + len > blob.length) throw new SshTransportError('host key blob truncated', 'ESSH_PACKET');
  return { value: blob.subarray(offset + 4, offset + 4 + len), next: offset + 4 + len };
}

const CURVE_BITS: Record<string, number> = { nistp256: 256, nistp384: 384, nistp521: 521 };

/** Type and size of a public host key blob (RFC 4253 §6.6, RFC 5656, RFC 8709). */
export function describeHostKeyBlob(blob: Buffer): { type: string; bits?: number } {
  const t = readString(blob, 0);
  const type = t.value.toString('latin1');
  if (!/^[\x21-\x7e]{1,64}$/.test(type)) throw new SshTransportError('host key blob has a non-printable type', 'ESSH_PACKET');
  if (type === 'ssh-rsa') {
    const e = readString(blob, t.next);
    const n = readString(blob, e.next);
    return { type, bits: mpintBits(n.value) };
  }
  if (type === 'ssh-dss') {
    const p = readString(blob, t.next);
    return { type, bits: mpintBits(p.value) };
  }
  const ec = /^ecdsa-sha2-(nistp\d+)$/.exec(type);
  if (ec) {
    const bits = CURVE_BITS[ec[1]!];
    return bits ? { type, bits } : { type };
  }
  if (type === 'ssh-ed25519') return { type, bits: 256 };
  if (type === 'ssh-ed448') return { type, bits: 448 };
  return { type };
}

/** OpenSSH's fingerprint form: "SHA256:" and unpadded Base64 of the SHA-256 of the blob. */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
