/**
 * SSH: what the server offers, not only what a client would negotiate.
 *
 * 1. A raw connection reads the identification line and the server's first
 *    SSH_MSG_KEXINIT (scanners/lib/ssh-transport.ts): the ten name-lists as
 *    sent. ssh2 cannot give them (its `handshake` event carries only the
 *    negotiated values), hence this part.
 * 2. ssh2, over sockets opened by `ctx.net` (scope, per-host limit, byte cap),
 *    with every algorithm it supports so that old devices are reached:
 *    - one session sends a `none` authentication request and records the
 *      methods the server lists (no password is ever sent here);
 *    - one short handshake per other host key family offered (RSA, DSA, each
 *      ECDSA curve, Ed25519) fetches that key and leaves at host key
 *      verification, so the fleet check sees every key the device holds.
 * Nothing else: no login, no channel.
 *
 * The module also exports `sshPasswordProtocol`, the credential protocol the
 * credential engine uses for password and keyboard-interactive logins.
 */
import { createRequire } from 'node:module';
import ssh2 from 'ssh2';
import type { AuthenticationType, ConnectConfig, NegotiatedAlgorithms } from 'ssh2';
import type { Fact, Service } from '../src/core/model.ts';
import { serviceFact, type ScanContext, type Scanner } from '../src/core/scanner.ts';
import type { Credential, CredentialProtocol, AttemptOutcome } from '../src/core/credentials.ts';
import { redact } from '../src/core/credentials.ts';
import type { SshAuthMethodsData, SshHostKey, SshHostKeyData, SshIdentificationData, SshKexinitData } from '../src/core/facts.ts';
import { errorCode, errorMessage, ProbeTimeout } from '../src/core/errors.ts';
import { oneLine, trimEvidence } from '../src/core/text.ts';
import { VERSION } from '../src/core/paths.ts';
import { describeHostKeyBlob, HELLO_MAX_BYTES, readServerHello, sha256Fingerprint, type KexinitLists, type ServerHello } from './lib/ssh-transport.ts';

const { Client } = ssh2;
const ID = 'ssh';
const CLIENT_SOFTWARE = `vigie_${VERSION}`;
/** User name carried by the `none` request: neutral, so logs show who asked. */
export const PROBE_USER = 'vigie-audit';
/** Bytes one ssh2 session may receive before Net cuts it (a handshake is a few KiB). */
const SESSION_MAX_BYTES = 256 * 1024;
/** Extra handshakes for host key families beyond the first (ssh-audit does the same). */
const MAX_KEY_HANDSHAKES = 4;

interface Ssh2Lists {
  SUPPORTED_KEX: string[];
  SUPPORTED_SERVER_HOST_KEY: string[];
  SUPPORTED_CIPHER: string[];
  SUPPORTED_MAC: string[];
  SUPPORTED_COMPRESSION: string[];
}

/**
 * Everything ssh2 can speak on this Node, strongest first. Its defaults omit
 * group1-sha1, 3des-cbc, hmac-md5, ssh-dss…; an auditor must reach the old
 * devices that offer nothing else. The lists live in ssh2's constants module
 * (not in its typed API), read once here.
 */
export const SSH2_SUPPORTED: Ssh2Lists = createRequire(import.meta.url)('ssh2/lib/protocol/constants.js') as Ssh2Lists;

function fullAlgorithms(serverHostKey: readonly string[]): NonNullable<ConnectConfig['algorithms']> {
  return {
    kex: SSH2_SUPPORTED.SUPPORTED_KEX,
    serverHostKey: [...serverHostKey],
    cipher: SSH2_SUPPORTED.SUPPORTED_CIPHER,
    hmac: SSH2_SUPPORTED.SUPPORTED_MAC,
    compress: SSH2_SUPPORTED.SUPPORTED_COMPRESSION,
  } as NonNullable<ConnectConfig['algorithms']>;
}

