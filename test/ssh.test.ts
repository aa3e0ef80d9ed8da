/**
 * SSH: the transport parser on malformed input, the algorithm database, each
 * ssh.* check firing and not firing over real sockets against the simulated
 * SSH devices (ssh2 servers), hostile SSH peers, and the password credential
 * protocol counted from the device's side.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsOf, groundTruth, scanSite, startSite, type RunningSite } from './helpers.ts';
import type { Fact, Result, Service } from '../src/core/model.ts';
import { Net } from '../src/core/net.ts';
import { Scope } from '../src/core/scope.ts';
import type { ScanContext } from '../src/core/scanner.ts';
import { LAB_SECRETS } from '../src/lab/secrets.ts';
import { sshLabStats } from '../src/lab/devices/ssh.ts';
import { CHECKS } from '../src/checks/index.ts';
import type { HostCheck, HostView } from '../src/checks/types.ts';
import { SSH_ALGORITHMS, sshAlgorithm, weakOffered } from '../src/checks/ssh/algorithms.ts';
import { compareVersions } from '../src/checks/ssh/common.ts';
import { terrapinExposure } from '../src/checks/ssh/terrapin.ts';
import { PROBE_USER, SSH2_SUPPORTED, sshCredentialTargets, sshPasswordProtocol, sshScanner } from '../scanners/ssh.ts';
import {
  buildKexinit,
  findIdentification,
  framePacket,
  MAX_IDENT_LINE,
  MAX_PACKET_LENGTH,
  MAX_PREAMBLE_BYTES,
  parseKexinit,
  readPlainPacket,
  SshTransportError,
  splitSoftware,
  type KexinitLists,
} from '../scanners/lib/ssh-transport.ts';

const LISTS: KexinitLists = {
  kex: ['curve25519-sha256', 'kex-strict-s-v00@openssh.com'],
  hostKey: ['ssh-ed25519', 'rsa-sha2-512'],
  encC2S: ['aes256-gcm@openssh.com'],
  encS2C: ['aes256-gcm@openssh.com', 'aes128-ctr'],
  macC2S: ['hmac-sha2-256-etm@openssh.com'],
  macS2C: ['hmac-sha2-256-etm@openssh.com'],
  compC2S: ['none'],
  compS2C: ['none', 'zlib@openssh.com'],
  langC2S: [],
  langS2C: [],
  firstKexPacketFollows: false,
};

function transportError(fn: () => unknown): SshTransportError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SshTransportError) return err;
    throw err;
  }
  throw new Error('expected an SshTransportError');
}

describe('identification line', () => {
  it('reads the line after other lines, with CRLF or LF', () => {
    const r = findIdentification(Buffer.from('Welcome\r\nauthorised use only\nSSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n\x00\x00\x01'));
    expect(r?.ident).toMatchObject({ protoVersion: '2.0', software: 'OpenSSH_9.2p1', comments: 'Debian-2+deb12u3', product: 'OpenSSH', version: '9.2p1', preamble: ['Welcome', 'authorised use only'] });
    expect(r?.consumed).toBe(Buffer.byteLength('Welcome\r\nauthorised use only\nSSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
    expect(findIdentification(Buffer.from('SSH-1.99-Cisco-1.25\n'))?.ident).toMatchObject({ protoVersion: '1.99', product: 'Cisco', version: '1.25' });
  });
  it('waits for more bytes while the line is incomplete', () => {
    expect(findIdentification(Buffer.from('SSH-2.0-dropb'))).toBeUndefined();
    expect(findIdentification(Buffer.from(''))).toBeUndefined();
  });
  it('fails on an identification line without end (typed error, not a hang)', () => {
    const e = transportError(() => findIdentification(Buffer.from(`SSH-2.0-${'A'.repeat(MAX_IDENT_LINE)}`)));
    expect(e.code).toBe('ESSH_IDENT');
  });
  it('fails past 100 KB of other lines, and on 100 KB without any end of line', () => {
    expect(transportError(() => findIdentification(Buffer.alloc(MAX_PREAMBLE_BYTES + 200, 'junk line\n'))).code).toBe('ESIZE');
    expect(transportError(() => findIdentification(Buffer.alloc(MAX_PREAMBLE_BYTES + 1, 'A'))).code).toBe('ESIZE');
  });
  it.each(['SSH-2.0-', 'SSH-2.0', 'SSH--x', 'SSH-2.0- comment-only'])('rejects the malformed line %j', (line) => {
    expect(transportError(() => findIdentification(Buffer.from(`${line}\r\n`))).code).toBe('ESSH_IDENT');
  });
  it.each([
    ['OpenSSH_9.2p1', 'OpenSSH', '9.2p1'],
    ['dropbear_2014.63', 'dropbear', '2014.63'],
    ['libssh_0.9.6', 'libssh', '0.9.6'],
    ['Cisco-1.25', 'Cisco', '1.25'],
    ['ROSSSH', 'ROSSSH', undefined],
  ])('splits %s into product and version', (software, product, version) => {
    expect(splitSoftware(software)).toEqual(version ? { product, version } : { product });
  });
  it.each([
    ['8.9p1', '9.0', -1],
    ['9.2p1', '9.0', 1],
    ['9.0', '9.0', 0],
    ['2014.63', '2022.83', -1],
    ['2024.86', '2022.83', 1],
  ])('compares versions %s vs %s', (a, b, sign) => expect(compareVersions(a, b)).toBe(sign));
});

describe('binary packet and KEXINIT', () => {
  it('round-trips the ten name-lists and first_kex_packet_follows', () => {
    const packet = framePacket(buildKexinit({ ...LISTS, firstKexPacketFollows: true }));
    const p = readPlainPacket(packet)!;
    expect(p.consumed).toBe(packet.length);
    expect(parseKexinit(p.payload)).toEqual({ ...LISTS, firstKexPacketFollows: true });
  });
  it('waits while the packet is truncated, at every length', () => {
    const packet = framePacket(buildKexinit(LISTS));
    for (let n = 0; n < packet.length; n++) expect(readPlainPacket(packet.subarray(0, n))).toBeUndefined();
  });
  it('refuses a packet_length above 35000 before reading it', () => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(MAX_PACKET_LENGTH + 1);
    expect(transportError(() => readPlainPacket(head)).code).toBe('ESIZE');
    head.writeUInt32BE(0xffffffff);
    expect(transportError(() => readPlainPacket(head)).code).toBe('ESIZE');
  });
  it('refuses padding that leaves no payload', () => {
    const bad = Buffer.from([0, 0, 0, 8, 9, 20, 0, 0, 0, 0, 0, 0]);
    expect(transportError(() => readPlainPacket(bad)).code).toBe('ESSH_PACKET');
  });
  it('throws a typed error on every truncation of a KEXINIT payload', () => {
    const payload = buildKexinit(LISTS);
    for (let n = 0; n < payload.length; n++) expect(transportError(() => parseKexinit(payload.subarray(0, n))).code).toMatch(/^ESSH_PACKET|ESIZE$/);
  });
  it('refuses a list longer than its packet, non-printable names, empty names, another message', () => {
    const payload = Buffer.from(buildKexinit(LISTS));
    const tooLong = Buffer.from(payload);
    tooLong.writeUInt32BE(0x7fffffff, 17);
    expect(transportError(() => parseKexinit(tooLong)).message).toMatch(/claims/);
    const nonPrintable = buildKexinit({ ...LISTS, kex: ['curve25519-sha256\u0007'] });
    expect(transportError(() => parseKexinit(nonPrintable)).message).toMatch(/non-printable/);
    const empty = buildKexinit({ ...LISTS, kex: ['a', '', 'b'] });
    expect(transportError(() => parseKexinit(empty)).message).toMatch(/empty name/);
    const other = Buffer.from(payload);
    other[0] = 21;
    expect(transportError(() => parseKexinit(other)).message).toMatch(/expected SSH_MSG_KEXINIT/);
  });
  it('never crashes on garbage: a parse or a typed error, nothing else', () => {
    for (let i = 0; i < 500; i++) {
      const junk = randomBytes(1 + (i % 300));
      if (i % 2) junk[0] = 20;
      try {
        parseKexinit(junk);
      } catch (err) {
        expect(err).toBeInstanceOf(SshTransportError);
      }
      try {
        readPlainPacket(junk);
      } catch (err) {
        expect(err).toBeInstanceOf(SshTransportError);
      }
    }
  });
});

describe('algorithm database', () => {
  it('has one row per kind and name, each with reasons in both languages', () => {
    const keys = SSH_ALGORITHMS.map((a) => `${a.kind}/${a.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const a of SSH_ALGORITHMS) {
      expect(a.reason.en.length).toBeGreaterThan(5);
      expect(a.reason.fr.length).toBeGreaterThan(5);
      expect(a.reason.fr).not.toBe(a.reason.en);
    }
  });
  it.each(['sntrup761x25519-sha512@openssh.com', 'mlkem768x25519-sha256', 'kex-strict-s-v00@openssh.com', 'ext-info-s', 'x448-unknown-hybrid@example.org'])('never grades %s as weak', (name) => {
    expect(weakOffered('kex', [name])).toEqual([]);
  });
  it('grades what CHECKS.md lists as weak', () => {
    const weak = (kind: Parameters<typeof weakOffered>[0], names: string[]) => weakOffered(kind, names).map((w) => w.name);
    const kex = ['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'rsa1024-sha1'];
    expect(weak('kex', kex)).toEqual(kex);
    const ciphers = ['aes128-cbc', 'aes256-cbc', '3des-cbc', 'arcfour', 'arcfour256', 'blowfish-cbc', 'cast128-cbc', 'none'];
    expect(weak('cipher', ciphers)).toEqual(ciphers);
    const macs = ['hmac-md5', 'hmac-md5-96', 'hmac-sha1', 'hmac-sha1-96', 'umac-64@openssh.com', 'hmac-sha2-256-96'];
    expect(weak('mac', macs)).toEqual(macs);
    expect(weak('hostkey', ['ssh-rsa', 'ssh-dss'])).toEqual(['ssh-rsa', 'ssh-dss']);
    expect(weak('kex', ['gss-group1-sha1-toWM5Slw5Ew8Mqkay+al2g=='])).toEqual(['gss-group1-sha1-toWM5Slw5Ew8Mqkay+al2g==']);
  });
  it('keeps what a hardened server offers out of every finding', () => {
    expect(weakOffered('kex', ['curve25519-sha256', 'diffie-hellman-group16-sha512', 'diffie-hellman-group-exchange-sha256'])).toEqual([]);
    expect(weakOffered('cipher', ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr'])).toEqual([]);
    expect(weakOffered('mac', ['hmac-sha2-256-etm@openssh.com', 'umac-128-etm@openssh.com', 'umac-64-etm@openssh.com'])).toEqual([]);
    expect(weakOffered('hostkey', ['ssh-ed25519', 'rsa-sha2-512', 'ecdsa-sha2-nistp256'])).toEqual([]);
  });
  it('lets a profile deny the NIST curves or allow a name', () => {
    expect(sshAlgorithm('kex', 'ecdh-sha2-nistp256')?.grade).toBe('info');
    expect(weakOffered('kex', ['ecdh-sha2-nistp256'], { deny: ['ecdh-sha2-nistp256'] }).map((w) => w.name)).toEqual(['ecdh-sha2-nistp256']);
    expect(weakOffered('kex', ['diffie-hellman-group14-sha1'], { allow: ['diffie-hellman-group14-sha1'] })).toEqual([]);
  });
  it('covers every algorithm ssh2 can negotiate (the lab and the scanner speak them)', () => {
    const unknown = [
      ...SSH2_SUPPORTED.SUPPORTED_KEX.filter((n) => !sshAlgorithm('kex', n)),
      ...SSH2_SUPPORTED.SUPPORTED_CIPHER.filter((n) => !sshAlgorithm('cipher', n)),
      ...SSH2_SUPPORTED.SUPPORTED_MAC.filter((n) => !sshAlgorithm('mac', n)),
      ...SSH2_SUPPORTED.SUPPORTED_SERVER_HOST_KEY.filter((n) => !sshAlgorithm('hostkey', n)),
    ];
    expect(unknown).toEqual([]);
    // The full lists are what reaches old devices: ssh2's defaults leave these out.
    expect(SSH2_SUPPORTED.SUPPORTED_KEX).toContain('diffie-hellman-group1-sha1');
    expect(SSH2_SUPPORTED.SUPPORTED_CIPHER).toContain('3des-cbc');
    expect(SSH2_SUPPORTED.SUPPORTED_MAC).toContain('hmac-md5');
    expect(SSH2_SUPPORTED.SUPPORTED_SERVER_HOST_KEY).toContain('ssh-dss');
  });
});

// ——— checks over facts (the rules at their edges) ———

function check(id: string): HostCheck {
  return CHECKS.find((c) => c.meta.id === id) as HostCheck;
}

function hostWith(data: { kexinit?: Partial<KexinitLists>; auth?: { methods: string[]; noneAccepted?: boolean }; software?: string }): HostView {
  const service: Service = { port: 22, proto: 'tcp', kind: 'ssh', tls: false };
  const facts: Fact[] = [];
  const at = { host: '127.42.250.10', port: 22, proto: 'tcp' as const, scanner: 'ssh' };
  if (data.kexinit) facts.push({ ...at, type: 'ssh.kexinit', data: { ...LISTS, ...data.kexinit, packetLength: 300 } });
  if (data.auth) facts.push({ ...at, type: 'ssh.auth-methods', data: { user: PROBE_USER, noneAccepted: false, ...data.auth } });
  if (data.software) {
    const s = splitSoftware(data.software);
    facts.push({ ...at, type: 'ssh.identification', data: { raw: `SSH-2.0-${data.software}`, protoVersion: '2.0', software: data.software, ...s } });
  }
  return { address: at.host, class: 'camera', services: [service], facts };
}

function kinds(id: string, host: HostView, params: Record<string, unknown> = {}): string[] {
  return check(id)
    .evaluate(host, params)
    .map((o) => o.kind);
}

describe('ssh checks on facts', () => {
  it.each([
    ['chacha20-poly1305 without the marker', { encC2S: ['chacha20-poly1305@openssh.com'], kex: ['curve25519-sha256'] }, ['finding']],
    ['CBC with an -etm MAC without the marker', { encC2S: ['aes128-cbc'], macS2C: ['hmac-sha2-256-etm@openssh.com'], kex: ['curve25519-sha256'] }, ['finding']],
    ['chacha20-poly1305 with the strict-kex marker', { encC2S: ['chacha20-poly1305@openssh.com'], kex: ['curve25519-sha256', 'kex-strict-s-v00@openssh.com'] }, []],
    ['CBC with non-etm MACs only', { encC2S: ['aes128-cbc'], encS2C: ['aes128-cbc'], macC2S: ['hmac-sha1'], macS2C: ['hmac-sha1'], kex: ['curve25519-sha256'] }, []],
    ['GCM and CTR only', { encC2S: ['aes256-gcm@openssh.com', 'aes128-ctr'], kex: ['curve25519-sha256'] }, []],
  ])('ssh.terrapin: %s', (_name, kexinit, expected) => {
    expect(kinds('ssh.terrapin', hostWith({ kexinit }))).toEqual(expected);
  });
  it('ssh.terrapin names the cause', () => {
    expect(terrapinExposure({ kex: [], encC2S: ['aes128-cbc'], encS2C: [], macC2S: ['hmac-sha1-etm@openssh.com'], macS2C: [] })).toMatch(/CBC \(aes128-cbc\) with encrypt-then-MAC/);
  });
  it.each([
    [['publickey'], []],
    [['publickey', 'password'], ['finding']],
    [['keyboard-interactive'], ['finding']],
    [['publickey', 'gssapi-with-mic'], []],
  ])('ssh.password-auth with methods %j', (methods, expected) => {
    expect(kinds('ssh.password-auth', hostWith({ auth: { methods } }))).toEqual(expected);
  });
  it('ssh.password-auth cannot conclude when none was accepted or the methods are unknown', () => {
    expect(kinds('ssh.password-auth', hostWith({ auth: { methods: [], noneAccepted: true } }))).toEqual(['not-evaluated']);
    expect(kinds('ssh.password-auth', hostWith({}))).toEqual(['not-evaluated']);
  });
  it('ssh.weak-kex: post-quantum hybrids and markers alone raise nothing; the NIST deny list is honoured', () => {
    const kex = ['mlkem768x25519-sha256', 'sntrup761x25519-sha512@openssh.com', 'curve25519-sha256', 'ecdh-sha2-nistp256', 'ext-info-s', 'kex-strict-s-v00@openssh.com'];
    expect(kinds('ssh.weak-kex', hostWith({ kexinit: { kex } }))).toEqual([]);
    expect(kinds('ssh.weak-kex', hostWith({ kexinit: { kex } }), { deny: ['ecdh-sha2-nistp256'] })).toEqual(['finding']);
    expect(kinds('ssh.weak-kex', hostWith({}))).toEqual(['not-evaluated']);
  });
  const minimum = { minimum: { OpenSSH: '9.0', dropbear: '2022.83' } };
  it.each([
    ['OpenSSH_8.9p1', ['finding']],
    ['OpenSSH_9.0', []],
    ['OpenSSH_9.9p2', []],
    ['dropbear_2014.63', ['finding']],
    ['dropbear_2022.83', []],
    ['Dropbear_2020.81', ['finding']],
    ['libssh_0.9.6', ['not-evaluated']],
    ['dropbear', ['not-evaluated']],
  ])('ssh.outdated-software: %s', (software, expected) => {
    expect(kinds('ssh.outdated-software', hostWith({ software }), minimum)).toEqual(expected);
  });
});

// ——— over real sockets ———

const DEVICES = [
  { name: 'legacy', personality: 'legacy-ssh' },
  { name: 'modern', personality: 'modern-ssh' },
  { name: 'unpatched', personality: 'unpatched-ssh' },
  { name: 'factory-a', personality: 'legacy-ssh-factory-key' },
  { name: 'factory-b', personality: 'legacy-ssh-factory-key' },
  { name: 'hostile', personality: 'ssh-hostile' },
];

let site: RunningSite;
let result: Result;
const device = (name: string) => site.devices.find((d) => d.name === name)!;
const addr = (name: string) => device(name).address;

function context(opts: { readTimeoutMs?: number; mode?: ScanContext['mode'] } = {}): { ctx: ScanContext; warnings: string[]; net: Net } {
  const warnings: string[] = [];
  const net = new Net({ scope: Scope.parse([`127.42.${site.block}.0/24`]), connectTimeoutMs: 1000, readTimeoutMs: opts.readTimeoutMs ?? 1500 });
  const ctx: ScanContext = { net, mode: opts.mode ?? 'safe', signal: new AbortController().signal, params: {}, warn: (_h, _s, message, o) => warnings.push(`${o?.code ?? ''} ${message}`) };
  return { ctx, warnings, net };
}

const sshService = (name: string, service = 'ssh'): Service => ({ port: device(name).ports[service]!, proto: 'tcp', kind: 'ssh', tls: false });

beforeAll(async () => {
  site = await startSite(DEVICES);
  result = await scanSite(site);
});
afterAll(async () => site?.stop());

describe.each([
  { check: 'ssh.weak-kex', fires: ['legacy', 'factory-a', 'factory-b'], mustNotFire: ['modern', 'unpatched'] },
  { check: 'ssh.weak-cipher', fires: ['legacy', 'factory-a'], mustNotFire: ['modern', 'unpatched'] },
  { check: 'ssh.weak-mac', fires: ['legacy', 'factory-b'], mustNotFire: ['modern', 'unpatched'] },
  { check: 'ssh.weak-hostkey', fires: ['legacy', 'factory-a'], mustNotFire: ['modern', 'unpatched'] },
  // keyboard-interactive counts as a password login (factory-*); publickey only does not.
  { check: 'ssh.password-auth', fires: ['legacy', 'factory-a'], mustNotFire: ['modern', 'unpatched'] },
  // must not fire: modern offers chacha20-poly1305 AND the strict-kex marker.
  { check: 'ssh.terrapin', fires: ['unpatched'], mustNotFire: ['modern', 'legacy'] },
  { check: 'ssh.outdated-software', fires: ['legacy', 'unpatched'], mustNotFire: ['modern'] },
  // must not fire: the legacy camera has its own key, like the modern recorder.
  { check: 'ssh.shared-hostkey', fires: ['factory-a', 'factory-b'], mustNotFire: ['legacy', 'modern', 'unpatched'] },
])('$check', ({ check: id, fires, mustNotFire }) => {
  it.each(fires)('fires on %s', (name) => {
    const found = findingsOf(result, id, addr(name));
    expect(found).toHaveLength(1);
    expect(found[0]!.port).toBe(device(name).ports.ssh);
    expect(found[0]!.references.length).toBeGreaterThan(0);
    expect(found[0]!.detail).toBeTruthy();
    expect(found[0]!.evidence?.received).toBeTruthy();
  });
  it.each(mustNotFire)('does not fire on %s', (name) => {
    expect(findingsOf(result, id, addr(name))).toEqual([]);
  });
});

describe('ssh facts and ground truth', () => {
  it.each(DEVICES)('$name: findings are exactly the expected checks', ({ name, personality }) => {
    const got = [...new Set(result.findings.filter((f) => f.host === addr(name) && f.check !== 'inventory.device').map((f) => f.check))].sort();
    // The site is scanned in mode safe: no default credential is tried (groundTruth drops the cred.* checks).
    expect(got).toEqual(groundTruth(personality, 'safe'));
  });
  it('reads the full offer, the methods and the host key of the legacy camera', () => {
    const of = (type: string) => result.facts.find((f) => f.type === type && f.host === addr('legacy'))?.data;
    expect(of('ssh.identification')).toMatchObject({ protoVersion: '2.0', software: 'dropbear_2014.63', product: 'dropbear', version: '2014.63' });
    expect(of('ssh.kexinit')).toMatchObject({
      // dropbear's kexguess2 marker (as Debian's dropbear offers it) is read, and graded as no algorithm (weak-kex names the two SHA-1 methods only).
      kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1', 'kexguess2@matt.ucc.asn.au'],
      hostKey: ['ssh-rsa'],
      encC2S: ['aes128-cbc', '3des-cbc'],
      macS2C: ['hmac-sha1', 'hmac-md5'],
      firstKexPacketFollows: false,
    });
    expect(of('ssh.auth-methods')).toEqual({ user: PROBE_USER, methods: ['publickey', 'password'], noneAccepted: false });
    expect(result.findings.find((f) => f.check === 'ssh.weak-kex' && f.host === addr('legacy'))?.detail).not.toContain('kexguess2');
    const keys = (of('ssh.hostkey') as { keys: { type: string; bits: number; fingerprint: string }[] }).keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ type: 'ssh-rsa', bits: 1024 });
    expect(keys[0]!.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
  it('sees the strict-kex marker the modern recorder offers, and its ed25519 key', () => {
    const kex = result.facts.find((f) => f.type === 'ssh.kexinit' && f.host === addr('modern'))!.data as unknown as KexinitLists;
    expect(kex.kex).toContain('kex-strict-s-v00@openssh.com');
    expect(kex.encC2S).toContain('chacha20-poly1305@openssh.com');
    const hk = result.facts.find((f) => f.type === 'ssh.hostkey' && f.host === addr('modern'))!.data;
    expect(hk).toMatchObject({ keys: [{ type: 'ssh-ed25519', bits: 256 }] });
  });
  it('never sent a password nor opened a channel while scanning', () => {
    for (const d of DEVICES.filter((x) => x.personality !== 'ssh-hostile')) {
      const stats = sshLabStats(addr(d.name));
      expect(stats.attempts).toEqual([]);
      expect(stats.sessions).toBe(0);
      expect(stats.handshakes).toBeGreaterThan(0);
    }
  });
  it('keeps the hostile ports as errors, never as findings or crashes', () => {
    const errors = result.errors.filter((e) => e.host === addr('hostile') && e.scanner === 'ssh');
    expect(errors.map((e) => e.port).sort()).toEqual([device('hostile').ports.silent, device('hostile').ports.reset, device('hostile').ports.endless].sort());
    expect(result.findings.filter((f) => f.host === addr('hostile') && f.check.startsWith('ssh.'))).toEqual([]);
    expect(result.notEvaluated.some((n) => n.host === addr('hostile') && n.check === 'ssh.weak-kex')).toBe(true);
  });
  it('offers the credential engine only the services that take passwords', () => {
    const view = (name: string) => ({ address: addr(name), services: result.hosts.find((h) => h.address === addr(name))!.services, facts: result.facts.filter((f) => f.host === addr(name)) });
    expect(sshCredentialTargets(view('legacy')).map((t) => t.where)).toEqual([`ssh://${addr('legacy')}:${device('legacy').ports.ssh}`]);
    expect(sshCredentialTargets(view('modern'))).toEqual([]);
  });
});

describe('hostile SSH peers, scanner alone', () => {
  it.each([
    ['silent', 'ETIMEDOUT'],
    ['reset', 'ESSH_CLOSED'],
    ['endless', 'ESSH_IDENT'],
    ['junk', 'ESIZE'],
  ])('%s port ends in a typed error (%s)', async (service, code) => {
    const { ctx, net } = context({ readTimeoutMs: 1200 });
    const host = { address: addr('hostile'), services: [], facts: [] };
    const err = await sshScanner.collect(ctx, host, sshService('hostile', service)).then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );
    expect(err?.code).toBe(code);
    expect(net.openSockets).toBe(0);
    await net.close();
  });
  it('reads only the greeting in passive mode', async () => {
    const { ctx, net } = context({ mode: 'passive' });
    const before = sshLabStats(addr('legacy')).handshakes;
    const facts = await sshScanner.collect(ctx, { address: addr('legacy'), services: [], facts: [] }, sshService('legacy'));
    expect(facts.map((f) => f.type)).toEqual(['ssh.identification', 'ssh.kexinit']);
    expect(sshLabStats(addr('legacy')).handshakes).toBe(before);
    await net.close();
  });
});

describe('sshPasswordProtocol, counted by the device', () => {
  const { user, password } = LAB_SECRETS.legacySsh;
  it.each([
    ['password', 'legacy'],
    ['keyboard-interactive', 'factory-a'],
  ])('%s login: accepted with the right password, rejected otherwise, no channel opened', async (method, name) => {
    const { ctx, net } = context();
    const stats = sshLabStats(addr(name));
    const before = stats.attempts.length;
    const ok = await sshPasswordProtocol.attempt(ctx, addr(name), sshService(name), { user, password });
    const bad = await sshPasswordProtocol.attempt(ctx, addr(name), sshService(name), { user, password: 'not-the-password' });
    const unknownUser = await sshPasswordProtocol.attempt(ctx, addr(name), sshService(name), { user: 'operator', password });
    expect([ok.result, bad.result, unknownUser.result]).toEqual(['accepted', 'rejected', 'rejected']);
    expect(stats.attempts.slice(before)).toEqual([
      { method, user, accepted: true },
      { method, user, accepted: false },
      { method, user: 'operator', accepted: false },
    ]);
    expect(stats.sessions).toBe(0);
    for (const o of [ok, bad, unknownUser]) {
      const text = JSON.stringify(o);
      expect(text).not.toContain(password);
      expect(text).not.toContain('not-the-password');
    }
    expect(ok.evidence?.sent).toContain(`user "${user}"`);
    expect(ok.evidence?.received).toMatch(/USERAUTH_SUCCESS/);
    await net.close();
  });
  it('answers unknown on a publickey-only server, without trying a password', async () => {
    const { ctx, net } = context();
    const r = await sshPasswordProtocol.attempt(ctx, addr('modern'), sshService('modern'), { user, password });
    expect(r.result).toBe('unknown');
    expect(r.reason).toMatch(/neither password nor keyboard-interactive/);
    expect(sshLabStats(addr('modern')).attempts).toEqual([]);
    await net.close();
  });
  it('answers unknown on a silent port or a broken handshake, lockout when the device starts refusing connections', async () => {
    const { ctx, net } = context({ readTimeoutMs: 600 });
    const attempt = (service: Service) => sshPasswordProtocol.attempt(ctx, addr('hostile'), service, { user, password });
    expect(await attempt(sshService('hostile', 'silent'))).toMatchObject({ result: 'unknown', reason: expect.stringMatching(/no answer/) });
    expect(await attempt(sshService('hostile', 'reset'))).toMatchObject({ result: 'unknown' });
    // Nothing listens on port 9 of the device: a refused connection after the service was found open.
    expect(await attempt({ port: 9, proto: 'tcp', kind: 'ssh', tls: false })).toMatchObject({ result: 'lockout', reason: expect.stringMatching(/refused/) });
    await net.close();
  });
});
