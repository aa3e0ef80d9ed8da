/**
 * Interop: the cleartext family and the credential engine against real
 * daemons from Debian's packages — BusyBox telnetd and httpd, vsftpd — bound
 * to 127.43.1.x only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackages, extractPackage, startDaemon, stopAll, waitForPort } from './support.ts';
import { Scope } from '../../src/core/scope.ts';
import { loadProfile } from '../../src/core/profile.ts';
import { runScan } from '../../src/engine/engine.ts';
import type { Result } from '../../src/core/model.ts';

const TELNETD = { host: '127.43.1.2', port: 2323 };
const HTTPD = { host: '127.43.1.3', port: 8081 };
const FTPD = { host: '127.43.1.4', port: 2121 };
// The one credential the telnet login program accepts: a Mirai-list default (generic-7).
const TELNET_USER = 'root';
const TELNET_PASSWORD = '12345';
// BusyBox httpd's one account: another default of the list (generic-2).
const HTTP_USER = 'admin';
const HTTP_PASSWORD = '12345';

let result: Result;
let dir: string;

beforeAll(async () => {
  ensurePackages({ busybox: '/usr/bin/busybox', vsftpd: '/usr/sbin/vsftpd' });
  // Debian's busybox has no telnetd applet; busybox-static has (extracted, not installed).
  const bbs = join(extractPackage('busybox-static', 'bin/busybox'), 'bin', 'busybox');
  dir = mkdtempSync(join(tmpdir(), 'vigie-interop-clear-'));
  const login = join(dir, 'login.sh');
  writeFileSync(
    login,
    `#!/bin/sh
printf 'login: '; read u
printf 'Password: '; stty -echo 2>/dev/null; read p; stty echo 2>/dev/null; echo
if [ "$u" = ${TELNET_USER} ] && [ "$p" = ${TELNET_PASSWORD} ]; then exec /bin/sh -i; fi
echo 'Login incorrect'; sleep 1; exit 1
`,
  );
  chmodSync(login, 0o755);
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'index.html'), '<html><head><title>Admin</title></head><body>ok</body></html>');
  writeFileSync(join(dir, 'httpd.conf'), `/:${HTTP_USER}:${HTTP_PASSWORD}\n`);
  mkdirSync(join(dir, 'ftproot'));
  mkdirSync(join(dir, 'empty'));
  chmodSync(join(dir, 'ftproot'), 0o755);
  writeFileSync(
    join(dir, 'vsftpd.conf'),
    [
      'listen=YES',
      `listen_address=${FTPD.host}`,
      `listen_port=${FTPD.port}`,
      'background=NO',
      'anonymous_enable=YES',
      'no_anon_password=YES',
      `anon_root=${join(dir, 'ftproot')}`,
      'local_enable=NO',
      'write_enable=NO',
      `secure_chroot_dir=${join(dir, 'empty')}`,
      'seccomp_sandbox=NO',
      'xferlog_enable=NO',
      'pasv_enable=NO',
      '',
    ].join('\n'),
  );
  startDaemon(bbs, ['telnetd', '-F', '-p', String(TELNETD.port), '-b', TELNETD.host, '-l', login]);
  startDaemon('/usr/bin/busybox', ['httpd', '-f', '-p', `${HTTPD.host}:${HTTPD.port}`, '-h', join(dir, 'www'), '-c', join(dir, 'httpd.conf')]);
  startDaemon('/usr/sbin/vsftpd', [join(dir, 'vsftpd.conf')]);
  await Promise.all([waitForPort(TELNETD.host, TELNETD.port), waitForPort(HTTPD.host, HTTPD.port), waitForPort(FTPD.host, FTPD.port)]);
  const targets = [TELNETD, HTTPD, FTPD].map((d) => ({ address: d.host }));
  result = await runScan({
    targets,
    specs: targets.map((t) => t.address),
    scope: Scope.parse(['127.43.1.0/24']),
    profile: loadProfile(),
    mode: 'credentials',
    ports: [TELNETD.port, HTTPD.port, FTPD.port],
  });
});
afterAll(stopAll);

const checksOn = (host: string) => [...new Set(result.findings.filter((f) => f.host === host && f.check !== 'inventory.device').map((f) => f.check))].sort();

describe('BusyBox telnetd with a login program', () => {
  it('is telnet, and its one default credential is proven', () => {
    expect(checksOn(TELNETD.host)).toEqual(['cred.default-accepted', 'proto.telnet-enabled']);
    const f = result.findings.find((x) => x.host === TELNETD.host && x.check === 'cred.default-accepted')!;
    expect(f.detail).toMatch(/telnet: user "root" accepted with default credential generic-7/);
  });
});

describe('BusyBox httpd with Basic auth', () => {
  it('401 to empty credentials too: no blank-password false positive, but the real default is found', () => {
    expect(checksOn(HTTPD.host)).toEqual(['cred.default-accepted', 'http.basic-over-cleartext', 'http.cleartext-admin']);
    const accepted = result.facts.filter((f) => f.host === HTTPD.host && f.type === 'credential.accepted');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.data).toMatchObject({ user: HTTP_USER, entry: 'generic-2' });
    const summary = result.facts.find((f) => f.host === HTTPD.host && f.type === 'credential.summary')!.data as { tried: { entry: string; result: string }[] };
    expect(summary.tried.filter((t) => t.result === 'accepted').map((t) => t.entry)).toEqual(['generic-2']);
  });
});

describe('vsftpd with anonymous read-only access', () => {
  it('FTP enabled and anonymous login, nothing else', () => {
    expect(checksOn(FTPD.host)).toEqual(['ftp.anonymous', 'proto.ftp-enabled']);
    expect(result.facts.find((f) => f.host === FTPD.host && f.type === 'ftp.greeting')!.data).toMatchObject({ code: 220, banner: expect.stringMatching(/vsFTPd/) });
  });
});

describe('no password in the result', () => {
  it('neither real daemon password appears', () => {
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/(^|[^\w])12345($|[^\w])/);
    expect(text).not.toContain(Buffer.from(`${HTTP_USER}:${HTTP_PASSWORD}`).toString('base64'));
  });
});
