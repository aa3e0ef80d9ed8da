/**
 * The subset of ASN.1 BER that SNMP uses (RFC 3416, RFC 3412, RFC 3414):
 * single-byte tags, definite lengths, INTEGER, OCTET STRING, NULL, OBJECT
 * IDENTIFIER, SEQUENCE and the SMI application types.
 *
 * Devices are hostile input, so decoding is strict and bounded: every length
 * is checked against what is really there, long-form lengths are at most 4
 * bytes, indefinite lengths and multi-byte tags are refused, integers and OIDs
 * have size limits. Decoding never recurses on its own: callers walk the fixed
 * SNMP structure, so nested garbage cannot exhaust the stack. Every failure is
 * a `BerError`, never a crash.
 */

export class BerError extends Error {
  override name = 'BerError';
  readonly code = 'EBER';
}

export const TAG = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  ipAddress: 0x40,
  counter32: 0x41,
  gauge32: 0x42,
  timeTicks: 0x43,
  opaque: 0x44,
  counter64: 0x46,
  noSuchObject: 0x80,
  noSuchInstance: 0x81,
  endOfMibView: 0x82,
} as const;

/** Most sub-identifiers accepted in one OID (RFC 2578 §3.5 allows 128). */
export const MAX_OID_ARCS = 128;

/** One tag-length-value element inside a buffer. */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first value byte. */
  valueStart: number;
  /** Offset just past the value. */
  end: number;
  value: Buffer;
}

/** Read the element at `offset`; it must end at or before `limit`. */
export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset >= limit) throw new BerError(`truncated: no element at offset ${offset}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new BerError(`multi-byte tag at offset ${offset} is not used by SNMP`);
  if (offset + 1 >= limit) throw new BerError(`truncated: no length after tag 0x${tag.toString(16)} at offset ${offset}`);
  const first = buf[offset + 1]!;
  let length: number;
  let valueStart: number;
  if (first < 0x80) {
    length = first;
    valueStart = offset + 2;
  } else if (first === 0x80) {
    throw new BerError(`indefinite length at offset ${offset} (SNMP requires definite lengths)`);
  } else {
    const n = first & 0x7f;
    if (n > 4) throw new BerError(`length field of ${n} bytes at offset ${offset}`);
    if (offset + 2 + n > limit) throw new BerError(`truncated length field at offset ${offset}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[offset + 2 + i]!;
    valueStart = offset + 2 + n;
  }
  const end = valueStart + length;
  if (end > limit) throw new BerError(`element at offset ${offset} claims ${length} bytes, only ${Math.max(0, limit - valueStart)} remain`);
  return { tag, start: offset, valueStart, end, value: buf.subarray(valueStart, end) };
}

/** Read an element and check its tag. */
export function expectTlv(buf: Buffer, offset: number, tag: number, what: string, limit = buf.length): Tlv {
  const t = readTlv(buf, offset, limit);
  if (t.tag !== tag) throw new BerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)} at offset ${offset}`);
  return t;
}

/** The elements directly inside a constructed value, in order. */
export function children(buf: Buffer, parent: Tlv, max: number): Tlv[] {
  const out: Tlv[] = [];
  let at = parent.valueStart;
  while (at < parent.end) {
    if (out.length >= max) throw new BerError(`more than ${max} elements in one sequence`);
    const t = readTlv(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

/** Two's-complement INTEGER, at most 32 bits of value (SNMP's Integer32). */
export function decodeInteger(value: Buffer): number {
  if (value.length === 0) throw new BerError('empty INTEGER');
  if (value.length > 5 || (value.length === 5 && value[0] !== 0x00 && value[0] !== 0xff)) throw new BerError(`INTEGER of ${value.length} bytes is larger than 32 bits`);
  let u = 0;
  for (const b of value) u = u * 256 + b;
  return value[0]! & 0x80 ? u - 2 ** (8 * value.length) : u;
}

/** Unsigned 32-bit SMI types (Counter32, Gauge32, TimeTicks). */
export function decodeUnsigned32(value: Buffer): number {
  if (value.length === 0) throw new BerError('empty unsigned integer');
  if (value.length > 5 || (value.length === 5 && value[0] !== 0)) throw new BerError(`unsigned integer of ${value.length} bytes is larger than 32 bits`);
  let u = 0;
  for (const b of value) u = u * 256 + b;
  return u > 0xffffffff ? u % 2 ** 32 : u;
}

export function decodeUnsigned64(value: Buffer): bigint {
  if (value.length === 0) throw new BerError('empty Counter64');
  if (value.length > 9 || (value.length === 9 && value[0] !== 0)) throw new BerError(`Counter64 of ${value.length} bytes`);
  let u = 0n;
  for (const b of value) u = u * 256n + BigInt(b);
  return u;
}

export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new BerError('empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let cur = 0;
  let inArc = false;
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    if (!inArc && b === 0x80) throw new BerError('OBJECT IDENTIFIER sub-identifier with a leading 0x80');
    cur = cur * 128 + (b & 0x7f);
    if (cur > 0xffffffff) throw new BerError('OBJECT IDENTIFIER sub-identifier larger than 32 bits');
    inArc = true;
    if (!(b & 0x80)) {
      if (arcs.length === 0) {
        const first = cur < 40 ? 0 : cur < 80 ? 1 : 2;
        arcs.push(first, cur - first * 40);
      } else arcs.push(cur);
      if (arcs.length > MAX_OID_ARCS) throw new BerError(`OBJECT IDENTIFIER longer than ${MAX_OID_ARCS} sub-identifiers`);
      cur = 0;
      inArc = false;
    }
  }
  if (inArc) throw new BerError('truncated OBJECT IDENTIFIER');
  return arcs.join('.');
}

// ——— encoding ———

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function sequence(...parts: Buffer[]): Buffer {
  return tlv(TAG.sequence, Buffer.concat(parts));
}

export function encodeInteger(n: number, tag: number = TAG.integer): Buffer {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n > 2 ** 32 - 1) throw new RangeError(`integer out of range: ${n}`);
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(((v % 256) + 256) % 256);
    v = Math.floor(v / 256);
  } while (v !== 0 && v !== -1);
  // Keep the sign bit right: a positive value whose top bit is set needs a 0x00 prefix.
  if (n >= 0 && bytes[0]! & 0x80) bytes.unshift(0);
  if (n < 0 && !(bytes[0]! & 0x80)) bytes.unshift(0xff);
  return tlv(tag, Buffer.from(bytes));
}

export function encodeOctets(value: Buffer | string): Buffer {
  return tlv(TAG.octetString, typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
}

export function encodeNull(): Buffer {
  return Buffer.from([TAG.null, 0]);
}

export function encodeOid(oid: string): Buffer {
  const arcs = oid.split('.').map((s) => {
    if (!/^\d+$/.test(s)) throw new RangeError(`bad OID "${oid}"`);
    return Number(s);
  });
  if (arcs.length < 2 || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! > 39)) throw new RangeError(`bad OID "${oid}"`);
  const out: number[] = [];
  const push = (n: number) => {
    const groups: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    out.push(...groups);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(TAG.oid, Buffer.from(out));
}
