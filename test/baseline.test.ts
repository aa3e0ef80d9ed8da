/**
 * Commissioning baseline: `vigie baseline` from the simulated hardened camera
 * writes a profile extending anssi-commissioning; `vigie verify` with it passes
 * that camera and fails the legacy one, naming each deviation; the legacy
 * camera is refused as a reference. Then each baseline.* check on its own:
 * where it fires, where it must not, and where it cannot conclude.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fact, Service } from '../src/core/model.ts';
import { Result as ResultSchema } from '../src/core/model.ts';
import { loadCatalogueProfile } from '../src/checks/profiles.ts';
import { hostViews } from '../src/checks/evaluate.ts';
import type { HostCheck, HostView } from '../src/checks/types.ts';
import { baselineUnexpectedService } from '../src/checks/baseline/unexpected-service.ts';
import { baselineTlsDeviation } from '../src/checks/baseline/tls-deviation.ts';
import { baselineSshDeviation } from '../src/checks/baseline/ssh-deviation.ts';
import { baselineOnvifUsersDeviation } from '../src/checks/baseline/onvif-users-deviation.ts';
import { baselineSnmpDeviation } from '../src/checks/baseline/snmp-deviation.ts';
import { observedSnmp, observedSsh } from '../src/checks/baseline/reference.ts';
import { profileIdFrom } from '../src/baseline/baseline.ts';
import { runBaselineCommand } from '../src/cli/baseline.ts';
import { LAB_SECRETS } from '../src/lab/secrets.ts';
import { runCli, scanSite, withSite, type RunningSite } from './helpers.ts';

function siteFiles(site: RunningSite) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-baseline-'));
  const ca = join(dir, 'site-ca.pem');
  writeFileSync(ca, site.caPem);
  const credentials = join(dir, 'site-credentials.yaml');
  writeFileSync(credentials, `credentials:\n  - { id: cam-parking, user: ${LAB_SECRETS.hardenedCamera.user}, passwordEnv: VIGIE_TEST_CAM_PASSWORD }\n`);
  return {
    dir,
    env: { VIGIE_TEST_CAM_PASSWORD: LAB_SECRETS.hardenedCamera.password },
    args: ['--ports', site.ports.join(','), '--ca', ca, '--credentials', credentials, '--progress', 'none'],
  };
}

describe('vigie baseline → vigie verify', () => {
  it('a baseline from the hardened camera passes it and fails the legacy camera, naming each deviation; the legacy camera is refused as a reference', async () => {
    await withSite(
      [
        { name: 'cam-ref', personality: 'hardened-camera' },
        { name: 'cam-old', personality: 'legacy-camera' },
      ],
      async (site) => {
        const [ref, old] = site.devices as [RunningSite['devices'][number], RunningSite['devices'][number]];
        const files = siteFiles(site);
        const out = join(files.dir, 'profiles', 'site-axis.yaml');

        const taken = await runCli(['baseline', ref.address, '--name', 'Axis P3245 site standard', '--out', out, ...files.args], { env: files.env });
        expect(taken.stderr).not.toMatch(/refused/);
        expect(taken.code).toBe(0);
        expect(taken.stdout).toMatch(/Baseline "Axis P3245 site standard" \(site-axis\) written/);
        const text = readFileSync(out, 'utf8');
        expect(text).not.toContain(LAB_SECRETS.hardenedCamera.password);
        const profile = loadCatalogueProfile(out);
        expect(profile.lineage).toEqual(['anssi-base', 'anssi-commissioning', 'site-axis']);
        expect(profile.commissioning?.failAt).toBe('medium');
        const services = (profile.checks['baseline.unexpected-service']!.params as { services: { port: number; kind: string }[] }).services;
        expect(services.map((s) => `${s.port} ${s.kind}`).sort()).toEqual([`${ref.ports.http} http`, `${ref.ports.https} https`, `${ref.ports.rtsps} rtsps`, `${ref.ports.rtsp} rtsp`].sort());
        const tlsParams = profile.checks['baseline.tls-deviation']!.params as { endpoints: { port: number; versions: Record<string, string[]> }[] };
        expect(tlsParams.endpoints.map((e) => Object.keys(e.versions).sort())).toEqual([
          ['TLSv1.2', 'TLSv1.3'],
          ['TLSv1.2', 'TLSv1.3'],
        ]);
        expect((profile.checks['baseline.onvif-users-deviation']!.params as { users: { name: string }[] }).users.map((u) => u.name)).toContain(LAB_SECRETS.hardenedCamera.user);
        expect(profile.checks['baseline.snmp-deviation']!.params).toMatchObject({ versions: [] });

        const verifyOut = join(files.dir, 'verify');
        // Mode safe: the installer's own account on every service, no factory-default sweep (that is anssi-commissioning's job, not the baseline's).
        const verified = await runCli(['verify', ref.address, old.address, '--profile', out, '--mode', 'safe', '--out', verifyOut, '--format', 'json,md', ...files.args], { env: files.env });
        expect(verified.code).toBe(1);
        const result = ResultSchema.parse(JSON.parse(readFileSync(join(verifyOut, 'result.json'), 'utf8')));
        expect(result.scan.profile).toBe('site-axis');
        const verdict = (address: string) => result.plan!.verdicts!.devices.find((d) => d.host === address)!;
        expect(verdict(ref.address).verdict, JSON.stringify(verdict(ref.address))).toBe('pass');
        expect(result.findings.filter((f) => f.host === ref.address && f.check.startsWith('baseline.'))).toEqual([]);
        expect(verdict(old.address).verdict).toBe('fail');
        const deviations = result.findings.filter((f) => f.host === old.address && f.check.startsWith('baseline.'));
        const named = deviations.map((f) => `${f.check} ${f.detail}`);
        const expectNamed = (check: string, pattern: RegExp) => expect(named.some((n) => n.startsWith(check) && pattern.test(n)), `${check} ${pattern}\n${named.join('\n')}`).toBe(true);
        expectNamed('baseline.unexpected-service', new RegExp(`${old.ports.telnet}/tcp telnet is open`));
        expectNamed('baseline.unexpected-service', new RegExp(`${old.ports.ftp}/tcp ftp is open`));
        expectNamed('baseline.unexpected-service', new RegExp(`${ref.ports.https}/tcp https is not running`));
        expectNamed('baseline.tls-deviation', new RegExp(`no TLS service on ${ref.ports.https}/tcp`));
        expectNamed('baseline.onvif-users-deviation', /account "admin" \(Administrator\) is not in the reference "Axis P3245 site standard"/);
        expectNamed('baseline.onvif-users-deviation', /account "operator" is Administrator; in the reference .* it is Operator/);
        expectNamed('baseline.onvif-users-deviation', new RegExp(`account "${LAB_SECRETS.hardenedCamera.user}" .* is missing`));
        // Every deviation fails the device (severity = the base's failAt) and is listed in its verdict.
        expect(verdict(old.address).failing.filter((x) => x.check.startsWith('baseline.')).length).toBe(deviations.length);
        // The report names them too.
        expect(readFileSync(join(verifyOut, 'report.md'), 'utf8')).toMatch(/telnet is open; the reference "Axis P3245 site standard" does not run it/);

        const refusedOut = join(files.dir, 'profiles', 'legacy.yaml');
        const refused = await runCli(['baseline', old.address, '--name', 'Legacy', '--out', refusedOut, ...files.args], { env: files.env });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/baseline refused — nothing written/);
        expect(refused.stderr).toMatch(new RegExp(`${old.address.replace(/\./g, '\\.')} is not a reference: the profile "anssi-commissioning" already rejects it`));
        expect(refused.stderr).toMatch(/proto\.telnet-enabled/);
        expect(refused.stderr).toMatch(/rtsp\.unauthenticated-stream/);
        expect(existsSync(refusedOut)).toBe(false);

        // An existing file is not replaced without --force (refused before anything is sent).
        await expect(runBaselineCommand(ref.address, { name: 'x', out, mode: 'safe', progress: 'none', quiet: true })).rejects.toThrow(/exists: choose another --out, or --force/);
      },
    );
  }, 90_000);

  it('derives the profile id from the file name', () => {
    expect(profileIdFrom('profiles/site-axis.yaml')).toBe('site-axis');
    expect(profileIdFrom('Réf. Caméras Hall.yml')).toBe('ref-cameras-hall');
    expect(profileIdFrom('---.yaml')).toMatch(/^baseline-/);
  });
});

describe('SSH and SNMP deviations over real protocols', () => {
  it('a reference read from modern-ssh / snmp-v3-only flags legacy-ssh / snmp-switch and not themselves', async () => {
    await withSite(
      [
        { name: 'ssh-ref', personality: 'modern-ssh' },
        { name: 'ssh-old', personality: 'legacy-ssh' },
        { name: 'snmp-ref', personality: 'snmp-v3-only' },
        { name: 'snmp-old', personality: 'snmp-switch' },
      ],
      async (site) => {
        // Loopback agents answer at once: a faster SNMP pace keeps the test short (the profile's is for real devices).
        const r = await scanSite(site, { mode: 'safe', params: { snmp: { rate: 50, timeoutMs: 1500, writeProbe: false, maxInterfaces: 64 } } });
        const views = new Map(hostViews(r.hosts, r.facts).map((v) => [v.address, v]));
        const [sshRef, sshOld, snmpRef, snmpOld] = site.devices.map((d) => views.get(d.address)!) as [HostView, HostView, HostView, HostView];
        const sshParams = { reference: 'NVR standard', endpoints: [...observedSsh(sshRef).values()] };
        expect(sshParams.endpoints).toHaveLength(1);
        expect(baselineSshDeviation.evaluate(sshRef, sshParams)).toEqual([]);
        const sshFound = baselineSshDeviation.evaluate(sshOld, sshParams);
        expect(sshFound.some((o) => o.kind === 'finding' && /offers key exchange\(s\) the reference "NVR standard" does not: .*diffie-hellman-group1-sha1/.test(o.detail ?? ''))).toBe(true);
        expect(sshFound.some((o) => o.kind === 'finding' && /offers cipher\(s\)/.test(o.detail ?? ''))).toBe(true);

        const snmpParams = { reference: 'switch standard', versions: observedSnmp(snmpRef) };
        expect(snmpParams.versions).toEqual(['v3']);
        expect(baselineSnmpDeviation.evaluate(snmpRef, snmpParams)).toEqual([]);
        const snmpFound = baselineSnmpDeviation.evaluate(snmpOld, snmpParams);
        expect(snmpFound.some((o) => o.kind === 'finding' && /SNMP v2c answers; the reference "switch standard": v3/.test(o.detail ?? ''))).toBe(true);
      },
    );
  }, 60_000);
});

// ——— each check on synthetic facts ———

const ADDR = '192.0.2.10';
function view(services: Service[], facts: Omit<Fact, 'host' | 'scanner'>[] = []): HostView {
  return hostViews([{ address: ADDR, class: 'camera', sources: [], services }], facts.map((f) => ({ host: ADDR, scanner: 'test', ...f })))[0]!;
}
const tcp = (port: number, kind: string, tls = false): Service => ({ port, proto: 'tcp', kind, tls });
const handshake = (port: number, versions: Record<string, string[]>, unknown: string[] = []): Omit<Fact, 'host' | 'scanner'> => ({
  type: 'tls.handshake',
  port,
  proto: 'tcp',
  data: {
    versions: [
      ...Object.entries(versions).map(([version, suites]) => ({ version, status: 'accepted', suites: suites.map((name) => ({ code: '0x0000', name })), complete: true })),
      ...unknown.map((version) => ({ version, status: 'unknown', suites: [], complete: false, reason: 'time-out' })),
    ],
    accepted: Object.keys(versions),
    complete: unknown.length === 0,
    connections: 1,
    durationMs: 1,
    notes: [],
  },
});
const users = (list: [string, string][], auth = 'digest'): Omit<Fact, 'host' | 'scanner'> => ({ type: 'onvif.users', port: 443, proto: 'tcp', data: { users: list.map(([name, level]) => ({ name, level })), auth } });
const GCM = 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256';
const CBC = 'TLS_RSA_WITH_AES_128_CBC_SHA';

function kinds(check: HostCheck, v: HostView, params: Record<string, unknown>): string[] {
  return check.evaluate(v, params).map((o) => (o.kind === 'finding' ? `fires ${o.key}` : `not-evaluated ${o.reason}`));
}

describe('baseline checks, one by one', () => {
  it.each<[string, HostCheck, HostView, Record<string, unknown>, RegExp[]]>([
    // unexpected-service
    ['services: same set → nothing', baselineUnexpectedService, view([tcp(443, 'https', true)]), { services: [{ port: 443, proto: 'tcp', kind: 'https' }] }, []],
    ['services: an extra port', baselineUnexpectedService, view([tcp(443, 'https', true), tcp(23, 'telnet')]), { services: [{ port: 443, proto: 'tcp', kind: 'https' }] }, [/^fires extra:23\/tcp telnet$/]],
    ['services: same port, other kind', baselineUnexpectedService, view([tcp(443, 'http')]), { services: [{ port: 443, proto: 'tcp', kind: 'https' }] }, [/^fires extra:443\/tcp http$/]],
    ['services: a missing service', baselineUnexpectedService, view([]), { services: [{ port: 443, proto: 'tcp', kind: 'https' }] }, [/^fires missing:443\/tcp https$/]],
    ['services: no reference in the profile', baselineUnexpectedService, view([]), {}, [/^not-evaluated no reference service list/]],
    ['services: malformed reference', baselineUnexpectedService, view([]), { services: [{ port: 'x' }] }, [/^not-evaluated the profile's reference service list is malformed at services\.0\.port/]],
    // tls-deviation
    ['tls: same versions and suites → nothing', baselineTlsDeviation, view([tcp(443, 'https', true)], [handshake(443, { 'TLSv1.2': [GCM] })]), { endpoints: [{ port: 443, versions: { 'TLSv1.2': [GCM] } }] }, []],
    ['tls: an extra version', baselineTlsDeviation, view([tcp(443, 'https', true)], [handshake(443, { 'TLSv1.0': [CBC], 'TLSv1.2': [GCM] })]), { endpoints: [{ port: 443, versions: { 'TLSv1.2': [GCM] } }] }, [/^fires version\+:TLSv1\.0$/]],
    ['tls: an extra suite and a missing version', baselineTlsDeviation, view([tcp(443, 'https', true)], [handshake(443, { 'TLSv1.2': [GCM, CBC] })]), { endpoints: [{ port: 443, versions: { 'TLSv1.2': [GCM], 'TLSv1.3': ['TLS_AES_128_GCM_SHA256'] } }] }, [/^fires version-:TLSv1\.3$/, /^fires suites\+:TLSv1\.2$/]],
    ['tls: enumeration incomplete → not evaluated', baselineTlsDeviation, view([tcp(443, 'https', true)], [handshake(443, { 'TLSv1.2': [GCM] }, ['TLSv1.0'])]), { endpoints: [{ port: 443, versions: { 'TLSv1.2': [GCM] } }] }, [/^not-evaluated the TLS enumeration on 443\/tcp is incomplete/]],
    ['tls: port open, no enumeration → not evaluated', baselineTlsDeviation, view([tcp(443, 'https', true)]), { endpoints: [{ port: 443, versions: { 'TLSv1.2': [GCM] } }] }, [/^not-evaluated the TLS versions and suites could not be enumerated/]],
    ['tls: no TLS service at all', baselineTlsDeviation, view([]), { endpoints: [{ port: 443, versions: { 'TLSv1.2': [GCM] } }] }, [/^fires no-tls:443$/]],
    // ssh-deviation
    ['ssh: reference without SSH, device without SSH → nothing', baselineSshDeviation, view([]), { endpoints: [] }, []],
    ['ssh: reference SSH missing on the device', baselineSshDeviation, view([]), { endpoints: [{ port: 22, kex: ['curve25519-sha256'], hostKey: ['ssh-ed25519'], ciphers: ['aes256-gcm@openssh.com'], macs: ['hmac-sha2-256'] }] }, [/^fires no-ssh:22$/]],
    ['ssh: port open, no KEXINIT → not evaluated', baselineSshDeviation, view([tcp(22, 'ssh')]), { endpoints: [{ port: 22, kex: ['curve25519-sha256'], hostKey: ['ssh-ed25519'], ciphers: ['aes256-gcm@openssh.com'], macs: ['hmac-sha2-256'] }] }, [/^not-evaluated the SSH key exchange offer could not be read/]],
    // onvif-users-deviation
    ['users: same accounts → nothing', baselineOnvifUsersDeviation, view([tcp(443, 'https', true)], [users([['vms', 'Administrator'], ['viewer', 'User']])]), { users: [{ name: 'viewer', level: 'User' }, { name: 'vms', level: 'Administrator' }] }, []],
    ['users: extra, missing, other role', baselineOnvifUsersDeviation, view([tcp(443, 'https', true)], [users([['admin', 'Administrator'], ['viewer', 'Administrator']])]), { users: [{ name: 'viewer', level: 'User' }, { name: 'vms', level: 'Administrator' }] }, [/^fires extra:admin$/, /^fires level:viewer$/, /^fires missing:vms$/]],
    ['users: ONVIF answers but GetUsers unreadable → not evaluated', baselineOnvifUsersDeviation, view([tcp(443, 'https', true)], [{ type: 'onvif.endpoint', port: 443, proto: 'tcp', data: { url: 'https://x/onvif/device_service', scheme: 'https', soapVersion: '1.2' } }]), { users: [{ name: 'vms', level: 'Administrator' }] }, [/^not-evaluated the ONVIF user list could not be read/]],
    // snmp-deviation
    ['snmp: no SNMP on either → nothing', baselineSnmpDeviation, view([]), { versions: [] }, []],
    ['snmp: v2c answers where the reference has none', baselineSnmpDeviation, view([{ port: 161, proto: 'udp', kind: 'snmp', tls: false }], [{ type: 'snmp.discovery', port: 161, proto: 'udp', data: { v3: false, v2cPublic: true } }]), { versions: [] }, [/^fires version\+:v2c$/]],
    ['snmp: v3 of the reference does not answer', baselineSnmpDeviation, view([]), { versions: ['v3'] }, [/^fires version-:v3$/]],
  ])('%s', (_label, check, v, params, expected) => {
    const got = kinds(check, v, params);
    expect(got).toHaveLength(expected.length);
    for (const pattern of expected) expect(got.some((g) => pattern.test(g)), `${pattern} in ${got.join(' | ')}`).toBe(true);
  });

  it('every baseline check is off in the stock profiles', () => {
    for (const id of ['anssi-base', 'anssi-commissioning', 'nis2']) {
      const p = loadCatalogueProfile(id);
      for (const check of ['baseline.unexpected-service', 'baseline.tls-deviation', 'baseline.ssh-deviation', 'baseline.onvif-users-deviation', 'baseline.snmp-deviation']) {
        expect(p.checks[check]?.enabled, `${id} ${check}`).toBe(false);
      }
    }
  });
});
