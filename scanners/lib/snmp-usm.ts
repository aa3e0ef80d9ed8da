/**
 * The User-based Security Model's cryptography (RFC 3414, RFC 3826, RFC 7860):
 * password-to-key localisation, HMAC authentication parameters, and AES-128
 * CFB privacy. Built on node:crypto only.
 *
 * DES privacy (RFC 3414 §8) is not implemented: Node's OpenSSL 3 no longer
 * ships single DES. A DES user can still be authenticated (authNoPriv), which
 * is enough to prove the account exists with that weak protocol.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const AUTH_PROTOCOLS = {
  md5: { hash: 'md5', keyLength: 16, macLength: 12 },
  sha: { hash: 'sha1', keyLength: 20, macLength: 12 },
  sha224: { hash: 'sha224', keyLength: 28, macLength: 16 },
  sha256: { hash: 'sha256', keyLength: 32, macLength: 24 },
  sha384: { hash: 'sha384', keyLength: 48, macLength: 32 },
  sha512: { hash: 'sha512', keyLength: 64, macLength: 48 },
} as const;
export type AuthProtocol = keyof typeof AUTH_PROTOCOLS;

/** Privacy protocols a site file may name; only `aes` (AES-128-CFB) is spoken. */
export const PRIV_PROTOCOLS = ['des', 'aes', 'aes192', 'aes256'] as const;
export type PrivProtocol = (typeof PRIV_PROTOCOLS)[number];

export function isAuthProtocol(s: unknown): s is AuthProtocol {
  return typeof s === 'string' && s in AUTH_PROTOCOLS;
}
export function isPrivProtocol(s: unknown): s is PrivProtocol {
  return typeof s === 'string' && (PRIV_PROTOCOLS as readonly string[]).includes(s);
}

/** RFC 3414 A.2: hash 1 MiB of the repeated password, then localise with the engine ID. */
export function localizeKey(protocol: AuthProtocol, password: string, engineId: Buffer): Buffer {
  const { hash } = AUTH_PROTOCOLS[protocol];
  const pw = Buffer.from(password, 'utf8');
  if (pw.length === 0) throw new RangeError('empty SNMPv3 password');
  // Buffer.alloc repeats the password over the whole 1 MiB, as the RFC's loop does.
  const ku = createHash(hash).update(Buffer.alloc(1024 * 1024, pw)).digest();
  return createHash(hash).update(ku).update(engineId).update(ku).digest();
}

/** The truncated HMAC of a whole message whose authentication parameters are zeroed. */
export function computeMac(protocol: AuthProtocol, key: Buffer, message: Buffer): Buffer {
  const { hash, macLength } = AUTH_PROTOCOLS[protocol];
  return createHmac(hash, key).update(message).digest().subarray(0, macLength);
}

/** Fill the authentication parameters (zeros at `offset`) of an outgoing message in place. */
export function signMessage(protocol: AuthProtocol, key: Buffer, message: Buffer, offset: number): void {
  const { macLength } = AUTH_PROTOCOLS[protocol];
  const mac = computeMac(protocol, key, message);
  mac.copy(message, offset, 0, macLength);
}

/** Check an incoming message's authentication parameters (constant-time compare). */
export function verifyMessage(protocol: AuthProtocol, key: Buffer, message: Buffer, offset: number, received: Buffer): boolean {
  const { macLength } = AUTH_PROTOCOLS[protocol];
  if (received.length !== macLength || offset + macLength > message.length) return false;
  const copy = Buffer.from(message);
  copy.fill(0, offset, offset + macLength);
  return timingSafeEqual(computeMac(protocol, key, copy), received);
}

/** RFC 3826 §3.1.2.1: IV = engineBoots ‖ engineTime ‖ salt (64-bit). */
function aesIv(engineBoots: number, engineTime: number, salt: Buffer): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(engineBoots >>> 0, 0);
  iv.writeUInt32BE(engineTime >>> 0, 4);
  salt.copy(iv, 8, 0, 8);
  return iv;
}

/** AES-128-CFB with the first 16 bytes of the localised privacy key. */
export function aesEncrypt(privKey: Buffer, engineBoots: number, engineTime: number, plain: Buffer): { encrypted: Buffer; salt: Buffer } {
  const salt = randomBytes(8);
  const c = createCipheriv('aes-128-cfb', privKey.subarray(0, 16), aesIv(engineBoots, engineTime, salt));
  return { encrypted: Buffer.concat([c.update(plain), c.final()]), salt };
}

export function aesDecrypt(privKey: Buffer, engineBoots: number, engineTime: number, salt: Buffer, encrypted: Buffer): Buffer {
  if (salt.length !== 8) throw new RangeError(`AES privacy parameters of ${salt.length} bytes (8 expected)`);
  const d = createDecipheriv('aes-128-cfb', privKey.subarray(0, 16), aesIv(engineBoots, engineTime, salt));
  return Buffer.concat([d.update(encrypted), d.final()]);
}

/** Enterprise number of an SNMP engine ID in the RFC 3411 format (first bit set), else undefined. */
export function engineEnterprise(engineId: Buffer): number | undefined {
  if (engineId.length < 5 || !(engineId[0]! & 0x80)) return undefined;
  return engineId.readUInt32BE(0) & 0x7fffffff;
}
