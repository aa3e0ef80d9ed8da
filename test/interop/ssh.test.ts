/**
 * SSH against the reference: Debian's OpenSSH server in a legacy and a
 * hardened configuration on 127.43.0.22/23, audited by vigie and by Debian's
 * ssh-audit on the same endpoints.
 *
 *   - vigie reads the same lists ssh-audit reads (KEXINIT as offered), and the
 *     same host key fingerprints;
 *   - every algorithm ssh-audit marks [fail] is a vigie finding, except the
 *     NIST curves, which vigie's default profile grades `info` by design
 *     (see src/checks/ssh/algorithms.ts); with those put in the checks' `deny`
 *     lists (offline re-evaluation, no second scan) the agreement is complete;
 *   - on the hardened configuration ssh-audit fails nothing and vigie flags nothing.
 * The time per endpoint of both tools is printed (no timed assertion).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackages, startDaemon, stopAll, waitForPort } from './support.ts';
import { runScan } from '../../src/engine/engine.ts';
import { evaluate } from '../../src/checks/evaluate.ts';
import { loadProfile, type Profile } from '../../src/core/profile.ts';
import { Scope } from '../../src/core/scope.ts';
import { Net } from '../../src/core/net.ts';
import type { Fact, Finding, Result } from '../../src/core/model.ts';
import type { SshHostKeyData, SshKexinitData } from '../../src/core/facts.ts';
import { sshScanner } from '../../scanners/ssh.ts';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
const SSH_AUDIT = '/usr/bin/ssh-audit';
const LEGACY = '127.43.0.22';
const HARDENED = '127.43.0.23';
const PORT = 22;
const NIST = ['ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'];

let dir: string;

function keygen(name: string, type: string, bits?: number): Promise<unknown> {
  return run('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', `vigie-interop-${name}`, '-f', join(dir, name)]);
}

function config(address: string, lines: string[]): string {
  const path = join(dir, `${address}.conf`);
  writeFileSync(
    path,
    [`ListenAddress ${address}:${PORT}`, 'PidFile none', 'UsePAM no', 'AuthorizedKeysFile none', 'PermitRootLogin no', 'LogLevel ERROR', ...lines, ''].join('\n'),
  );
  return path;
}

interface AuditRun {
  json: { kex: { algorithm: string }[]; key: { algorithm: string }[]; enc: string[]; mac: string[]; fingerprints: { hostkey: string; hash_alg: string; hash: string }[] };
  /** Every "(kind) name -- [fail]" line, kind in kex/key/enc/mac, with its text. */
  fails: { kind: string; name: string; text: string }[];
  ms: number;
}

