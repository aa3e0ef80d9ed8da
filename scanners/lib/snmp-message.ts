/**
 * SNMP messages as bytes: v1/v2c community messages (RFC 1157, RFC 3416) and
 * v3 messages with the User-based Security Model header (RFC 3412, RFC 3414).
 *
 * Why our own codec rather than net-snmp's: net-snmp does not export its
 * Message class, and its Session owns its own dgram sockets, retries and
 * timers. vigie must send every datagram through `Net` (scope, per-host limit,
 * pacing), keep the raw bytes as evidence, and parse hostile answers with hard
 * bounds (see ./ber.ts). The few PDUs an audit needs (Get, GetNext, GetBulk,
 * Set, and reading Response/Report) are small enough to write and test here;
 * net-snmp's Agent serves the simulated devices, so the two implementations
 * check each other (and the interop suite checks both against Debian's snmpd).
 */
import { BerError, TAG, children, decodeInteger, decodeOid, decodeUnsigned32, decodeUnsigned64, encodeInteger, encodeNull, encodeOctets, encodeOid, expectTlv, readTlv, sequence, tlv, type Tlv } from './ber.ts';
import { printable } from '../../src/core/text.ts';

export const PDU = {
  get: 0xa0,
  getNext: 0xa1,
  response: 0xa2,
  set: 0xa3,
  trapV1: 0xa4,
  getBulk: 0xa5,
  inform: 0xa6,
  trapV2: 0xa7,
  report: 0xa8,
} as const;

export const PDU_NAMES: Record<number, string> = {
  0xa0: 'GetRequest',
  0xa1: 'GetNextRequest',
  0xa2: 'Response',
  0xa3: 'SetRequest',
  0xa4: 'Trap',
  0xa5: 'GetBulkRequest',
  0xa6: 'InformRequest',
  0xa7: 'SNMPv2-Trap',
  0xa8: 'Report',
};

/** RFC 3416 §3 error-status values (0–5 are also SNMPv1's). */
export const ERROR_STATUS = [
  'noError',
  'tooBig',
  'noSuchName',
  'badValue',
  'readOnly',
  'genErr',
  'noAccess',
  'wrongType',
  'wrongLength',
  'wrongEncoding',
  'wrongValue',
  'noCreation',
  'inconsistentValue',
  'resourceUnavailable',
  'commitFailed',
  'undoFailed',
  'authorizationError',
  'notWritable',
  'inconsistentName',
] as const;

export function errorStatusName(n: number): string {
  return ERROR_STATUS[n] ?? `error-status ${n}`;
}

export const VERSION = { v1: 0, v2c: 1, v3: 3 } as const;
export type CommunityVersion = 'v1' | 'v2c';

/** Most variable bindings accepted in one PDU. */
export const MAX_VARBINDS = 512;

export type VarValue =
  | { type: 'integer'; value: number }
  | { type: 'octets'; value: Buffer }
  | { type: 'null' }
  | { type: 'oid'; value: string }
  | { type: 'ipAddress'; value: string }
  | { type: 'counter32' | 'gauge32' | 'timeTicks'; value: number }
  | { type: 'counter64'; value: bigint }
  | { type: 'opaque'; value: Buffer }
  | { type: 'noSuchObject' | 'noSuchInstance' | 'endOfMibView' }
  | { type: 'unknown'; tag: number; value: Buffer };

export interface VarBind {
  oid: string;
  value: VarValue;
}

export interface Pdu {
  type: number;
  requestId: number;
  /** error-status (or non-repeaters in a GetBulkRequest). */
  errorStatus: number;
  /** error-index (or max-repetitions in a GetBulkRequest). */
  errorIndex: number;
  varbinds: VarBind[];
}

export interface CommunityMessage {
  version: 0 | 1;
  community: Buffer;
  pdu: Pdu;
}

export interface UsmSecurityParameters {
  engineId: Buffer;
  engineBoots: number;
  engineTime: number;
  userName: Buffer;
  authParams: Buffer;
  privParams: Buffer;
}

export interface ScopedPdu {
  contextEngineId: Buffer;
  contextName: Buffer;
  pdu: Pdu;
}

export const MSG_FLAGS = { auth: 0x01, priv: 0x02, reportable: 0x04 } as const;
export const USM_SECURITY_MODEL = 3;

export interface V3Message {
  version: 3;
  msgId: number;
  maxSize: number;
  flags: number;
  securityModel: number;
  /** Present when the security model is USM (3). */
  usm?: UsmSecurityParameters;
  /** Offset of the authentication parameters' value in the raw message (for HMAC checking). */
  authParamsOffset?: number;
  scoped?: ScopedPdu;
  encrypted?: Buffer;
}

