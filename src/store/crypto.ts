/**
 * The sealed container used for the encrypted store and for export bundles
 * (format in docs/store.md): a small versioned header, then the AES-256-GCM
 * ciphertext of the whole payload, then the 16-byte tag. The header is the
 * GCM additional data, so changing any byte of it — or of the ciphertext, or
 * of the tag — makes opening fail. Only node:crypto is used.
 *
 *   offset size  field
 *        0    6  magic "VIGIEC"
 *        6    1  format version (1)
 *        7    1  content: 1 store database, 2 export bundle
 *        8    1  key source: 1 scrypt(passphrase), 2 HKDF-SHA256(key file)
 *        9    1  scrypt log2(N)   (0 for a key file)
 *       10    4  scrypt r, uint32 big-endian (0 for a key file)
 *       14    4  scrypt p, uint32 big-endian (0 for a key file)
 *       18   16  salt
 *       34   12  GCM nonce (random for every write)
 *       46    …  ciphertext, then the 16-byte GCM tag
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../core/errors.ts';

export const MAGIC = Buffer.from('VIGIEC', 'ascii');
export const CONTAINER_VERSION = 1;
export const HEADER_LENGTH = 46;
const TAG_LENGTH = 16;

export const CONTENT = { store: 1, bundle: 2 } as const;
export type ContentKind = keyof typeof CONTENT;

/** scrypt cost: N = 2^log2N, block size r, parallelism p. */
export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/** The default and the only cost the CLI uses: N=2^17, r=8, p=1 (128 MiB, ≈0.4 s on the project machines). */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ log2N: 17, r: 8, p: 1 });
/** Refuse headers asking for more than this (a crafted file must not make vigie allocate gigabytes). */
const MAX_LOG2N = 22;

/** What the user configured: a passphrase (`VIGIE_KEY`) or 32 random bytes (`--key-file`). */
export type KeySource = { kind: 'passphrase'; passphrase: string; label: string } | { kind: 'key-file'; key: Buffer; label: string };

/** The container could not be opened: wrong key, altered file, or not a vigie container. Names the file. */
export class SealedFileError extends Error {
  override name = 'SealedFileError';
}

function scryptAsync(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.log2N;
  // scrypt needs 128·N·r bytes; leave headroom so Node's own check never refuses the default.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 2 * 128 * N * params.r * params.p + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(secret.normalize('NFC'), salt, 32, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Derived keys of this run, by source and salt: a store read and rewritten in one run pays the KDF once. */
const derived = new Map<string, Buffer>();

async function deriveKey(source: KeySource, salt: Buffer, params: ScryptParams, content: ContentKind): Promise<Buffer> {
  if (source.kind === 'key-file') {
    // A key file is already 256 random bits: HKDF only binds it to this file's salt and purpose.
    return Buffer.from(hkdfSync('sha256', source.key, salt, Buffer.from(`vigie ${content} v${CONTAINER_VERSION}`), 32));
  }
  const memo = `${content}\0${params.log2N}/${params.r}/${params.p}\0${salt.toString('hex')}\0${source.passphrase}`;
  const hit = derived.get(memo);
  if (hit) return hit;
  const key = await scryptAsync(source.passphrase, salt, params);
  derived.set(memo, key);
  return key;
}

export interface SealOptions {
  content: ContentKind;
  /** Keep the salt of the file being rewritten (the derived key is then reused); a new file gets a random one. */
  salt?: Buffer;
  /** Test-only: a lower scrypt cost. The CLI never sets it; files record their own parameters. */
  scryptForTests?: ScryptParams;
}

export function headerFor(content: ContentKind, source: KeySource, salt: Buffer, iv: Buffer, params: ScryptParams): Buffer {
  const h = Buffer.alloc(HEADER_LENGTH);
  MAGIC.copy(h, 0);
  h[6] = CONTAINER_VERSION;
  h[7] = CONTENT[content];
  h[8] = source.kind === 'passphrase' ? 1 : 2;
  if (source.kind === 'passphrase') {
    h[9] = params.log2N;
    h.writeUInt32BE(params.r, 10);
    h.writeUInt32BE(params.p, 14);
  }
  salt.copy(h, 18);
  iv.copy(h, 34);
  return h;
}

/** Encrypt `plain` into a container. */
export async function seal(plain: Uint8Array, source: KeySource, opts: SealOptions): Promise<Buffer> {
  const params = opts.scryptForTests ?? DEFAULT_SCRYPT;
  const salt = opts.salt ?? randomBytes(16);
  const iv = randomBytes(12);
  const header = headerFor(opts.content, source, salt, iv, params);
  const key = await deriveKey(source, salt, params, opts.content);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag()]);
}

export interface ContainerInfo {
  version: number;
  content: ContentKind;
  keySource: KeySource['kind'];
  scrypt?: ScryptParams;
  salt: Buffer;
}