/** Host key algorithms grouped by the key they need: one key per family. */
export function hostKeyFamily(algorithm: string): string | undefined {
  if (algorithm === 'ssh-rsa' || algorithm === 'rsa-sha2-256' || algorithm === 'rsa-sha2-512') return 'rsa';
  if (algorithm === 'ssh-dss') return 'dsa';
  if (algorithm === 'ssh-ed25519') return 'ed25519';
  const ec = /^ecdsa-sha2-(nistp\d+)$/.exec(algorithm);
  if (ec) return `ecdsa-${ec[1]}`;
  return undefined;
}

/** Families offered by the server that ssh2 can fetch, in the server's order, each with ssh2's algorithms for it. */
export function fetchableFamilies(offered: readonly string[]): { family: string; algorithms: string[] }[] {
  const out: { family: string; algorithms: string[] }[] = [];
  for (const name of offered) {
    const family = hostKeyFamily(name);
    if (!family || out.some((f) => f.family === family)) continue;
    // ssh2's order within the family (rsa-sha2-512 before ssh-rsa), restricted to what the server offers.
    const algorithms = SSH2_SUPPORTED.SUPPORTED_SERVER_HOST_KEY.filter((a) => hostKeyFamily(a) === family && offered.includes(a));
    if (algorithms.length) out.push({ family, algorithms });
  }
  return out;
}

/** Why ssh2 cannot complete a handshake with these lists, if it cannot. */
export function ssh2Mismatch(k: KexinitLists): string | undefined {
  const common = (offered: string[], supported: string[]) => offered.some((a) => supported.includes(a));
  if (!common(k.kex, SSH2_SUPPORTED.SUPPORTED_KEX)) return 'no key exchange method in common with ssh2';
  if (!fetchableFamilies(k.hostKey).length) return 'no host key algorithm in common with ssh2';
  if (!common(k.encC2S, SSH2_SUPPORTED.SUPPORTED_CIPHER) || !common(k.encS2C, SSH2_SUPPORTED.SUPPORTED_CIPHER)) return 'no cipher in common with ssh2';
  const aead = (l: string[]) => l.every((c) => /gcm|chacha20-poly1305/.test(c));
  const macOk = (enc: string[], mac: string[]) => common(mac, SSH2_SUPPORTED.SUPPORTED_MAC) || aead(enc.filter((c) => SSH2_SUPPORTED.SUPPORTED_CIPHER.includes(c)));
  if (!macOk(k.encC2S, k.macC2S) || !macOk(k.encS2C, k.macS2C)) return 'no MAC in common with ssh2';
  if (!common(k.compC2S, SSH2_SUPPORTED.SUPPORTED_COMPRESSION) || !common(k.compS2C, SSH2_SUPPORTED.SUPPORTED_COMPRESSION)) return 'no compression method in common with ssh2';
  return undefined;
}

interface SessionResult {
  key?: Buffer;
  negotiated?: NegotiatedAlgorithms;
  methods?: string[];
  noneAccepted?: boolean;
  banner?: string;
  error?: Error;
}

/**
 * One ssh2 session over a Net connection. With `auth`, it sends `none` and
 * records the methods listed; without, it leaves at host key verification.
 */
