/**
 * The credential engine against simulated devices: default credentials
 * proven, negative controls, the per-account budget counted by the devices,
 * lockouts, modes, site credentials, and no password in any output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findingsOf, runCli, scanSite, startSite, withSite, type RunningSite } from './helpers.ts';
import type { Result } from '../src/core/model.ts';
import { PERSONALITIES } from '../src/lab/personalities.ts';
import { LAB_SECRETS, labPasswords } from '../src/lab/secrets.ts';
import { readSiteCredentials, candidatesFor, loadDictionary } from '../src/creds/dictionary.ts';
import { judgeHttpAnswer } from '../scanners/http-auth.ts';
import { parseFtpReply } from '../scanners/ftp.ts';
import { promptOf } from '../scanners/lib/telnet-protocol.ts';

const DEVICES = [
  { name: 'legacy', personality: 'legacy-camera' },
  { name: 'digest', personality: 'digest-camera' },
  { name: 'door', personality: 'access-controller' },
  { name: 'accept-all', personality: 'accept-all-camera' },
  { name: 'always-401', personality: 'always-401-camera' },
  { name: 'locking', personality: 'lockout-camera' },
  { name: 'hardened', personality: 'hardened-camera' },
  { name: 'iac-storm', personality: 'telnet-iac-storm' },
  { name: 'ftp-garbage', personality: 'ftp-garbage' },
  { name: 'closer', personality: 'telnet-closer' },
];
const BUDGET = 3;

let site: RunningSite;
let result: Result;
const dev = (name: string) => site.devices.find((d) => d.name === name)!;

beforeAll(async () => {
  site = await startSite(DEVICES);
  result = await scanSite(site, { mode: 'credentials' });
});
afterAll(async () => site?.stop());

describe('ground truth, both ways', () => {
  it.each(DEVICES)('$name ($personality)', ({ name, personality }) => {
    const got = [...new Set(result.findings.filter((f) => f.host === dev(name).address && f.check !== 'inventory.device').map((f) => f.check))].sort();
    expect(got).toEqual([...PERSONALITIES[personality]!.expected].sort());
  });
});

describe('cred.default-accepted', () => {
  it('names the user and the dictionary entry, never the password', () => {
    const found = findingsOf(result, 'cred.default-accepted', dev('digest').address).filter((f) => f.detail?.startsWith('http-digest'));
    expect(found).toHaveLength(1);
    expect(found[0]!.detail).toMatch(/http-digest: user "admin" accepted with default credential hanwha-1/);
    expect(found[0]!.key).toBe('http-digest:hanwha-1');
    expect(JSON.stringify(found)).not.toMatch(new RegExp(`\\b${LAB_SECRETS.digestCameraHttp.password}\\b`));
  });
  it('one finding per service of the legacy camera (HTTP, telnet, FTP)', () => {
    expect(findingsOf(result, 'cred.default-accepted', dev('legacy').address).map((f) => f.port).sort((a, b) => a! - b!)).toEqual(
      [dev('legacy').ports.ftp, dev('legacy').ports.telnet, dev('legacy').ports.http].sort((a, b) => a! - b!),
    );
  });
  it('must not fire where every answer is 401 (the negative control proves nothing is accepted)', () => {
    expect(result.findings.filter((f) => f.host === dev('always-401').address && f.check.startsWith('cred.'))).toEqual([]);
  });
  it('must not fire where anything is accepted: that is cred.no-auth', () => {
    expect(findingsOf(result, 'cred.default-accepted', dev('accept-all').address)).toEqual([]);
    expect(findingsOf(result, 'cred.no-auth', dev('accept-all').address)[0]!.detail).toMatch(/random user name with a random password was accepted/);
  });
  it('the telnet root password nobody ships is not found', () => {
    expect(findingsOf(result, 'cred.default-accepted', dev('door').address).every((f) => f.port !== dev('door').ports.telnet || /user "admin"/.test(f.detail!))).toBe(true);
  });
});

describe('budget and lockout, counted by the devices', () => {
  it.each(DEVICES)('$name: at most 3 attempts per real account', ({ name }) => {
    for (const [user, count] of dev(name).accounts.attemptsOnRealAccounts()) {
      expect(count, `${name}: ${user}`).toBeLessThanOrEqual(BUDGET);
    }
  });
  it('stops on a device that locks, and says so', () => {
    const d = dev('locking');
    expect(d.accounts.isLocked).toBe(true);
    const lockFinding = findingsOf(result, 'cred.lockout-observed', d.address);
    expect(lockFinding).toHaveLength(1);
    expect(lockFinding[0]!.detail).toMatch(/HTTP 503/);
    // locked after 2 failures: one more attempt saw the lock, then nothing.
    const total = [...d.accounts.attempts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(3);
    expect(result.notEvaluated.some((n) => n.host === d.address && n.check === 'cred.default-accepted')).toBe(true);
  });
  it('cred.reused fires on both devices that share the factory credential', () => {
    const reused = result.findings.filter((f) => f.check === 'cred.reused').map((f) => f.host).sort();
    expect(reused).toEqual([dev('legacy').address, dev('door').address].sort());
  });
});

describe('hostile login services', () => {
  it('a telnet IAC storm is cut at the cap with an error line', () => {
    expect(result.errors.some((e) => e.host === dev('iac-storm').address && e.code === 'ESIZE')).toBe(true);
  });
  it('a server that hangs up mid-login: the control proves nothing, so the check says it could not conclude', () => {
    const n = result.notEvaluated.find((x) => x.host === dev('closer').address && x.check === 'cred.default-accepted');
    expect(n?.reason).toMatch(/negative control gave no clear answer/);
  });
  it('an FTP banner no client can parse becomes an error line, not a crash', () => {
    expect(result.errors.some((e) => e.host === dev('ftp-garbage').address && e.scanner === 'ftp')).toBe(true);
  });
});

describe('modes', () => {
  it('safe: no default credential tried; each login service says why it was not evaluated', async () => {
    await withSite([{ name: 'legacy', personality: 'legacy-camera' }], async (s) => {
      const r = await scanSite(s, { mode: 'safe' });
      const d = s.devices[0]!;
      expect([...d.accounts.attempts.keys()].filter((u) => u !== 'anonymous' && !u.startsWith('vigie-'))).toEqual([]);
      expect(findingsOf(r, 'cred.default-accepted')).toEqual([]);
      expect(r.notEvaluated.filter((n) => n.check === 'cred.default-accepted').map((n) => n.reason)).toEqual(
        expect.arrayContaining([expect.stringMatching(/mode "safe": no site credential/)]),
      );
      expect(findingsOf(r, 'ftp.anonymous')).toHaveLength(1); // anonymous FTP is an unauthenticated probe
    });
  });
  it('passive: no login of any kind', async () => {
    await withSite([{ name: 'legacy', personality: 'legacy-camera' }], async (s) => {
      const r = await scanSite(s, { mode: 'passive' });
      expect(s.devices[0]!.accounts.attempts.size).toBe(0);
      expect(r.facts.filter((f) => f.type.startsWith('credential.') || f.type === 'ftp.anonymous')).toEqual([]);
      expect(r.scan.mode).toBe('passive');
    });
  });
  it('safe with site credentials: the right site password is verified, and is not a default-credential finding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-creds-'));
    const file = join(dir, 'creds.yaml');
    writeFileSync(file, `credentials:\n  - { id: cam-admin, user: admin, passwordEnv: VIGIE_TEST_PW, protocols: [http-digest] }\n`);
    const site = readSiteCredentials(file, { VIGIE_TEST_PW: LAB_SECRETS.digestCameraHttp.password });
    await withSite([{ name: 'digest', personality: 'digest-camera' }], async (s) => {
      const r = await scanSite(s, { mode: 'safe', siteCredentials: site });
      const accepted = r.facts.filter((f) => f.type === 'credential.accepted');
      expect(accepted).toHaveLength(1);
      expect(accepted[0]!.data).toMatchObject({ entry: 'site:cam-admin', origin: 'site', user: 'admin' });
      expect(findingsOf(r, 'cred.default-accepted')).toEqual([]);
      expect(JSON.stringify(r)).not.toMatch(new RegExp(`\\b${LAB_SECRETS.digestCameraHttp.password}\\b`));
    });
  });
  it('credentials mode with the installer account: the factory account is still tried on that service', async () => {
    const site = [{ id: 'site:installer', user: LAB_SECRETS.legacyCameraTelnet.user, password: LAB_SECRETS.legacyCameraTelnet.password, protocols: ['http-basic'], source: 'test', origin: 'site' as const }];
    await withSite([{ name: 'legacy', personality: 'legacy-camera' }], async (s) => {
      const r = await scanSite(s, { mode: 'credentials', siteCredentials: site });
      const http = s.devices[0]!.ports.http;
      const accepted = r.facts.filter((f) => f.type === 'credential.accepted' && f.port === http).map((f) => (f.data as { entry: string }).entry);
      expect(accepted).toEqual(['site:installer', 'hikvision-1']);
      expect(findingsOf(r, 'cred.default-accepted').some((f) => f.port === http && f.key === 'http-basic:hikvision-1')).toBe(true);
      for (const [, count] of s.devices[0]!.accounts.attemptsOnRealAccounts()) expect(count).toBeLessThanOrEqual(BUDGET);
    });
  });
  it('a site credential file names a missing password clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-creds-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, '- { id: x, user: admin }\n');
    expect(() => readSiteCredentials(file, {})).toThrow(/credential "x" has no password/);
  });
});

describe('no password in any output', () => {
  it('a full demo in credentials mode: stdout, stderr (JSON progress), result.json, report.md', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vigie-secrets-'));
    const run = await runCli(['demo', '--mode', 'credentials', '--progress', 'json', '--lang', 'fr'], { cwd });
    expect(run.code).toBe(0);
    const outputs = {
      stdout: run.stdout,
      stderr: run.stderr,
      'result.json': readFileSync(join(cwd, 'vigie-demo', 'result.json'), 'utf8'),
      'report.md': readFileSync(join(cwd, 'vigie-demo', 'report.md'), 'utf8'),
    };
    expect(outputs['result.json']).toMatch(/cred\.default-accepted/); // the demo did find default credentials
    for (const password of labPasswords()) {
      const word = new RegExp(`(^|[^\\w])${password}($|[^\\w])`);
      const base64 = Buffer.from(`admin:${password}`).toString('base64');
      for (const [name, text] of Object.entries(outputs)) {
        expect(word.test(text), `${password} in ${name}`).toBe(false);
        expect(text.includes(base64), `base64 of ${password} in ${name}`).toBe(false);
      }
    }
  });
  it('--show-secrets writes the default password into report.md only', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vigie-show-'));
    const run = await runCli(['demo', '--show-secrets', '--quiet'], { cwd });
    expect(run.code).toBe(0);
    expect(readFileSync(join(cwd, 'vigie-demo', 'report.md'), 'utf8')).toMatch(/Password\*\* \(--show-secrets\): `12345`/);
    expect(readFileSync(join(cwd, 'vigie-demo', 'result.json'), 'utf8')).not.toMatch(/(^|[^\w])12345($|[^\w])/);
  });
});

describe('units', () => {
  it.each([
    [401, 'rejected'],
    [403, 'rejected'],
    [200, 'accepted'],
    [503, 'lockout'],
    [429, 'lockout'],
    [500, 'unknown'],
  ])('HTTP %i after credentials is %s', (status, verdict) => {
    expect(judgeHttpAnswer({ url: 'http://x/', status, headers: {}, body: '', bodyBytes: 0, bodyTruncated: false }, 'http://x/').result).toBe(verdict);
  });
  it.each([
    ['220 ready\r\n', { code: 220, text: 'ready' }],
    ['220-Welcome\r\n220-to\r\n220 FTP\r\n', { code: 220, text: 'Welcome\nto\nFTP' }],
  ])('FTP reply %j', (raw, reply) => {
    expect(parseFtpReply(Buffer.from(raw))?.reply).toEqual(reply);
  });
  it('FTP: incomplete replies wait, garbage is an error', () => {
    expect(parseFtpReply(Buffer.from('220-Welcome\r\n'))).toBeUndefined();
    expect(() => parseFtpReply(Buffer.from('HTTP/1.1 400 Bad\r\n'))).toThrow(/not an FTP reply/);
  });
  it.each([
    ['BusyBox\r\nlogin: ', 'login'],
    ['Username:', 'login'],
    ['Password: ', 'password'],
    ['Mot de passe :', 'password'],
    ['~ # ', 'shell'],
    ['Login incorrect', 'none'],
  ])('telnet prompt %j', (text, kind) => {
    expect(promptOf(text)).toBe(kind);
  });
  it('dictionary: vendor entries first, duplicates removed, no id or source holds its password', () => {
    const list = candidatesFor('http-basic', 'Hikvision', { dictionary: true, site: [] });
    expect(list[0]!.id).toBe('hikvision-1');
    expect(new Set(list.map((e) => `${e.user}:${e.password}`)).size).toBe(list.length);
    for (const e of loadDictionary()) if (e.password.length >= 3 && e.password !== e.user) expect(e.source.includes(` ${e.password} `)).toBe(false);
  });
});
