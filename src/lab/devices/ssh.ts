/**
 * Simulated SSH services, built on ssh2's Server (never on vigie's scanner):
 * a server with an exact identification, algorithm lists, host key and
 * authentication methods, that counts every authentication attempt and every
 * session request on its side, so tests prove what a scan did (and did not do)
 * from where the device stands. Also the misbehaving SSH peers of the hostile
 * tests, on raw sockets.
 */
import { generateKeyPairSync } from 'node:crypto';
import type net from 'node:net';
import ssh2 from 'ssh2';
import type { Algorithms, Connection } from 'ssh2';
import type { Accounts, LoginVerdict } from '../accounts.ts';
import { flood } from './hostile.ts';

const { Server, utils } = ssh2;

export const STRICT_KEX_SERVER = 'kex-strict-s-v00@openssh.com';

export type LabAuthMethod = 'password' | 'keyboard-interactive' | 'publickey';

export interface SshDeviceOptions {
  /** What follows "SSH-2.0-" in the identification line, e.g. "dropbear_2014.63". */
  ident: string;
  /** Exact lists offered (ssh2 names). */
  algorithms: Required<Pick<Algorithms, 'kex' | 'serverHostKey' | 'cipher' | 'hmac'>> & Pick<Algorithms, 'compress'>;
  /** Private host key (PEM or OpenSSH format). */
  hostKey: string;
  /** Offer the strict-kex marker (CVE-2023-48795 counter-measure) and behave strictly. */
  strictKex: boolean;
  /** Methods listed in USERAUTH_FAILURE, in order. */
  authMethods: LabAuthMethod[];
  /** The device's accounts (shared with its other services), checked for password and keyboard-interactive. */
  accounts?: Accounts;
  /** Lines sent before the identification (RFC 4253 §4.2 allows them). */
  greeting?: string;
  /**
   * Names appended to the key exchange list as sent, that ssh2 does not know:
   * dropbear (since 2013.57) always offers kexguess2@matt.ucc.asn.au there.
   */
  extraKex?: string[];
}

/** What the device saw; the password tried is never kept, only whether it matched. */
export interface SshLabStats {
  handshakes: number;
  attempts: { method: string; user: string; accepted: boolean }[];
  /** Channel (session) requests after a successful login: must stay 0 for an auditor. */
  sessions: number;
}

const STATS = new Map<string, SshLabStats>();

/** The counters of the SSH service of the device at `address` (one SSH service per device). */
export function sshLabStats(address: string): SshLabStats {
  let s = STATS.get(address);
  if (!s) {
    s = { handshakes: 0, attempts: [], sessions: 0 };
    STATS.set(address, s);
  }
  return s;
}

const keyCache = new Map<string, string>();

/**
 * A host key for a lab device. With `shared`, every call with the same label
 * returns the same key (a vendor's factory key baked into a firmware image);
 * without, each call makes a fresh key.
 */
export function labHostKey(kind: 'rsa' | 'ed25519', opts: { bits?: number; shared?: string } = {}): string {
  const cacheKey = opts.shared ? `${kind}:${opts.bits ?? ''}:${opts.shared}` : undefined;
  const cached = cacheKey ? keyCache.get(cacheKey) : undefined;
  if (cached) return cached;
  const key =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: opts.bits ?? 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey
      : utils.generateKeyPairSync('ed25519').private;
  if (cacheKey) keyCache.set(cacheKey, key);
  return key;
}

/**
 * ssh2's Server always appends the strict-kex marker to what it offers, and
 * turns strict mode on whenever the client asks for it. A device from before
 * December 2023 does neither, so for those the per-connection offer is
 * rebuilt without the marker and strict mode is pinned off before KEXINIT is
 * sent ('connection' is emitted on the client's identification, before it).
 * The same rebuild appends names ssh2 does not know (`extraKex`).
 * These are ssh2 internals (Protocol#_offer, #_strictMode), used by the lab
 * only; the lab tests fail loudly if a new ssh2 moves them.
 */
function rewriteOffer(client: Connection, opts: { strictKex: boolean; extraKex: readonly string[] }): void {
  const proto = (client as unknown as { _protocol?: { _offer?: KexOffer; _strictMode?: boolean } })._protocol;
  const offer = proto?._offer;
  if (!proto || !offer?.lists) throw new Error('ssh2 internals changed: cannot rewrite the KEXINIT offer');
  const l = offer.lists;
  const KexInit = offer.constructor as new (o: unknown) => KexOffer;
  const side = (s: KexOffer['lists']['cs']) => ({ cipher: s.cipher.array, mac: s.mac.array, compress: s.compress.array, lang: s.lang.array });
  const kex = l.kex.array.filter((n) => n !== STRICT_KEX_SERVER);
  proto._offer = new KexInit({
    // dropbear's order: its markers after the methods, the strict-kex marker last.
    kex: [...kex, ...opts.extraKex, ...(opts.strictKex ? [STRICT_KEX_SERVER] : [])],
    serverHostKey: l.serverHostKey.array,
    cs: side(l.cs),
    sc: side(l.sc),
  });
  if (!opts.strictKex) proto._strictMode = false;
}

