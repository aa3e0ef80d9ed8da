/**
 * Interop: Debian's nginx as the web side of a device, on 127.43.12.x only.
 *
 *   127.43.12.2:80    an administration page behind Basic auth over plain HTTP;
 *                     its htpasswd line comes from Debian's `openssl passwd -apr1`
 *                     (the MD5-crypt "$apr1$" format of Apache's htpasswd), and its
 *                     password is a dictionary default (root / generic-7)
 *                     → http.cleartext-admin, http.basic-over-cleartext, cred.default-accepted;
 *   127.43.12.3:80    redirect-only: `return 301 https://$host$request_uri`
 *                     → http.cleartext-admin must NOT fire;
 *   127.43.12.3:443   TLS 1.2/1.3 with ECDHE AEAD suites, a certificate of a CA the
 *                     test makes (src/lab/pki.ts), serving the login page
 *                     → no tls.* finding when that CA is passed (`params.caPem`).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackages, startDaemon, stopAll, waitForPort } from './support.ts';
import { runScan } from '../../src/engine/engine.ts';
import { loadProfile } from '../../src/core/profile.ts';
import { Scope } from '../../src/core/scope.ts';
import type { Result } from '../../src/core/model.ts';
import type { CredentialSummaryData, HttpResponseData, TlsCertificateData, TlsHandshakeData } from '../../src/core/facts.ts';
import { issueCertificate } from '../../src/lab/pki.ts';

const run = promisify(execFile);
const NGINX = '/usr/sbin/nginx';
const OPENSSL = '/usr/bin/openssl';
const ADMIN = '127.43.12.2';
const SECURE = '127.43.12.3';
const REALM = 'Camera administration';
// The one htpasswd account: a Mirai-list default (generic-7).
const USER = 'root';
const PASSWORD = '12345';
const CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';
const LOGIN_PAGE = '<html><head><title>Camera login</title></head><body><form action="/login" method="post"><input name="user"><input type="password" name="password"></form></body></html>';

let dir: string;
let caPem: string;
let result: Result;

function apr1(password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = execFile(OPENSSL, ['passwd', '-apr1', '-stdin'], { encoding: 'utf8' }, (err, out) => (err ? reject(err) : resolve(out.trim())));
    p.stdin!.end(`${password}\n`);
  });
}

function nginxConf(): string {
  return [
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')};`,
    'events { worker_connections 64; }',
    'http {',
    '  access_log off;',
    '  default_type text/html;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
    `  server {`,
    `    listen ${ADMIN}:80;`,
    `    root ${join(dir, 'www')};`,
    `    auth_basic "${REALM}";`,
    `    auth_basic_user_file ${join(dir, 'htpasswd')};`,
    `  }`,
    `  server {`,
    `    listen ${SECURE}:80;`,
    '    return 301 https://$host$request_uri;',
    `  }`,
    `  server {`,
    `    listen ${SECURE}:443 ssl;`,
    `    ssl_certificate ${join(dir, 'secure.crt')};`,
    `    ssl_certificate_key ${join(dir, 'secure.key')};`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    `    ssl_ciphers "${CIPHERS}";`,
    '    ssl_prefer_server_ciphers on;',
    `    root ${join(dir, 'www')};`,
    `  }`,
    '}',
    '',
  ].join('\n');
}

beforeAll(async () => {
  ensurePackages({ nginx: NGINX, openssl: OPENSSL });
  dir = mkdtempSync(join(tmpdir(), 'vigie-nginx-web-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'index.html'), LOGIN_PAGE);
  writeFileSync(join(dir, 'htpasswd'), `${USER}:${await apr1(PASSWORD)}\n`, { mode: 0o644 });
  const ca = issueCertificate({ commonName: 'vigie interop web CA', isCA: true, keyId: 'interop-web-ca' });
  const cert = issueCertificate({ commonName: SECURE, ips: [SECURE], issuer: ca, keyId: 'interop-web' });
  caPem = ca.certPem;
  writeFileSync(join(dir, 'secure.crt'), `${cert.certPem}${ca.certPem}`);
  writeFileSync(join(dir, 'secure.key'), cert.keyPem, { mode: 0o600 });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConf());
  await run(NGINX, ['-t', '-q', '-c', conf, '-p', dir]); // configuration errors surface here, with nginx's message
  startDaemon(NGINX, ['-c', conf, '-p', dir, '-g', 'daemon off;']);
  await Promise.all([waitForPort(ADMIN, 80), waitForPort(SECURE, 80), waitForPort(SECURE, 443)]);
  result = await runScan({
    targets: [{ address: ADMIN }, { address: SECURE }],
    specs: [ADMIN, SECURE],
    scope: Scope.parse(['127.43.12.0/24']),
    profile: loadProfile('anssi-base'),
    mode: 'credentials',
    ports: [80, 443],
    params: { caPem },
  });
});

afterAll(async () => {
  await stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const checksOn = (host: string) => [...new Set(result.findings.filter((f) => f.host === host && f.check !== 'inventory.device').map((f) => f.check))].sort();
const httpOn = (host: string, port: number) => result.facts.find((f) => f.host === host && f.port === port && f.type === 'http.response')?.data as unknown as HttpResponseData;

describe('nginx: Basic auth over plain HTTP', () => {
  it('is read without errors', () => {
    expect(result.errors).toEqual([]);
    expect(httpOn(ADMIN, 80)).toMatchObject({ scheme: 'http', status: 401, auth: [{ scheme: 'basic', realm: REALM }], server: expect.stringMatching(/^nginx\//) });
  });

  it('cleartext administration, Basic in clear, and the default password proven', () => {
    expect(checksOn(ADMIN)).toEqual(['cred.default-accepted', 'http.basic-over-cleartext', 'http.cleartext-admin']);
    expect(result.findings.find((f) => f.host === ADMIN && f.check === 'http.basic-over-cleartext')?.detail).toBe(`Basic challenge (realm "${REALM}") at http://${ADMIN}:80/`);
  });

  it('the credential engine finds root / generic-7 inside the budget, with a refused wrong-password confirmation', () => {
    const accepted = result.facts.filter((f) => f.host === ADMIN && f.type === 'credential.accepted');
    expect(accepted.map((f) => f.data)).toEqual([expect.objectContaining({ protocol: 'http-basic', user: USER, entry: 'generic-7', confirmed: true })]);
    const summary = result.facts.find((f) => f.host === ADMIN && f.type === 'credential.summary')!.data as unknown as CredentialSummaryData;
    // admin gets two tries (each needs room for its confirmation in a budget of 3), then root/root, then root/12345.
    expect(summary.tried.map((t) => `${t.entry}:${t.result}`)).toEqual(['generic-1:rejected', 'generic-2:rejected', 'generic-6:rejected', 'generic-7:accepted']);
  });

  it('the password appears nowhere in the result, in clear or Base64', () => {
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/(^|[^\w])12345($|[^\w])/);
    expect(text).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
  });
});

describe('nginx: redirect-only port 80, TLS 1.2/1.3 on 443', () => {
  it('port 80 answers 301 to https on the same host', () => {
    expect(httpOn(SECURE, 80)).toMatchObject({ scheme: 'http', status: 301, redirectsToHttps: true, location: `https://${SECURE}/` });
    expect(httpOn(SECURE, 80).final).toMatchObject({ url: `https://${SECURE}/`, status: 200, loginForm: true });
    expect(httpOn(SECURE, 443)).toMatchObject({ scheme: 'https', status: 200, loginForm: true, title: 'Camera login' });
  });

  it('no finding at all: no cleartext administration, and no TLS finding with the CA given', () => {
    expect(checksOn(SECURE)).toEqual([]);
    expect(result.notEvaluated.filter((n) => n.host === SECURE && (n.check.startsWith('tls.') || n.check.startsWith('http.')))).toEqual([]);
  });

  it('what the TLS scanner read: TLS 1.2 and 1.3 only, a chain to the given CA', () => {
    const hs = result.facts.find((f) => f.host === SECURE && f.type === 'tls.handshake')?.data as unknown as TlsHandshakeData;
    expect(hs.accepted).toEqual(['TLSv1.2', 'TLSv1.3']);
    const cert = result.facts.find((f) => f.host === SECURE && f.type === 'tls.certificate')?.data as unknown as TlsCertificateData;
    expect(cert.trust).toBe('user-ca');
  });
});