/** True when the bytes start like a vigie container (used to tell an encrypted store from a clear SQLite file). */
export function isSealed(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && Buffer.from(bytes.subarray(0, MAGIC.length)).equals(MAGIC);
}

/** Read and check the header; every problem names the file. */
export function readHeader(bytes: Uint8Array, file: string): ContainerInfo {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isSealed(b)) throw new SealedFileError(`${file}: not a vigie encrypted file (bad magic)`);
  if (b.length < HEADER_LENGTH + TAG_LENGTH) throw new SealedFileError(`${file}: encrypted file truncated (${b.length} bytes)`);
  const version = b[6]!;
  if (version !== CONTAINER_VERSION) throw new SealedFileError(`${file}: encrypted file format version ${version} is not supported (this vigie reads version ${CONTAINER_VERSION}) — or the header was altered`);
  const content = b[7] === CONTENT.store ? 'store' : b[7] === CONTENT.bundle ? 'bundle' : undefined;
  if (!content) throw new SealedFileError(`${file}: unknown content type ${b[7]} in the header (altered?)`);
  const salt = Buffer.from(b.subarray(18, 34));
  if (b[8] === 2) return { version, content, keySource: 'key-file', salt };
  if (b[8] !== 1) throw new SealedFileError(`${file}: unknown key derivation ${b[8]} in the header (altered?)`);
  const scrypt = { log2N: b[9]!, r: b.readUInt32BE(10), p: b.readUInt32BE(14) };
  if (scrypt.log2N < 1 || scrypt.log2N > MAX_LOG2N || scrypt.r < 1 || scrypt.r > 32 || scrypt.p < 1 || scrypt.p > 16) {
    throw new SealedFileError(`${file}: scrypt parameters out of bounds in the header (N=2^${scrypt.log2N}, r=${scrypt.r}, p=${scrypt.p}): altered?`);
  }
  return { version, content, keySource: 'passphrase', scrypt, salt };
}

/** Decrypt a container; a wrong key or any altered byte is an error naming the file, never garbage. */
export async function unseal(bytes: Uint8Array, source: KeySource, expected: ContentKind, file: string): Promise<{ plain: Buffer; info: ContainerInfo }> {
  const info = readHeader(bytes, file);
  if (info.content !== expected) throw new SealedFileError(`${file}: this is an encrypted ${info.content === 'store' ? 'store database' : 'export bundle'}, not ${expected === 'store' ? 'a store database' : 'an export bundle'}`);
  if (info.keySource !== source.kind) {
    throw new SealedFileError(
      `${file}: encrypted with ${info.keySource === 'passphrase' ? 'a passphrase (VIGIE_KEY)' : 'a key file (--key-file / VIGIE_KEY_FILE)'}, but ${source.label} was given`,
    );
  }
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = b.subarray(0, HEADER_LENGTH);
  const iv = b.subarray(34, 46);
  const tag = b.subarray(b.length - TAG_LENGTH);
  const body = b.subarray(HEADER_LENGTH, b.length - TAG_LENGTH);
  const key = await deriveKey(source, info.salt, info.scrypt ?? DEFAULT_SCRYPT, expected);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    return { plain, info };
  } catch {
    throw new SealedFileError(`${file}: authentication failed (AES-256-GCM tag): the key is wrong or the file was altered; nothing was read from it`);
  }
}

/**
 * The key the user configured, if any: `--key-file` (or `VIGIE_KEY_FILE`) —
 * 32 raw bytes or 64 hex digits — else the `VIGIE_KEY` passphrase.
 */
export function keyFromEnvironment(opts: { keyFile?: string }, env: NodeJS.ProcessEnv = process.env): KeySource | undefined {
  const file = opts.keyFile ?? (env.VIGIE_KEY_FILE || undefined);
  if (file) return readKeyFile(file);
  const passphrase = env.VIGIE_KEY;
  if (passphrase !== undefined && passphrase !== '') return { kind: 'passphrase', passphrase, label: 'the VIGIE_KEY passphrase' };
  return undefined;
}

export function readKeyFile(file: string): KeySource {
  let raw: Buffer;
  try {
    if (statSync(file).size > 1024) throw new UsageError(`key file "${file}" is too large: it must hold 32 raw bytes or 64 hex digits`);
    raw = readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read key file "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const text = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return { kind: 'key-file', key: Buffer.from(text, 'hex'), label: `the key file ${file}` };
  if (raw.length === 32) return { kind: 'key-file', key: raw, label: `the key file ${file}` };
  throw new UsageError(`key file "${file}" must hold exactly 32 raw bytes or 64 hex digits (it holds ${raw.length} bytes); make one with: head -c 32 /dev/urandom > ${file}`);
}

export function describeScrypt(p: ScryptParams): string {
  return `scrypt N=2^${p.log2N}, r=${p.r}, p=${p.p}`;
}
