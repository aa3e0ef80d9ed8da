/**
 * Interop: Debian's dropbear (dropbear-bin) with its default algorithms and
 * password logins on 127.43.11.2:22, audited by vigie in mode credentials.
 *
 * dropbear checks passwords against /etc/passwd and /etc/shadow. Rather than
 * add an account to the machine, dropbear runs in a mount namespace of its own
 * (`unshare --mount`) where two files written by the test are bound over
 * /etc/passwd and /etc/shadow: one account, `admin`, whose password is a
 * dictionary default (generic-2). Nothing of the machine's accounts changes,
 * and nothing is left behind if the run dies.
 *
 * What dropbear 2022.83 offers by default (read from vigie's ssh.kexinit fact,
 * and asserted below), and the verdict each part must give:
 *   kex      curve25519-sha256(@libssh.org), ecdh-sha2-nistp521/384/256,
 *            diffie-hellman-group14-sha256, diffie-hellman-group14-sha1,
 *            kexguess2@matt.ucc.asn.au, kex-strict-s-v00@openssh.com
 *            → ssh.weak-kex for group14-sha1 (SHA-1 exchange hash) only; the NIST
 *              curves are `info` in the default profile, the two markers are not algorithms;
 *   hostkey  ssh-ed25519, ecdsa-sha2-nistp256, rsa-sha2-256, ssh-rsa (2048-bit key)
 *            → ssh.weak-hostkey for ssh-rsa (SHA-1 signatures) and the 2048-bit RSA key
 *              (the profile's minRsaBits is 3072);
 *   ciphers  chacha20-poly1305@openssh.com, aes128-ctr, aes256-ctr → nothing;
 *   MACs     hmac-sha1, hmac-sha2-256 → ssh.weak-mac for hmac-sha1 only;
 *   the strict-kex marker (Debian's CVE-2023-48795 backport) → no ssh.terrapin although
 *   chacha20-poly1305 is offered; the banner's 2022.83 is the profile's dropbear minimum
 *   → no ssh.outdated-software; `none` lists publickey,password → ssh.password-auth;
 *   admin/12345 (generic-2) → cred.default-accepted, within the credential budget.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackages, startDaemon, stopAll, waitForPort } from './support.ts';
import { runScan } from '../../src/engine/engine.ts';
import { loadProfile } from '../../src/core/profile.ts';
import { Scope } from '../../src/core/scope.ts';
import type { Fact, Result } from '../../src/core/model.ts';
import type { CredentialAcceptedData, CredentialSummaryData, SshAuthMethodsData, SshHostKeyData, SshIdentificationData, SshKexinitData } from '../../src/core/facts.ts';

const run = promisify(execFile);
const DROPBEAR = '/usr/sbin/dropbear';
const DROPBEARKEY = '/usr/bin/dropbearkey';
const UNSHARE = '/usr/bin/unshare';
const ADDRESS = '127.43.11.2';
const PORT = 22;
// The one account of the namespace: a Mirai-list default (generic-2).
const USER = 'admin';
const PASSWORD = '12345';

let dir: string;
let result: Result;
/** SHA-256 fingerprints as dropbearkey prints them, by key file. */
const fingerprints: Record<string, string> = {};

const factOf = <T>(type: string): T => result.facts.find((f: Fact) => f.type === type && f.host === ADDRESS)?.data as T;