function ssh2Session(ctx: ScanContext, host: string, port: number, opts: { serverHostKey: string[]; auth: boolean; timeoutMs: number }): Promise<SessionResult> {
  return ctx.net.withConnection(host, port, { maxBytes: SESSION_MAX_BYTES }, (conv) =>
    new Promise<SessionResult>((resolve) => {
      const client = new Client();
      const out: SessionResult = {};
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error && !(out.key && !opts.auth) && !out.methods && !out.noneAccepted) out.error = error;
        client.removeAllListeners();
        client.on('error', () => undefined);
        client.end();
        resolve(out);
      };
      const timer = setTimeout(() => finish(new ProbeTimeout(`SSH handshake with ${host}:${port} took longer than ${opts.timeoutMs} ms`)), opts.timeoutMs);
      client.on('handshake', (n) => (out.negotiated = n));
      client.on('banner', (message: string) => {
        const text = oneLine(message, 300);
        if (text) out.banner = text;
      });
      client.on('ready', () => {
        // The `none` request was accepted: the server asks for no authentication at all.
        out.noneAccepted = true;
        finish();
      });
      client.on('error', (err) => finish(err));
      client.on('close', () => finish(new Error(`connection closed by ${host}:${port} during the SSH handshake`)));
      client.connect({
        sock: conv.socket,
        username: PROBE_USER,
        ident: CLIENT_SOFTWARE,
        readyTimeout: opts.timeoutMs,
        algorithms: fullAlgorithms(opts.serverHostKey),
        hostVerifier: (key: Buffer) => {
          out.key = Buffer.from(key);
          if (!opts.auth) {
            // The key is all this session is for: leave before any authentication.
            setImmediate(() => finish());
            return false;
          }
          return true;
        },
        authHandler: (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next: (a: false | { type: 'none'; username: string }) => void) => {
          if (methodsLeft === null) return next({ type: 'none', username: PROBE_USER });
          out.methods = [...methodsLeft].slice(0, 16).map((m) => oneLine(String(m), 64) ?? '?');
          finish();
          return next(false);
        },
      } as ConnectConfig);
    }),
  );
}

function hostKeyOf(key: Buffer, algorithm: string): SshHostKey {
  const d = describeHostKeyBlob(key);
  const k: SshHostKey = { type: d.type, fingerprint: sha256Fingerprint(key), algorithm };
  if (d.bits !== undefined) k.bits = d.bits;
  return k;
}

function identificationData(hello: ServerHello): SshIdentificationData {
  const { ident } = hello;
  const d: SshIdentificationData = { raw: ident.raw, protoVersion: ident.protoVersion, software: ident.software };
  if (ident.comments) d.comments = ident.comments;
  if (ident.product) d.product = ident.product;
  if (ident.version) d.version = ident.version;
  if (ident.preamble.length) d.preamble = ident.preamble;
  return d;
}

function describeLists(k: KexinitLists): string {
  const l = (name: string, v: string[]) => `${name}: ${v.join(',') || '(empty)'}`;
  return [
    l('kex', k.kex),
    l('hostkey', k.hostKey),
    l('enc c2s', k.encC2S),
    k.encS2C.join() === k.encC2S.join() ? '' : l('enc s2c', k.encS2C),
    l('mac c2s', k.macC2S),
    k.macS2C.join() === k.macC2S.join() ? '' : l('mac s2c', k.macS2C),
    l('comp', k.compC2S),
  ]
    .filter(Boolean)
    .join('\n');
}