async function sshAudit(address: string): Promise<AuditRun> {
  const t0 = performance.now();
  // ssh-audit exits non-zero when it finds failures: that is its answer, not an error.
  const json = await run(SSH_AUDIT, ['-j', '-p', String(PORT), address], { timeout: 60_000 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const ms = performance.now() - t0;
  const text = await run(SSH_AUDIT, ['-b', '-n', '-p', String(PORT), address], { timeout: 60_000 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const fails: AuditRun['fails'] = [];
  for (const line of text.stdout.split('\n')) {
    const m = /^\((kex|key|enc|mac)\) (\S+)(?: \([^)]*\))? -- \[fail\] (.*)$/.exec(line.trim());
    if (m) fails.push({ kind: m[1]!, name: m[2]!, text: m[3]! });
  }
  return { json: JSON.parse(json.stdout) as AuditRun['json'], fails, ms };
}

async function vigieScan(address: string): Promise<Result> {
  return runScan({
    targets: [{ address }],
    specs: [address],
    scope: Scope.parse([`${address}/32`]),
    profile: loadProfile('anssi-base'),
    ports: [PORT],
  });
}

/** Time of the SSH part alone (what ssh-audit does): scanner + checks on one endpoint. */
async function vigieEndpointMs(address: string): Promise<number> {
  const net = new Net({ scope: Scope.parse([`${address}/32`]) });
  const t0 = performance.now();
  const facts = await sshScanner.collect(
    { net, mode: 'safe', signal: new AbortController().signal, params: {}, warn: () => undefined },
    { address, services: [], facts: [] },
    { port: PORT, proto: 'tcp', kind: 'ssh', tls: false },
  );
  evaluate([{ address, class: 'unknown', sources: [], services: [{ port: PORT, proto: 'tcp', kind: 'ssh', tls: false }] }], facts, loadProfile('anssi-base'));
  const ms = performance.now() - t0;
  await net.close();
  return ms;
}

const CHECK_OF_KIND: Record<string, string> = { kex: 'ssh.weak-kex', key: 'ssh.weak-hostkey', enc: 'ssh.weak-cipher', mac: 'ssh.weak-mac' };

/** ssh-audit failures that no vigie finding accounts for. */
function unmatched(fails: AuditRun['fails'], findings: Finding[]): AuditRun['fails'] {
  return fails.filter((f) => {
    const finding = findings.find((x) => x.check === CHECK_OF_KIND[f.kind]);
    if (!finding?.detail) return true;
    if (finding.detail.includes(`${f.name} [`)) return false;
    // A key algorithm failed for its key size: vigie reports the key size itself.
    const size = /small (\d+)-bit modulus/.exec(f.text);
    return !(f.kind === 'key' && size && finding.detail.includes(`host key of ${size[1]} bits`));
  });
}

const withDeny = (profile: Profile, names: string[]): Profile => {
  const checks = { ...profile.checks };
  for (const id of ['ssh.weak-kex', 'ssh.weak-hostkey']) checks[id] = { ...checks[id], params: { ...checks[id]?.params, deny: names } };
  return { ...profile, checks };
};

const sshFacts = (r: Result, type: string) => r.facts.filter((f: Fact) => f.type === type);

let legacy: { vigie: Result; audit: AuditRun; vigieMs: number };
let hardened: { vigie: Result; audit: AuditRun; vigieMs: number };

beforeAll(async () => {
  ensurePackages({ 'openssh-server': SSHD, 'ssh-audit': SSH_AUDIT });
  dir = mkdtempSync(join(tmpdir(), 'vigie-sshd-'));
  chmodSync(dir, 0o700);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation directory
  await Promise.all([
    keygen('legacy_rsa', 'rsa', 1024),
    keygen('legacy_dsa', 'dsa'),
    keygen('legacy_ecdsa', 'ecdsa', 256),
    keygen('legacy_ed25519', 'ed25519'),
    keygen('hardened_ed25519', 'ed25519'),
    keygen('hardened_rsa', 'rsa', 3072),
  ]);
  // Legacy: everything Debian's OpenSSH 9.2 still compiles in, added to its defaults.
  const legacyConf = config(LEGACY, [
    ...['legacy_rsa', 'legacy_dsa', 'legacy_ecdsa', 'legacy_ed25519'].map((k) => `HostKey ${join(dir, k)}`),
    'HostKeyAlgorithms +ssh-rsa,ssh-dss',
    'KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1',
    'Ciphers +3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc',
    'MACs +hmac-md5,hmac-md5-96,hmac-sha1-96,hmac-md5-etm@openssh.com,hmac-md5-96-etm@openssh.com,hmac-sha1-96-etm@openssh.com',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication yes',
  ]);
  // Hardened: Ed25519 and RSA-3072 keys with SHA-2 signatures, PQ hybrid / curve25519 / large groups, AEAD and CTR, etm MACs, keys only.
  const hardenedConf = config(HARDENED, [
    `HostKey ${join(dir, 'hardened_ed25519')}`,
    `HostKey ${join(dir, 'hardened_rsa')}`,
    'HostKeyAlgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256',
    'KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512',
    'Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr',
    'MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,umac-128-etm@openssh.com',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
  ]);
  for (const conf of [legacyConf, hardenedConf]) {
    await run(SSHD, ['-t', '-f', conf]); // config errors surface here, with sshd's message
    startDaemon(SSHD, ['-D', '-e', '-f', conf]);
  }
  await Promise.all([waitForPort(LEGACY, PORT), waitForPort(HARDENED, PORT)]);
  const both = async (address: string) => {
    const vigie = await vigieScan(address);
    const audit = await sshAudit(address);
    const vigieMs = await vigieEndpointMs(address);
    return { vigie, audit, vigieMs };
  };
  legacy = await both(LEGACY);
  hardened = await both(HARDENED);
  console.log(
    [
      'time per SSH endpoint (ms)      vigie (scanner+checks)   ssh-audit -j',
      `  legacy   ${LEGACY}:${PORT}   ${legacy.vigieMs.toFixed(0).padStart(10)}   ${legacy.audit.ms.toFixed(0).padStart(14)}`,
      `  hardened ${HARDENED}:${PORT}   ${hardened.vigieMs.toFixed(0).padStart(10)}   ${hardened.audit.ms.toFixed(0).padStart(14)}`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['legacy', () => legacy],
  ['hardened', () => hardened],
])('%s sshd: vigie reads what ssh-audit reads', (_name, get) => {
  it('the same KEXINIT lists, in the same order', () => {
    const { vigie, audit } = get();
    const k = sshFacts(vigie, 'ssh.kexinit')[0]?.data as unknown as SshKexinitData;
    expect(k, JSON.stringify(vigie.errors)).toBeTruthy();
    expect(k.kex).toEqual(audit.json.kex.map((x) => x.algorithm));
    expect(k.hostKey).toEqual(audit.json.key.map((x) => x.algorithm));
    expect(k.encS2C).toEqual(audit.json.enc);
    expect(k.macS2C).toEqual(audit.json.mac);
  });
  it('every SHA-256 host key fingerprint ssh-audit prints', () => {
    const { vigie, audit } = get();
    const keys = (sshFacts(vigie, 'ssh.hostkey')[0]?.data as unknown as SshHostKeyData | undefined)?.keys ?? [];
    const theirs = audit.json.fingerprints.filter((f) => f.hash_alg === 'SHA256').map((f) => `${f.hostkey} SHA256:${f.hash}`);
    expect(theirs.length).toBeGreaterThan(0);
    const ours = keys.map((k) => `${k.type} ${k.fingerprint}`);
    for (const fp of theirs) expect(ours).toContain(fp);
  });
  it('scans without errors', () => {
    expect(get().vigie.errors).toEqual([]);
  });
});

describe('legacy sshd: the verdicts agree', () => {
  it('ssh-audit fails something in every kind (the configuration is really legacy)', () => {
    expect(new Set(legacy.audit.fails.map((f) => f.kind))).toEqual(new Set(['kex', 'key', 'enc', 'mac']));
  });
  it('every algorithm ssh-audit fails is a vigie finding, NIST curves apart (graded info by the default profile)', () => {
    const missed = unmatched(legacy.audit.fails, legacy.vigie.findings);
    // What the default profile leaves out must be exactly the NIST curves, and they must be offered here.
    expect([...new Set(missed.map((f) => f.name))].sort()).toEqual(['ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521', 'ecdsa-sha2-nistp256']);
  });
  it('with the NIST curves denied by the profile, every ssh-audit failure is a finding (offline re-evaluation)', () => {
    const scanned = legacy.vigie;
    const { findings } = evaluate(scanned.hosts, scanned.facts, withDeny(loadProfile('anssi-base'), NIST));
    expect(unmatched(legacy.audit.fails, findings)).toEqual([]);
  });
  it('adds what ssh-audit does not judge: password logins, and no Terrapin finding on a patched server', () => {
    const checks = new Set(legacy.vigie.findings.map((f) => f.check));
    expect(checks.has('ssh.password-auth')).toBe(true);
    expect(sshFacts(legacy.vigie, 'ssh.kexinit')[0]?.data.kex).toContain('kex-strict-s-v00@openssh.com');
    expect(checks.has('ssh.terrapin')).toBe(false);
  });
});

describe('hardened sshd: nothing to flag', () => {
  it('ssh-audit fails nothing', () => {
    expect(hardened.audit.fails).toEqual([]);
  });
  it('vigie raises no ssh.* finding and concludes every ssh.* check', () => {
    expect(hardened.vigie.findings.filter((f) => f.check.startsWith('ssh.'))).toEqual([]);
    expect(hardened.vigie.notEvaluated.filter((n) => n.check.startsWith('ssh.'))).toEqual([]);
    expect(sshFacts(hardened.vigie, 'ssh.auth-methods')[0]?.data).toMatchObject({ methods: ['publickey'], noneAccepted: false });
  });
});