interface KexOffer {
  lists: {
    kex: { array: string[] };
    serverHostKey: { array: string[] };
    cs: Record<'cipher' | 'mac' | 'compress' | 'lang', { array: string[] }>;
    sc: Record<'cipher' | 'mac' | 'compress' | 'lang', { array: string[] }>;
  };
}

/** A connection handler running an ssh2 server with the given personality. */
export function sshDevice(address: string, opts: SshDeviceOptions): (socket: net.Socket) => void {
  const stats = sshLabStats(address);
  const cfg: ConstructorParameters<typeof Server>[0] = {
    hostKeys: [opts.hostKey],
    ident: opts.ident,
    algorithms: opts.algorithms,
  };
  if (opts.greeting) cfg.greeting = opts.greeting;
  const server = new Server(cfg);
  server.on('error', () => undefined);
  server.on('connection', (client) => {
    if (!opts.strictKex || opts.extraKex?.length) rewriteOffer(client, { strictKex: opts.strictKex, extraKex: opts.extraKex ?? [] });
    client.on('error', () => undefined);
    client.on('handshake', () => stats.handshakes++);
    client.on('authentication', (ctx) => {
      const allowed = (m: LabAuthMethod) => opts.authMethods.includes(m);
      const verdict = (user: string, password: string): LoginVerdict => opts.accounts?.check(user, password) ?? 'bad';
      const answer = (method: string, v: LoginVerdict) => {
        stats.attempts.push({ method, user: ctx.username, accepted: v === 'ok' });
        if (v === 'ok') return ctx.accept();
        ctx.reject(opts.authMethods);
        // A locked device (pam_faillock style) says no more than "no", then hangs up.
        if (v === 'locked') client.end();
      };
      if (ctx.method === 'password' && allowed('password')) return answer('password', verdict(ctx.username, ctx.password));
      if (ctx.method === 'keyboard-interactive' && allowed('keyboard-interactive')) {
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => answer('keyboard-interactive', verdict(ctx.username, answers[0] ?? '')));
        return;
      }
      if (ctx.method !== 'none') stats.attempts.push({ method: ctx.method, user: ctx.username, accepted: false });
      ctx.reject(opts.authMethods);
    });
    client.on('ready', () => {
      // An auditor proves a login and leaves: any channel request is counted and refused.
      client.on('session', (_accept, reject) => {
        stats.sessions++;
        reject();
      });
    });
  });
  return (socket) => server.injectSocket(socket);
}

// ——— hostile SSH peers (raw sockets: they break the protocol on purpose) ———

/** Sends a valid identification, half a KEXINIT packet, then resets the connection. */
export function sshResetMidHandshake(ident = 'SSH-2.0-OpenSSH_8.4') {
  return (socket: net.Socket) => {
    socket.on('error', () => undefined);
    socket.write(`${ident}\r\n`);
    const half = Buffer.alloc(64, 0);
    half.writeUInt32BE(600, 0); // announces 600 bytes, sends 60
    half[4] = 6;
    half[5] = 20;
    socket.write(half, () => setTimeout(() => socket.resetAndDestroy(), 50));
  };
}

/** An identification line that never ends: "SSH-2.0-" then bytes without end of line. */
export function sshEndlessIdent(bytes = 4 * 1024 * 1024) {
  const send = flood(bytes, 'SSH-2.0-');
  return (socket: net.Socket) => {
    socket.on('error', () => undefined);
    send(socket);
  };
}

/** Lines of junk (with ends of line) before any identification, more than any client should read. */
export function sshJunkBeforeIdent(lines = 20_000) {
  return (socket: net.Socket) => {
    socket.on('error', () => undefined);
    const line = Buffer.from(`${'x'.repeat(78)}\r\n`);
    let sent = 0;
    const pump = () => {
      while (sent < lines && !socket.destroyed) {
        sent++;
        if (!socket.write(line)) return void socket.once('drain', pump);
      }
      socket.end('SSH-2.0-TooLate\r\n');
    };
    pump();
  };
}

/** A current OpenSSH as hardened recorders run it: curve25519, strict kex, AEAD ciphers, etm MACs, ed25519, public keys only. */
export function modernSshOptions(): SshDeviceOptions {
  return {
    ident: 'OpenSSH_9.9',
    algorithms: {
      kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org'],
      serverHostKey: ['ssh-ed25519'],
      cipher: ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-gcm@openssh.com'],
      hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com'],
      compress: ['none'],
    },
    hostKey: labHostKey('ed25519'),
    strictKex: true,
    authMethods: ['publickey'],
  };
}