export const sshScanner: Scanner = {
  id: ID,
  description: 'SSH identification, KEXINIT lists as offered, authentication methods, host keys',
  appliesTo: (s: Service) => s.kind === 'ssh' && s.proto === 'tcp',
  async collect(ctx, host, service) {
    const where = { port: service.port, proto: service.proto };
    const facts: Fact[] = [];
    const clientIdent = `SSH-2.0-${CLIENT_SOFTWARE}`;
    const hello = await ctx.net.withConnection(host.address, service.port, { maxBytes: HELLO_MAX_BYTES }, (conv) =>
      readServerHello(conv, { clientIdent, timeoutMs: ctx.net.readTimeoutMs }),
    );
    facts.push(serviceFact(ID, 'ssh.identification', host.address, where, { ...identificationData(hello) }, { sent: clientIdent, received: hello.ident.raw }));
    const k = hello.kexinit;
    if (!k) {
      ctx.warn(host.address, ID, `SSH protocol ${hello.ident.protoVersion} only: no SSH-2 key exchange to read`, { port: service.port, code: 'ESSH_V1' });
      return facts;
    }
    const kexData: SshKexinitData = { ...k, packetLength: hello.packetLength ?? 0 };
    facts.push(
      serviceFact(ID, 'ssh.kexinit', host.address, where, { ...kexData }, {
        sent: clientIdent,
        received: trimEvidence(`${hello.ident.raw}\nSSH_MSG_KEXINIT (${kexData.packetLength} bytes)\n${describeLists(k)}`, 2048),
      }),
    );
    // Passive mode stops at what the server says unasked (its greeting and offer).
    if (ctx.mode === 'passive') return facts;

    const mismatch = ssh2Mismatch(k);
    if (mismatch) {
      ctx.warn(host.address, ID, `authentication methods and host keys not read: ${mismatch}`, { port: service.port, code: 'ESSH_NEGOTIATION' });
      return facts;
    }
    const families = fetchableFamilies(k.hostKey);
    const timeoutMs = ctx.net.connectTimeoutMs + 2 * ctx.net.readTimeoutMs;
    const keys: SshHostKey[] = [];
    const missing: { family: string; reason: string }[] = [];

    const first = families[0]!;
    const auth = await ssh2Session(ctx, host.address, service.port, { serverHostKey: first.algorithms, auth: true, timeoutMs }).catch((err: Error) => ({ error: err }) as SessionResult);
    if (auth.key) keys.push(hostKeyOf(auth.key, auth.negotiated?.serverHostKey ?? first.algorithms[0]!));
    else missing.push({ family: first.family, reason: auth.error ? errorMessage(auth.error).slice(0, 160) : 'no key received' });
    if (auth.methods || auth.noneAccepted) {
      const data: SshAuthMethodsData = { user: PROBE_USER, methods: auth.methods ?? [], noneAccepted: !!auth.noneAccepted };
      if (auth.banner) data.banner = auth.banner;
      facts.push(
        serviceFact(ID, 'ssh.auth-methods', host.address, where, { ...data }, {
          sent: `SSH_MSG_USERAUTH_REQUEST user "${PROBE_USER}" method "none"`,
          received: auth.noneAccepted ? 'SSH_MSG_USERAUTH_SUCCESS (no authentication required)' : `SSH_MSG_USERAUTH_FAILURE; methods that can continue: ${data.methods.join(',')}`,
        }),
      );
    } else {
      ctx.warn(host.address, ID, `authentication methods not read: ${auth.error ? errorMessage(auth.error) : 'no answer to the none request'}`, { port: service.port, code: errorCode(auth.error) ?? 'ESSH_AUTH' });
    }

    // Only go on when the first session worked: a device that fails one handshake fails the next.
    if (auth.key) {
      for (const f of families.slice(1, 1 + MAX_KEY_HANDSHAKES)) {
        if (ctx.signal.aborted) break;
        const r = await ssh2Session(ctx, host.address, service.port, { serverHostKey: f.algorithms, auth: false, timeoutMs }).catch((err: Error) => ({ error: err }) as SessionResult);
        if (r.key) keys.push(hostKeyOf(r.key, r.negotiated?.serverHostKey ?? f.algorithms[0]!));
        else missing.push({ family: f.family, reason: r.error ? errorMessage(r.error).slice(0, 160) : 'no key received' });
      }
    } else {
      for (const f of families.slice(1)) missing.push({ family: f.family, reason: 'not tried: the first handshake failed' });
    }
    if (keys.length) {
      const data: SshHostKeyData = { keys };
      if (missing.length) data.missing = missing;
      facts.push(
        serviceFact(ID, 'ssh.hostkey', host.address, where, { ...data }, {
          note: `${keys.length} host key(s) read through key exchange`,
          received: keys.map((x) => `${x.type}${x.bits ? ` ${x.bits} bits` : ''} ${x.fingerprint}`).join('\n'),
        }),
      );
    } else {
      ctx.warn(host.address, ID, `host key not read: ${missing.map((m) => `${m.family}: ${m.reason}`).join('; ')}`, { port: service.port, code: 'ESSH_HOSTKEY' });
    }
    return facts;
  },
};