beforeAll(async () => {
  ensurePackages({ 'dropbear-bin': DROPBEAR, openssl: '/usr/bin/openssl', 'util-linux': UNSHARE });
  dir = mkdtempSync(join(tmpdir(), 'vigie-dropbear-'));
  chmodSync(dir, 0o700);
  // dropbear's own key generator, with its default sizes (what `dropbear -R` would make).
  await Promise.all(['rsa', 'ecdsa', 'ed25519'].map((t) => run(DROPBEARKEY, ['-t', t, '-f', join(dir, t)])));
  for (const t of ['rsa', 'ecdsa', 'ed25519']) {
    const { stdout } = await run(DROPBEARKEY, ['-y', '-f', join(dir, t)], { encoding: 'utf8' });
    fingerprints[t] = /Fingerprint: (SHA256:\S+)/.exec(stdout)?.[1] ?? `(no SHA-256 fingerprint from dropbearkey: ${stdout})`;
  }
  // A SHA-512 crypt(3) hash by Debian's openssl (the password goes through stdin, not argv).
  const hash = await new Promise<string>((resolve, reject) => {
    const p = execFile('/usr/bin/openssl', ['passwd', '-6', '-stdin'], { encoding: 'utf8' }, (err, out) => (err ? reject(err) : resolve(out.trim())));
    p.stdin!.end(`${PASSWORD}\n`);
  });
  writeFileSync(join(dir, 'passwd'), `root:x:0:0:root:/root:/bin/sh\n${USER}:x:4242:4242:vigie interop:/nonexistent:/bin/sh\n`);
  writeFileSync(join(dir, 'shadow'), `root:*:19000:0:99999:7:::\n${USER}:${hash}:19000:0:99999:7:::\n`, { mode: 0o600 });
  // `unshare` and `sh` exec into dropbear: the pid started is dropbear's, and stopAll() ends it.
  const script = [
    `mount --bind ${join(dir, 'passwd')} /etc/passwd`,
    `mount --bind ${join(dir, 'shadow')} /etc/shadow`,
    `exec ${DROPBEAR} -F -E -p ${ADDRESS}:${PORT} ${['rsa', 'ecdsa', 'ed25519'].map((t) => `-r ${join(dir, t)}`).join(' ')} -P ${join(dir, 'dropbear.pid')}`,
  ].join(' && ');
  const daemon = startDaemon(UNSHARE, ['--mount', '--propagation', 'private', '/bin/sh', '-c', script]);
  let stderr = '';
  daemon.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  await waitForPort(ADDRESS, PORT).catch((err: Error) => {
    throw new Error(`${err.message}; dropbear said: ${stderr.trim() || '(nothing)'}`);
  });
  result = await runScan({
    targets: [{ address: ADDRESS }],
    specs: [ADDRESS],
    scope: Scope.parse(['127.43.11.0/24']),
    profile: loadProfile('anssi-base'),
    mode: 'credentials',
    ports: [PORT],
  });
});