export type Message = CommunityMessage | V3Message;

// ——— values ———

export function isException(v: VarValue): boolean {
  return v.type === 'noSuchObject' || v.type === 'noSuchInstance' || v.type === 'endOfMibView';
}

function decodeValue(t: Tlv): VarValue {
  switch (t.tag) {
    case TAG.integer:
      return { type: 'integer', value: decodeInteger(t.value) };
    case TAG.octetString:
      return { type: 'octets', value: Buffer.from(t.value) };
    case TAG.null:
      return { type: 'null' };
    case TAG.oid:
      return { type: 'oid', value: decodeOid(t.value) };
    case TAG.ipAddress:
      if (t.value.length !== 4) throw new BerError(`IpAddress of ${t.value.length} bytes`);
      return { type: 'ipAddress', value: [...t.value].join('.') };
    case TAG.counter32:
      return { type: 'counter32', value: decodeUnsigned32(t.value) };
    case TAG.gauge32:
      return { type: 'gauge32', value: decodeUnsigned32(t.value) };
    case TAG.timeTicks:
      return { type: 'timeTicks', value: decodeUnsigned32(t.value) };
    case TAG.opaque:
      return { type: 'opaque', value: Buffer.from(t.value) };
    case TAG.counter64:
      return { type: 'counter64', value: decodeUnsigned64(t.value) };
    case TAG.noSuchObject:
      return { type: 'noSuchObject' };
    case TAG.noSuchInstance:
      return { type: 'noSuchInstance' };
    case TAG.endOfMibView:
      return { type: 'endOfMibView' };
    default:
      // Unknown types are kept as bytes, never descended into.
      return { type: 'unknown', tag: t.tag, value: Buffer.from(t.value.subarray(0, 256)) };
  }
}