// ——— credential protocol ———

/** Words a device uses when it is refusing logins for a while. */
const LOCKOUT_WORDS = /\b(locked|lockout|too many|temporar(il)?y (blocked|disabled|banned)|banned|try again later)\b/i;

/**
 * Password and keyboard-interactive logins over SSH, one attempt per call:
 * `none` first to learn the methods (it is not a failed login), then ONE of
 * password (preferred) or keyboard-interactive. Success is the server's
 * USERAUTH_SUCCESS: the connection is closed at once, no channel is opened.
 */
export const sshPasswordProtocol: CredentialProtocol = {
  id: 'ssh',
  attempt(ctx: ScanContext, host: string, service: Service, credential: Credential): Promise<AttemptOutcome> {
    const secrets = [credential.password];
    const timeoutMs = ctx.net.connectTimeoutMs + 2 * ctx.net.readTimeoutMs;
    const clean = (text: string) => redact(text, secrets);
    const run = ctx.net.withConnection(host, service.port, { maxBytes: SESSION_MAX_BYTES }, (conv) =>
      new Promise<AttemptOutcome>((resolve) => {
        const client = new Client();
        let settled = false;
        let method: 'password' | 'keyboard-interactive' | undefined;
        let listed: string[] | undefined;
        let sawIdent = false;
        let serverText = '';
        const sent = () => `SSH_MSG_USERAUTH_REQUEST user "${credential.user}" method "${method ?? 'none'}" (password not shown)`;
        const finish = (o: AttemptOutcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          client.removeAllListeners();
          client.on('error', () => undefined);
          client.end();
          if (o.evidence) {
            for (const k of ['sent', 'received', 'note'] as const) {
              const v = o.evidence[k];
              if (v !== undefined) o.evidence[k] = trimEvidence(clean(v), 600)!;
            }
          }
          if (o.reason) o.reason = clean(o.reason);
          resolve(o);
        };
        const timer = setTimeout(() => finish({ result: 'unknown', reason: `no answer within ${timeoutMs} ms`, evidence: { sent: sent() } }), timeoutMs);
        client.on('greeting', () => (sawIdent = true));
        client.on('handshake', () => (sawIdent = true));
        client.on('banner', (message: string) => (serverText += `${message}\n`));
        client.on('ready', () => {
          if (!method) {
            finish({ result: 'unknown', reason: 'the server accepts this user with no authentication at all (none method): the password proves nothing', evidence: { sent: sent(), received: 'SSH_MSG_USERAUTH_SUCCESS' } });
            return;
          }
          finish({ result: 'accepted', evidence: { sent: sent(), received: 'SSH_MSG_USERAUTH_SUCCESS; connection closed at once, no channel opened' } });
        });
        client.on('error', (err: Error & { level?: string }) => {
          const code = errorCode(err);
          if (err.level === 'client-authentication') {
            const lockout = LOCKOUT_WORDS.test(serverText);
            finish({
              result: lockout ? 'lockout' : 'rejected',
              ...(lockout ? { reason: `the server says: ${oneLine(serverText, 160)}` } : {}),
              evidence: { sent: sent(), received: `SSH_MSG_USERAUTH_FAILURE; methods that can continue: ${(listed ?? []).join(',')}` },
            });
            return;
          }
          if (!sawIdent && (code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE')) {
            finish({ result: 'lockout', reason: `connection ${code === 'ECONNREFUSED' ? 'refused' : 'reset'} before the SSH handshake: the device may be refusing connections after failures`, evidence: { sent: 'TCP connect' } });
            return;
          }
          if (LOCKOUT_WORDS.test(err.message)) {
            finish({ result: 'lockout', reason: oneLine(err.message, 160) ?? 'refused', evidence: { sent: sent() } });
            return;
          }
          finish({ result: 'unknown', reason: oneLine(err.message, 160) ?? 'SSH error', evidence: { sent: sent() } });
        });
        client.on('close', () => {
          const reason = sawIdent ? 'connection closed during the SSH exchange' : 'connection closed before the SSH identification: the device may be refusing connections after failures';
          finish({ result: sawIdent ? 'unknown' : 'lockout', reason, evidence: { sent: sent() } });
        });
        client.connect({
          sock: conv.socket,
          username: credential.user,
          ident: CLIENT_SOFTWARE,
          readyTimeout: timeoutMs,
          algorithms: fullAlgorithms(SSH2_SUPPORTED.SUPPORTED_SERVER_HOST_KEY),
          hostVerifier: () => {
            sawIdent = true;
            return true;
          },
          authHandler: (methodsLeft: AuthenticationType[] | null, partial: boolean | null, next: (a: unknown) => void) => {
            if (methodsLeft === null) return next({ type: 'none', username: credential.user });
            listed = [...methodsLeft].map(String).slice(0, 16);
            if (method && partial) {
              // The password was right, and the server wants a second factor too.
              finish({ result: 'accepted', evidence: { sent: sent(), received: `SSH_MSG_USERAUTH_FAILURE with partial success; still required: ${listed.join(',')}`, note: 'password accepted as a first factor' } });
              return next(false);
            }
            if (method) return next(false);
            if (listed.includes('password')) {
              method = 'password';
              return next({ type: 'password', username: credential.user, password: credential.password });
            }
            if (listed.includes('keyboard-interactive')) {
              method = 'keyboard-interactive';
              return next({
                type: 'keyboard-interactive',
                username: credential.user,
                prompt: (_name: string, instructions: string, _lang: string, prompts: { prompt: string; echo?: boolean }[], answer: (r: string[]) => void) => {
                  serverText += `${instructions}\n${prompts.map((p) => p.prompt).join('\n')}\n`;
                  if (LOCKOUT_WORDS.test(serverText)) {
                    finish({ result: 'lockout', reason: `the server says: ${oneLine(serverText, 160)}`, evidence: { sent: sent() } });
                    return answer([]);
                  }
                  // Echoed prompts ask for the user name, hidden ones for the secret.
                  answer(prompts.map((p) => (p.echo ? credential.user : credential.password)));
                },
              });
            }
            finish({ result: 'unknown', reason: `the server offers neither password nor keyboard-interactive (methods: ${listed.join(',') || 'none'})`, evidence: { sent: sent(), received: `SSH_MSG_USERAUTH_FAILURE; methods that can continue: ${listed.join(',')}` } });
            return next(false);
          },
        } as ConnectConfig);
      }),
    );
    return run.catch((err: unknown): AttemptOutcome => {
      const code = errorCode(err);
      if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return { result: 'lockout', reason: clean(`connection ${code === 'ECONNREFUSED' ? 'refused' : 'reset'}: the device may be refusing connections after failures`) };
      return { result: 'unknown', reason: clean(errorMessage(err)).slice(0, 200) };
    });
  },
};

/**
 * SSH services of a host worth a password attempt: those whose `none`
 * request listed password or keyboard-interactive. For the credential engine
 * (the same shape as its targets), so a publickey-only server costs nothing.
 */
export function sshCredentialTargets(host: { address: string; services: readonly Service[]; facts: readonly Fact[] }): { protocol: CredentialProtocol; service: Service; where: string }[] {
  const out: { protocol: CredentialProtocol; service: Service; where: string }[] = [];
  for (const f of host.facts) {
    if (f.type !== 'ssh.auth-methods') continue;
    const d = f.data as unknown as SshAuthMethodsData;
    const service = host.services.find((s) => s.port === f.port && s.proto === 'tcp');
    if (service && !d.noneAccepted && d.methods.some((m) => m === 'password' || m === 'keyboard-interactive')) {
      out.push({ protocol: sshPasswordProtocol, service, where: `ssh://${host.address}:${service.port}` });
    }
  }
  return out;
}