afterAll(async () => {
  await stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const checks = () => [...new Set(result.findings.filter((f) => f.host === ADDRESS && f.check !== 'inventory.device').map((f) => f.check))].sort();
const detail = (check: string) => result.findings.find((f) => f.host === ADDRESS && f.check === check)?.detail ?? '';

describe('dropbear 2022.83 with its default algorithms', () => {
  it('is read without errors: banner, methods, every host key with the fingerprint dropbearkey prints', () => {
    expect(result.errors).toEqual([]);
    expect(factOf<SshIdentificationData>('ssh.identification')).toMatchObject({ software: 'dropbear_2022.83', product: 'dropbear', version: '2022.83' });
    expect(factOf<SshAuthMethodsData>('ssh.auth-methods')).toMatchObject({ methods: ['publickey', 'password'], noneAccepted: false });
    const keys = factOf<SshHostKeyData>('ssh.hostkey').keys.map((k) => `${k.type} ${k.bits} ${k.fingerprint}`).sort();
    expect(keys).toEqual([`ecdsa-sha2-nistp256 256 ${fingerprints.ecdsa}`, `ssh-ed25519 256 ${fingerprints.ed25519}`, `ssh-rsa 2048 ${fingerprints.rsa}`]);
  });

  it('offers what the expected findings are built on (the KEXINIT as vigie read it)', () => {
    const k = factOf<SshKexinitData>('ssh.kexinit');
    expect(k.kex).toEqual([
      'curve25519-sha256',
      'curve25519-sha256@libssh.org',
      'ecdh-sha2-nistp521',
      'ecdh-sha2-nistp384',
      'ecdh-sha2-nistp256',
      'diffie-hellman-group14-sha256',
      'diffie-hellman-group14-sha1',
      'kexguess2@matt.ucc.asn.au',
      'kex-strict-s-v00@openssh.com',
    ]);
    expect(k.hostKey).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-256', 'ssh-rsa']);
    expect(k.encS2C).toEqual(['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-ctr']);
    expect(k.macS2C).toEqual(['hmac-sha1', 'hmac-sha2-256']);
    expect(k.encC2S).toEqual(k.encS2C);
    expect(k.macC2S).toEqual(k.macS2C);
  });

  it('raises exactly the findings its defaults and its password justify', () => {
    expect(checks()).toEqual(['cred.default-accepted', 'ssh.password-auth', 'ssh.weak-hostkey', 'ssh.weak-kex', 'ssh.weak-mac']);
  });

  it('each finding names what justifies it, and nothing else', () => {
    // SHA-1 exchange hash; the NIST curves are graded info by the default profile and the markers are not algorithms.
    expect(detail('ssh.weak-kex')).toMatch(/^diffie-hellman-group14-sha1 \[fail\]/);
    expect(detail('ssh.weak-kex')).not.toMatch(/nistp|group14-sha256|kexguess2|kex-strict/);
    // SHA-1 signatures, and a 2048-bit RSA key under the profile's 3072.
    expect(detail('ssh.weak-hostkey')).toMatch(/^ssh-rsa \[fail\]/);
    expect(detail('ssh.weak-hostkey')).toMatch(/ssh-rsa host key of 2048 bits \(< 3072\)/);
    expect(detail('ssh.weak-hostkey')).not.toMatch(/ed25519|nistp256 \[/);
    // hmac-sha1 is deprecated (warn); hmac-sha2-256 (encrypt-and-MAC) is only info.
    expect(detail('ssh.weak-mac')).toMatch(/^hmac-sha1 \[warn\]/);
    expect(detail('ssh.weak-mac')).not.toContain('hmac-sha2-256');
    expect(detail('ssh.password-auth')).toBe('methods offered: publickey, password');
  });

  it('chacha20-poly1305 with the strict-kex marker is not Terrapin; 2022.83 meets the profile minimum', () => {
    const concluded = (id: string) => !result.notEvaluated.some((n) => n.host === ADDRESS && n.check === id);
    for (const id of ['ssh.terrapin', 'ssh.outdated-software', 'ssh.weak-cipher']) {
      expect(checks()).not.toContain(id);
      expect(concluded(id), id).toBe(true);
    }
  });
});

describe('the credential engine on dropbear', () => {
  it('proves the default password, confirmed by a refused wrong password, within the budget', () => {
    const accepted = result.facts.filter((f) => f.host === ADDRESS && f.type === 'credential.accepted').map((f) => f.data as unknown as CredentialAcceptedData);
    expect(accepted).toEqual([expect.objectContaining({ protocol: 'ssh', user: USER, entry: 'generic-2', origin: 'dictionary', confirmed: true })]);
    expect(detail('cred.default-accepted')).toMatch(/^ssh: user "admin" accepted with default credential generic-2/);
    const summary = factOf<CredentialSummaryData>('credential.summary');
    expect(summary).toMatchObject({ protocol: 'ssh', outcome: 'accepted' });
    // The random-user control, admin/admin refused, admin/12345 accepted, its wrong-password confirmation.
    expect(summary.tried.map((t) => `${t.entry}:${t.result}`)).toEqual(['generic-1:rejected', 'generic-2:accepted']);
    expect(summary.attempts).toBe(4);
    const budget = loadProfile('anssi-base').credentials.budget;
    expect(summary.tried.filter((t) => t.user === USER).length + 1).toBeLessThanOrEqual(budget);
  });

  it('the password appears nowhere in the result', () => {
    expect(JSON.stringify(result)).not.toMatch(/(^|[^\w])12345($|[^\w])/);
  });
});
