/**
 * Waivers: the site file (schema, line-numbered errors), each kind of
 * selector, the expiry day, and `vigie scan --site` end to end on loopback:
 * a waived finding stays in the result with its waiver, an expired one is
 * open again and says so.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyWaivers, globToRegExp, waiverMatches, type WaiverHost } from '../src/checks/waivers.ts';
import { readSiteFile, type Waiver } from '../src/core/site-file.ts';
import { Result as ResultSchema, type Finding } from '../src/core/model.ts';
import { findCheck } from '../src/checks/index.ts';
import { siteInputs } from '../src/cli/site.ts';
import { runCli, withSite } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-waivers-'));
function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function finding(check: string, host: string, port?: number): Finding {
  return {
    check,
    host,
    ...(port !== undefined ? { port, proto: 'tcp' as const } : {}),
    severity: 'high',
    title: { en: 't', fr: 't' },
    references: [],
    remediation: { en: 'r', fr: 'r' },
    status: 'open',
  };
}

const HOSTS: WaiverHost[] = [
  { address: '192.0.2.10', name: 'cam-entrance', class: 'camera' },
  { address: '192.0.2.11', name: 'cam-parking', class: 'camera' },
  { address: '192.0.2.20', name: 'door-1', class: 'access-controller' },
  { address: '198.51.100.7', class: 'nvr' },
];

function waiver(over: Partial<Waiver>): Waiver {
  return { check: 'proto.telnet-enabled', justification: 'vendor support needs it until the migration', approver: 'J. Client', expires: '2026-06-30', ...over } as Waiver;
}

describe('selectors', () => {
  const f = (host: string) => finding('proto.telnet-enabled', host, 23);
  it.each([
    { kind: 'host', w: waiver({ host: '192.0.2.10' }), yes: ['192.0.2.10'], no: ['192.0.2.11'] },
    { kind: 'cidr', w: waiver({ cidr: '192.0.2.0/28' }), yes: ['192.0.2.10', '192.0.2.11'], no: ['192.0.2.20', '198.51.100.7'] },
    { kind: 'range', w: waiver({ cidr: '192.0.2.10-11' }), yes: ['192.0.2.10', '192.0.2.11'], no: ['192.0.2.20'] },
    { kind: 'class', w: waiver({ class: 'camera' }), yes: ['192.0.2.10', '192.0.2.11'], no: ['192.0.2.20', '198.51.100.7'] },
    { kind: 'name glob', w: waiver({ name: 'cam-*' }), yes: ['192.0.2.10', '192.0.2.11'], no: ['192.0.2.20', '198.51.100.7'] },
    { kind: 'name ?', w: waiver({ name: 'door-?' }), yes: ['192.0.2.20'], no: ['192.0.2.10'] },
  ])('$kind', ({ w, yes, no }) => {
    for (const host of yes) expect(waiverMatches(w, f(host), HOSTS.find((h) => h.address === host)), host).toBe(true);
    for (const host of no) expect(waiverMatches(w, f(host), HOSTS.find((h) => h.address === host)), host).toBe(false);
  });

  it('a port narrows it; another check is never waived', () => {
    const w = waiver({ host: '192.0.2.10', port: 23 });
    expect(waiverMatches(w, finding('proto.telnet-enabled', '192.0.2.10', 23), HOSTS[0])).toBe(true);
    expect(waiverMatches(w, finding('proto.telnet-enabled', '192.0.2.10', 2323), HOSTS[0])).toBe(false);
    expect(waiverMatches(w, finding('proto.ftp-enabled', '192.0.2.10', 23), HOSTS[0])).toBe(false);
  });

  it('globs escape everything but * and ?', () => {
    expect(globToRegExp('cam.(1)*').test('cam.(1)-north')).toBe(true);
    expect(globToRegExp('cam.(1)*').test('camX(1)')).toBe(false);
  });
});

describe('expiry', () => {
  const findings = [finding('proto.telnet-enabled', '192.0.2.10', 23), finding('proto.telnet-enabled', '192.0.2.11', 23), finding('ftp.anonymous', '192.0.2.10', 21)];
  const waivers = [waiver({ id: 'W-1', host: '192.0.2.10', expires: '2026-06-30' }), waiver({ id: 'W-2', check: 'ssdp.upnp-enabled', class: 'camera' })];

  it.each([
    ['2026-06-29', 'waived', 'active'],
    ['2026-06-30', 'waived', 'active'], // the expiry day itself is covered
    ['2026-07-01', 'open', 'expired'],
  ])('as of %s the finding is %s, its waiver %s', (asOf, status, state) => {
    const out = applyWaivers(findings, HOSTS, waivers, asOf);
    expect(out.findings[0]).toMatchObject({ status, waiver: { id: 'W-1', state, selector: 'host 192.0.2.10', approver: 'J. Client', expires: '2026-06-30', asOf } });
    // the others are untouched
    expect(out.findings[1]).toEqual(findings[1]);
    expect(out.findings[2]).toEqual(findings[2]);
    expect(out.expired.map((w) => w.id)).toEqual(state === 'expired' ? ['W-1'] : []);
    expect(out.unused.map((w) => w.id)).toEqual(['W-2']);
  });

  it('an active waiver wins over an expired one; re-applying gives the same result', () => {
    const both = [waiver({ id: 'old', host: '192.0.2.10', expires: '2025-01-31' }), waiver({ id: 'new', cidr: '192.0.2.0/24', expires: '2027-01-31' })];
    const once = applyWaivers(findings, HOSTS, both, '2026-01-01');
    expect(once.findings[0]).toMatchObject({ status: 'waived', waiver: { id: 'new', state: 'active' } });
    expect(applyWaivers(once.findings, HOSTS, both, '2026-01-01')).toEqual(once);
    // without waivers, the recorded ones are dropped: status is the evaluation's again
    expect(applyWaivers(once.findings, HOSTS, [], '2026-01-01').findings).toEqual(findings);
  });
});

describe('the site file', () => {
  it('reads name, scope, inventory, credentials by reference and waivers', () => {
    const creds = file('creds.yaml', ['credentials:', '  - { id: cam-admin, user: admin, passwordEnv: VIGIE_TEST_SITE_PW, protocols: [http-basic] }']);
    const path = file('site.yaml', [
      'name: Entrepôt B',
      'scope: { include: [192.0.2.0/24], exclude: [192.0.2.1] }',
      'inventory:',
      '  - { address: 192.0.2.10, name: cam-entrance, class: camera }',
      '  - { address: 192.0.2.20, name: door-1 }',
      `credentials: ${creds.split('/').pop()}`,
      'waivers:',
      '  - { id: W-1, check: proto.telnet-enabled, host: 192.0.2.10, port: 23, justification: vendor support until the migration, approver: J. Client, expires: 2026-06-30 }',
      'manual:',
      '  manual.servers-protected-zone: { status: compliant }',
    ]);
    const loaded = readSiteFile(path, (id) => findCheck(id) !== undefined);
    expect(loaded.site.name).toBe('Entrepôt B');
    expect(loaded.credentialsPath).toBe(creds);
    expect(loaded.site.waivers[0]).toMatchObject({ check: 'proto.telnet-enabled', port: 23, expires: '2026-06-30' });
    const inputs = siteInputs(path, [], {}, { VIGIE_TEST_SITE_PW: 'not-a-real-password' });
    expect(inputs.targets).toEqual(['192.0.2.10', '192.0.2.20']);
    expect(inputs.scope).toEqual(['192.0.2.0/24']);
    expect(inputs.exclude).toEqual(['192.0.2.1']);
    expect(inputs.credentials?.map((c) => [c.id, c.user, c.protocols])).toEqual([['site:cam-admin', 'admin', ['http-basic']]]);
    // the command line wins
    const cli = siteInputs(path, ['192.0.2.30'], { scope: ['192.0.2.30'], exclude: ['192.0.2.2'] }, { VIGIE_TEST_SITE_PW: 'x' });
    expect([cli.targets, cli.scope, cli.exclude]).toEqual([['192.0.2.30'], ['192.0.2.30'], ['192.0.2.2', '192.0.2.1']]);
  });

  it.each([
    { name: 'two-selectors', lines: ['name: S', 'waivers:', '  - { check: proto.telnet-enabled, host: 192.0.2.10, class: camera, justification: long enough text, approver: JC, expires: 2026-06-30 }'], error: /two-selectors\.yaml:3:5: waivers\.0: give exactly one of host, cidr, class or name/ },
    { name: 'no-justification', lines: ['name: S', 'waivers:', '  - check: proto.telnet-enabled', '    host: 192.0.2.10', '    approver: JC', '    expires: 2026-06-30'], error: /no-justification\.yaml:3:5: waivers\.0\.justification: / },
    { name: 'bad-date', lines: ['name: S', 'waivers:', '  - { check: proto.telnet-enabled, host: 192.0.2.10, justification: long enough text, approver: JC, expires: 30/06/2026 }'], error: /bad-date\.yaml:3:110: waivers\.0\.expires: a date like 2026-06-30/ },
    { name: 'unknown-check', lines: ['name: S', 'waivers:', '  - { check: proto.telnet-enabeld, host: 192.0.2.10, justification: long enough text, approver: JC, expires: 2026-06-30 }'], error: /unknown-check\.yaml:3:14: waivers\.0\.check: unknown check id "proto\.telnet-enabeld"/ },
    { name: 'bad-address', lines: ['name: S', 'inventory:', '  - { address: 192.0.2.300 }'], error: /bad-address\.yaml:3:16: inventory\.0\.address: not an IPv4 address/ },
    { name: 'twice', lines: ['name: S', 'inventory:', '  - { address: 192.0.2.1 }', '  - { address: 192.0.2.1 }'], error: /twice\.yaml:4:16: inventory\.1\.address: 192\.0\.2\.1 is listed twice/ },
    { name: 'typo', lines: ['name: S', 'waviers: []'], error: /typo\.yaml:1:1: \(top level\): Unrecognized key: "waviers"/ },
  ])('$name: an error at file:line:column', ({ name, lines, error }) => {
    const path = file(`${name}.yaml`, lines);
    expect(() => readSiteFile(path, (id) => findCheck(id) !== undefined)).toThrow(error);
  });

  it('a credential whose environment variable is not set is a usage error naming it', () => {
    const path = file('env.yaml', ['name: S', 'inventory: [{ address: 192.0.2.10 }]', 'credentials:', '  - { id: cam, user: admin, passwordEnv: VIGIE_TEST_UNSET_VAR }']);
    expect(() => siteInputs(path, [], {}, {})).toThrow(/credential "cam" has no password .*VIGIE_TEST_UNSET_VAR is not set/);
  });
});

describe('vigie scan --site on loopback', () => {
  it('takes targets and scope from the file; the waived finding stays with its waiver, the expired one is open again', async () => {
    await withSite([{ name: 'cam-entrance', personality: 'legacy-camera' }], async (site) => {
      const cam = site.devices[0]!;
      const path = file('loopback.site.yaml', [
        'name: Lab site',
        `scope: { include: [127.42.${site.block}.0/24] }`,
        'inventory:',
        `  - { address: ${cam.address}, name: cam-entrance, class: camera }`,
        'waivers:',
        `  - { id: W-telnet, check: proto.telnet-enabled, name: "cam-*", justification: vendor support until the 2027 migration, approver: J. Client, expires: 2099-12-31 }`,
        `  - { id: W-ftp, check: ftp.anonymous, host: ${cam.address}, justification: firmware cannot disable it, approver: J. Client, expires: 2020-01-31 }`,
        `  - { id: W-none, check: ssdp.upnp-enabled, class: camera, justification: nothing to waive here, approver: J. Client, expires: 2099-12-31 }`,
      ]);
      const out = join(dir, 'scan-out');
      const run = await runCli(['scan', '--site', path, '--ports', `${cam.ports.telnet},${cam.ports.ftp},${cam.ports.http}`, '--out', out, '--quiet', '--progress', 'none'], { timeoutMs: 90_000 });
      expect(run.code, run.stderr).toBe(0);
      const result = ResultSchema.parse(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
      expect(result.scan.targets).toEqual([cam.address]);
      expect(result.hosts[0]?.name).toBe('cam-entrance');
      const telnet = result.findings.find((f) => f.check === 'proto.telnet-enabled')!;
      expect(telnet).toMatchObject({ status: 'waived', waiver: { id: 'W-telnet', state: 'active', selector: 'name cam-*', expires: '2099-12-31' } });
      const ftp = result.findings.find((f) => f.check === 'ftp.anonymous')!;
      expect(ftp).toMatchObject({ status: 'open', waiver: { id: 'W-ftp', state: 'expired' } });
      // a waived finding is not an open one: the plan lists it apart, counts leave it out
      expect(result.plan?.waived.map((w) => w.check)).toContain('proto.telnet-enabled');
      const md = readFileSync(join(out, 'report.md'), 'utf8');
      expect(md).toMatch(/## Waivers/);
      expect(md).toMatch(/\| active \| `proto\.telnet-enabled` \|/);
      expect(md).toMatch(/\| \*\*EXPIRED\*\* — open again \| `ftp\.anonymous` \|/);
    });
  }, 120_000);
});