export function encodeValue(v: VarValue): Buffer {
  switch (v.type) {
    case 'integer':
      return encodeInteger(v.value);
    case 'octets':
      return encodeOctets(v.value);
    case 'null':
      return encodeNull();
    case 'oid':
      return encodeOid(v.value);
    case 'ipAddress':
      return tlv(TAG.ipAddress, Buffer.from(v.value.split('.').map(Number)));
    case 'counter32':
      return encodeInteger(v.value, TAG.counter32);
    case 'gauge32':
      return encodeInteger(v.value, TAG.gauge32);
    case 'timeTicks':
      return encodeInteger(v.value, TAG.timeTicks);
    case 'opaque':
      return tlv(TAG.opaque, v.value);
    case 'counter64': {
      const hex = v.value.toString(16);
      const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
      return tlv(TAG.counter64, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
    }
    case 'noSuchObject':
      return Buffer.from([TAG.noSuchObject, 0]);
    case 'noSuchInstance':
      return Buffer.from([TAG.noSuchInstance, 0]);
    case 'endOfMibView':
      return Buffer.from([TAG.endOfMibView, 0]);
    case 'unknown':
      return tlv(v.tag, v.value);
  }
}

/** A value as short, printable text (never raw control bytes). */
export function valueText(v: VarValue, max = 256): string {
  switch (v.type) {
    case 'octets':
    case 'opaque': {
      const b = v.value;
      const texty = b.length === 0 || [...b.subarray(0, 64)].every((c) => c >= 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0);
      return texty ? printable(b.subarray(0, b.length && b[b.length - 1] === 0 ? b.length - 1 : b.length), max) : `0x${b.subarray(0, max / 2).toString('hex')}${b.length > max / 2 ? '…' : ''}`;
    }
    case 'integer':
    case 'counter32':
    case 'gauge32':
    case 'timeTicks':
      return String(v.value);
    case 'counter64':
      return v.value.toString();
    case 'oid':
    case 'ipAddress':
      return v.value;
    case 'null':
      return 'NULL';
    case 'unknown':
      return `[tag 0x${v.tag.toString(16)}] 0x${v.value.subarray(0, 32).toString('hex')}`;
    default:
      return v.type;
  }
}

// ——— PDUs ———

export function encodePdu(pdu: Pdu): Buffer {
  const vbs = pdu.varbinds.map((vb) => sequence(encodeOid(vb.oid), encodeValue(vb.value)));
  return tlv(pdu.type, Buffer.concat([encodeInteger(pdu.requestId), encodeInteger(pdu.errorStatus), encodeInteger(pdu.errorIndex), sequence(...vbs)]));
}

export function decodePdu(buf: Buffer, t: Tlv): Pdu {
  if (t.tag < 0xa0 || t.tag > 0xa8) throw new BerError(`not a PDU: tag 0x${t.tag.toString(16)}`);
  if (t.tag === PDU.trapV1) throw new BerError('SNMPv1 Trap-PDU is not an answer');
  const parts = children(buf, t, 4);
  if (parts.length !== 4) throw new BerError(`PDU with ${parts.length} fields instead of 4`);
  const [reqId, status, index, list] = parts as [Tlv, Tlv, Tlv, Tlv];
  for (const [p, name] of [
    [reqId, 'request-id'],
    [status, 'error-status'],
    [index, 'error-index'],
  ] as const)
    if (p.tag !== TAG.integer) throw new BerError(`${name} is not an INTEGER`);
  if (list.tag !== TAG.sequence) throw new BerError('variable-bindings is not a SEQUENCE');
  const varbinds: VarBind[] = [];
  for (const vb of children(buf, list, MAX_VARBINDS)) {
    if (vb.tag !== TAG.sequence) throw new BerError('a variable binding is not a SEQUENCE');
    const pair = children(buf, vb, 2);
    if (pair.length !== 2) throw new BerError(`variable binding with ${pair.length} elements`);
    if (pair[0]!.tag !== TAG.oid) throw new BerError('variable binding name is not an OBJECT IDENTIFIER');
    varbinds.push({ oid: decodeOid(pair[0]!.value), value: decodeValue(pair[1]!) });
  }
  return { type: t.tag, requestId: decodeInteger(reqId.value), errorStatus: decodeInteger(status.value), errorIndex: decodeInteger(index.value), varbinds };
}

// ——— messages ———

export function encodeCommunityMessage(version: CommunityVersion, community: Buffer | string, pdu: Pdu): Buffer {
  return sequence(encodeInteger(version === 'v1' ? VERSION.v1 : VERSION.v2c), encodeOctets(community), encodePdu(pdu));
}

export function encodeUsmParameters(p: UsmSecurityParameters): Buffer {
  return sequence(encodeOctets(p.engineId), encodeInteger(p.engineBoots), encodeInteger(p.engineTime), encodeOctets(p.userName), encodeOctets(p.authParams), encodeOctets(p.privParams));
}

export function encodeScopedPdu(s: ScopedPdu): Buffer {
  return sequence(encodeOctets(s.contextEngineId), encodeOctets(s.contextName), encodePdu(s.pdu));
}

/** A v3 message; `data` is either the plaintext ScopedPDU or the encrypted one. */
export function encodeV3Message(m: { msgId: number; maxSize: number; flags: number; usm: UsmSecurityParameters; data: { scoped: ScopedPdu } | { encrypted: Buffer } }): Buffer {
  const global = sequence(encodeInteger(m.msgId), encodeInteger(m.maxSize), encodeOctets(Buffer.from([m.flags])), encodeInteger(USM_SECURITY_MODEL));
  const data = 'scoped' in m.data ? encodeScopedPdu(m.data.scoped) : encodeOctets(m.data.encrypted);
  return sequence(encodeInteger(VERSION.v3), global, encodeOctets(encodeUsmParameters(m.usm)), data);
}

function decodeUsm(buf: Buffer, outer: Tlv): { usm: UsmSecurityParameters; authParamsOffset: number } {
  // The security parameters are an OCTET STRING that wraps a BER SEQUENCE.
  const seq = expectTlv(buf, outer.valueStart, TAG.sequence, 'UsmSecurityParameters', outer.end);
  const f = children(buf, seq, 6);
  if (f.length !== 6) throw new BerError(`UsmSecurityParameters with ${f.length} fields instead of 6`);
  const tags = [TAG.octetString, TAG.integer, TAG.integer, TAG.octetString, TAG.octetString, TAG.octetString];
  f.forEach((t, i) => {
    if (t.tag !== tags[i]) throw new BerError(`UsmSecurityParameters field ${i + 1} has tag 0x${t.tag.toString(16)}`);
  });
  if (f[0]!.value.length > 32) throw new BerError(`snmpEngineID of ${f[0]!.value.length} bytes (at most 32)`);
  if (f[3]!.value.length > 32) throw new BerError(`user name of ${f[3]!.value.length} bytes (at most 32)`);
  if (f[4]!.value.length > 64 || f[5]!.value.length > 64) throw new BerError('oversized USM authentication or privacy parameters');
  return {
    usm: {
      engineId: Buffer.from(f[0]!.value),
      engineBoots: decodeInteger(f[1]!.value),
      engineTime: decodeInteger(f[2]!.value),
      userName: Buffer.from(f[3]!.value),
      authParams: Buffer.from(f[4]!.value),
      privParams: Buffer.from(f[5]!.value),
    },
    authParamsOffset: f[4]!.valueStart,
  };
}

export function decodeScopedPdu(buf: Buffer, t: Tlv): ScopedPdu {
  if (t.tag !== TAG.sequence) throw new BerError('ScopedPDU is not a SEQUENCE');
  const f = children(buf, t, 3);
  if (f.length !== 3) throw new BerError(`ScopedPDU with ${f.length} fields instead of 3`);
  if (f[0]!.tag !== TAG.octetString || f[1]!.tag !== TAG.octetString) throw new BerError('ScopedPDU context fields are not OCTET STRINGs');
  return { contextEngineId: Buffer.from(f[0]!.value), contextName: Buffer.from(f[1]!.value), pdu: decodePdu(buf, f[2]!) };
}

/** Decode one datagram. Anything malformed is a `BerError`. */
export function decodeMessage(buf: Buffer): Message {
  const top = expectTlv(buf, 0, TAG.sequence, 'message');
  if (top.end !== buf.length) throw new BerError(`${buf.length - top.end} trailing bytes after the message`);
  const f = children(buf, top, 4);
  if (f.length < 3) throw new BerError(`message with ${f.length} fields`);
  if (f[0]!.tag !== TAG.integer) throw new BerError('msgVersion is not an INTEGER');
  const version = decodeInteger(f[0]!.value);
  if (version === VERSION.v1 || version === VERSION.v2c) {
    if (f.length !== 3) throw new BerError(`community message with ${f.length} fields instead of 3`);
    if (f[1]!.tag !== TAG.octetString) throw new BerError('community is not an OCTET STRING');
    return { version, community: Buffer.from(f[1]!.value), pdu: decodePdu(buf, f[2]!) };
  }
  if (version !== VERSION.v3) throw new BerError(`unknown SNMP version ${version}`);
  if (f.length !== 4) throw new BerError(`v3 message with ${f.length} fields instead of 4`);
  const [global, secParams, data] = [f[1]!, f[2]!, f[3]!];
  if (global.tag !== TAG.sequence) throw new BerError('msgGlobalData is not a SEQUENCE');
  const g = children(buf, global, 4);
  if (g.length !== 4 || g[0]!.tag !== TAG.integer || g[1]!.tag !== TAG.integer || g[2]!.tag !== TAG.octetString || g[3]!.tag !== TAG.integer) throw new BerError('malformed msgGlobalData');
  if (g[2]!.value.length !== 1) throw new BerError(`msgFlags of ${g[2]!.value.length} bytes`);
  if (secParams.tag !== TAG.octetString) throw new BerError('msgSecurityParameters is not an OCTET STRING');
  const m: V3Message = {
    version: 3,
    msgId: decodeInteger(g[0]!.value),
    maxSize: decodeInteger(g[1]!.value),
    flags: g[2]!.value[0]!,
    securityModel: decodeInteger(g[3]!.value),
  };
  if (m.securityModel === USM_SECURITY_MODEL) {
    const { usm, authParamsOffset } = decodeUsm(buf, secParams);
    m.usm = usm;
    m.authParamsOffset = authParamsOffset;
  }
  if (data.tag === TAG.octetString) m.encrypted = Buffer.from(data.value);
  else m.scoped = decodeScopedPdu(buf, data);
  return m;
}

/** Decode a ScopedPDU from decrypted bytes (which may carry block padding after it). */
export function decodeScopedPduBytes(plain: Buffer): ScopedPdu {
  const t = readTlv(plain, 0);
  return decodeScopedPdu(plain, t);
}

/** A short human description of a message, for evidence. */
export function describeMessage(m: Message): string {
  if (m.version !== 3) {
    const p = m.pdu;
    const vbs = p.varbinds.slice(0, 8).map((vb) => `${vb.oid} = ${valueText(vb.value, 120)}`);
    const more = p.varbinds.length > 8 ? ` … (${p.varbinds.length - 8} more)` : '';
    const err = p.errorStatus ? ` error-status=${errorStatusName(p.errorStatus)} index=${p.errorIndex}` : '';
    return `${m.version === 0 ? 'SNMPv1' : 'SNMPv2c'} ${PDU_NAMES[p.type] ?? p.type}${err}: ${vbs.join('; ')}${more}`;
  }
  const pdu = m.scoped?.pdu;
  const vbs = pdu ? pdu.varbinds.slice(0, 8).map((vb) => `${vb.oid} = ${valueText(vb.value, 120)}`).join('; ') : '[encrypted]';
  const err = pdu?.errorStatus ? ` error-status=${errorStatusName(pdu.errorStatus)}` : '';
  return `SNMPv3 ${pdu ? (PDU_NAMES[pdu.type] ?? pdu.type) : 'message'}${err} engine=${m.usm?.engineId.toString('hex') ?? '?'}: ${vbs}`;
}
