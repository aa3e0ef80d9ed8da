/**
 * Firmware: vendor version strings compared without guessing, advisories that
 * fire and must not fire, unknown versions not-evaluated, the fleet spread,
 * and the two Hikvision units of the lab identified over HTTPS on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareFirmware, compareToBound, inRange, parseBuildDate, parseFirmware } from '../src/checks/firmware/version.ts';
import { loadAdvisories } from '../src/checks/firmware/advisories.ts';
import { firmwareKnownVulnerable } from '../src/checks/firmware/known-vulnerable.ts';
import { firmwareOutdated } from '../src/checks/firmware/outdated.ts';
import { firmwareVersionSpread } from '../src/checks/firmware/version-spread.ts';
import type { HostView } from '../src/checks/types.ts';
import { PERSONALITIES } from '../src/lab/personalities.ts';
import { scanSite, startSite, type RunningSite } from './helpers.ts';
import type { Result } from '../src/core/model.ts';

describe('version comparison', () => {
  it.each([
    // Hikvision: version, then build date (YYMMDD)
    ['V5.4.5 build 170124', 'V5.4.5 build 170124', 0],
    ['V5.4.5 build 170124', 'V5.4.5 build 170201', -1],
    ['V5.4.5 build 170124', 'V5.4.0 build 180101', 1],
    ['V5.4.0 Build 160401', 'V5.4.0 build 160530', -1],
    ['V5.5.82 build 190909', 'V5.5.0', 1],
    // a build date on one side only: equal numbers cannot be ordered
    ['V5.4.0', 'V5.4.0 build 160530', undefined],
    // Dahua: 2.622.0000000.31.R, with or without its build date
    ['2.622.0000000.31.R', '2.800.0000000.27.R', -1],
    ['2.622.0000000.31.R', '2.622.0000000.31', 0],
    ['V2.800.0000000.27.R, Build Date: 2021-03-12', 'V2.800.0000000.27.R, Build Date: 2021-05-01', -1],
    ['V4.300.0000000.1', 'V4.001.0000000.3', 1],
    // Cisco IOS: release (maintenance) train rebuild
    ['12.2(55)SE10', '12.2(55)SE7', 1],
    ['12.2(55)SE10', '12.2(58)SE2', -1],
    ['12.2(55)SE', '12.2(55)SE1', -1],
    ['12.2(55)SE10', '12.2(55)EX3', undefined],
    ['15.0(2)SE11', '12.2(55)SE10', 1],
    // Axis and plain dotted versions
    ['10.12.151', '10.12.182', -1],
    ['10.12.151', '9.80.3', 1],
    ['1.41', '1.41.00', 0],
    // nothing to compare
    ['firmware', '1.0', undefined],
    ['', '1.0', undefined],
  ] as const)('%s vs %s → %s', (a, b, expected) => {
    expect(compareFirmware(a, b)).toBe(expected);
    // Antisymmetric where defined.
    if (expected !== undefined) expect(compareFirmware(b, a)).toBe(expected === 0 ? 0 : -expected);
  });

  it.each([
    ['170124', '2017-01-24'],
    ['20210312', '2021-03-12'],
    ['2021-03-12', '2021-03-12'],
    ['2024/1/22', '2024-01-22'],
    ['171324', undefined],
    ['1234', undefined],
  ])('build date %s → %s', (text, iso) => {
    expect(parseBuildDate(text)).toBe(iso);
  });

  it('reads the build date out of the version string', () => {
    expect(parseFirmware('V5.4.5 build 170124')).toEqual({ raw: 'V5.4.5 build 170124', tokens: [5, 4, 5], build: '2017-01-24' });
    expect(parseFirmware('V2.800.0000000.27.R, Build Date: 2021-03-12')?.build).toBe('2021-03-12');
    expect(parseFirmware('12.2(55)SE10')?.tokens).toEqual([12, 2, 55, 'se', 10]);
  });

  it('bounds hostile strings: huge, binary, endless digits', () => {
    const huge = 'V1.'.repeat(100_000);
    expect(parseFirmware(huge)!.raw.length).toBeLessThanOrEqual(200);
    expect(parseFirmware('\u0000\u0001\u00ff')).toBeUndefined();
    expect(parseFirmware('9'.repeat(5000))?.tokens.every((t) => typeof t !== 'number' || Number.isFinite(t))).toBe(true);
  });

  it.each([
    ['V5.5.0 build 170725', 'V5.5.0', 0],
    ['V5.4.9 build 170725', 'V5.5.0', -1],
    ['V5.4.0', 'V5.4.0 build 160530', undefined],
    ['V5.4.0 build 160601', 'V5.4.0 build 160530', 1],
  ] as const)('against a bound: %s vs %s → %s (a bound without build names the whole line)', (v, bound, expected) => {
    expect(compareToBound(v, bound)).toBe(expected);
  });

  it('judges ranges: to inclusive, before exclusive, build dates required when the advisory counts by build', () => {
    const v = parseFirmware('V5.4.0 build 160530')!;
    expect(inRange(v, { from: 'V5.2.0 build 140721', to: 'V5.4.0 build 160530' })).toEqual({ inRange: true });
    expect(inRange(v, { before: 'V5.4.0 build 160530' })).toEqual({ inRange: false });
    expect(inRange(parseFirmware('2.800.0000000.16.R')!, { builtBefore: '2021-06-01' })).toMatchObject({ unknown: expect.stringMatching(/no build date/) });
    expect(inRange(parseFirmware('2.800.0000000.16.R, Build Date: 2021-05-31')!, { builtBefore: '2021-06-01' })).toEqual({ inRange: true });
    expect(inRange(parseFirmware('2.800.0000000.16.R, Build Date: 2021-06-01')!, { builtBefore: '2021-06-01' })).toEqual({ inRange: false });
  });
});

function view(over: Partial<HostView>): HostView {
  return { address: '192.0.2.10', class: 'camera', services: [], facts: [], ...over };
}

describe('advisories data', () => {
  it('every shipped advisory loads, names its CVEs and says where it was verified', () => {
    const all = loadAdvisories();
    expect(all.map((a) => a.id).sort()).toEqual(['CVE-2017-7921', 'CVE-2017-7923', 'CVE-2021-33044', 'CVE-2021-33045', 'CVE-2024-39950']);
    for (const a of all) {
      expect(a.cve).toContain(a.id);
      expect(a.verified.length).toBeGreaterThan(40);
      for (const r of a.affected) for (const bound of [r.from, r.to, r.before].filter(Boolean)) expect(parseFirmware(bound!), `${a.id} ${bound}`).toBeDefined();
    }
  });

  it('a broken advisory file is refused at its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-adv-'));
    writeFileSync(
      join(dir, 'x.yaml'),
      ['advisories:', '  - id: CVE-2099-0001', '    cve: [CVE-2099-0001]', '    vendor: X', '    title: { en: a, fr: b }', '    severity: medium', '    source: https://example.invalid/', '    affected: [{ series: S, model: "^A", to: "1.0" }]', '    verified: somewhere reviewed by hand'].join('\n'),
    );
    expect(() => loadAdvisories(dir)).toThrow(/x\.yaml:6:15: advisories\.0\.severity: /);
  });
});

describe('firmware.known-vulnerable', () => {
  it.each([
    // CVE-2017-7921 and CVE-2017-7923 share their ranges: one finding each.
    { name: 'Hikvision DS-2CD2032-I at the first affected build', v: view({ vendor: 'Hikvision', model: 'DS-2CD2032-I', firmware: 'V5.2.0 build 140721' }), keys: ['CVE-2017-7921', 'CVE-2017-7923'] },
    { name: 'Hikvision DS-2CD2142FWD-I inside the FWD range', v: view({ vendor: 'HIKVISION', model: 'DS-2CD2142FWD-I', firmware: 'V5.4.1 build 160525' }), keys: ['CVE-2017-7921', 'CVE-2017-7923'] },
    { name: 'Dahua IPC-HFW3441E built before June 2021', v: view({ vendor: 'Dahua', model: 'IPC-HFW3441E', firmware: 'V2.800.0000000.16.R, Build Date: 2021-03-12' }), keys: ['CVE-2021-33044'] },
    { name: 'Dahua NVR4216 built before 2024-01-22', v: view({ vendor: 'Zhejiang Dahua', class: 'nvr', model: 'NVR4216-16P-4KS2', firmware: 'V4.001.0000000.3, Build Date: 2023-05-02' }), keys: ['CVE-2024-39950'] },
  ])('fires: $name', ({ v, keys }) => {
    const out = firmwareKnownVulnerable.evaluate(v, {});
    expect(out.map((o) => (o.kind === 'finding' ? o.key : `NE ${o.reason}`)).sort()).toEqual(keys);
    for (const o of out) {
      if (o.kind !== 'finding') continue;
      expect(o.references?.[0]?.id).toBe(o.key);
      expect(o.detail).toContain(v.firmware!);
      expect(['critical', 'high']).toContain(o.severity);
    }
  });

  it.each([
    { name: 'the same model one build after the range', v: view({ vendor: 'Hikvision', model: 'DS-2CD2032-I', firmware: 'V5.4.0 build 160531' }) },
    { name: 'the patched FWD unit', v: view({ vendor: 'Hikvision', model: 'DS-2CD2142FWD-I', firmware: 'V5.5.82 build 190909' }) },
    { name: 'a Hikvision model outside every series', v: view({ vendor: 'Hikvision', class: 'nvr', model: 'DS-7608NI-K2', firmware: 'V4.1.64 build 160824' }) },
    { name: 'a Dahua intercom outside the series', v: view({ vendor: 'Dahua', class: 'intercom', model: 'VTO2111D-WP', firmware: 'V4.300.0000000.1' }) },
    { name: 'a Dahua camera built after the fix', v: view({ vendor: 'Dahua', model: 'IPC-HFW3441E', firmware: 'V2.800.0000000.16.R, Build Date: 2021-07-01' }) },
    { name: 'a vendor without advisories', v: view({ vendor: 'Axis', model: 'P3245-LVE', firmware: '10.12.182' }) },
    { name: 'an unidentified device', v: view({}) },
  ])('must not fire: $name', ({ v }) => {
    expect(firmwareKnownVulnerable.evaluate(v, {})).toEqual([]);
  });

  it.each([
    { name: 'firmware unknown', v: view({ vendor: 'Hikvision', model: 'DS-2CD2032-I' }), reason: /firmware version is unknown/ },
    { name: 'model unknown', v: view({ vendor: 'Hikvision', firmware: 'V5.2.0 build 140721' }), reason: /model is unknown/ },
    { name: 'no build date where Dahua counts by build', v: view({ vendor: 'Dahua', model: 'IPC-HFW3441E', firmware: '2.800.0000000.16.R' }), reason: /no build date/ },
    { name: 'no build date on the Hikvision bound', v: view({ vendor: 'Hikvision', model: 'DS-2CD2032-I', firmware: 'V5.4.0' }), reason: /cannot be ordered/ },
  ])('unknown version → not-evaluated: $name', ({ v, reason }) => {
    const out = firmwareKnownVulnerable.evaluate(v, {});
    expect(out.length).toBeGreaterThan(0);
    for (const o of out) {
      expect(o.kind).toBe('not-evaluated');
      if (o.kind === 'not-evaluated') expect(o.reason).toMatch(reason);
    }
  });
});

describe('firmware.outdated', () => {
  const params = { minimum: [{ vendor: 'Hikvision', model: '^DS-2CD', version: 'V5.5.0' }] };
  it.each([
    { v: view({ vendor: 'Hikvision', model: 'DS-2CD2032-I', firmware: 'V5.2.0 build 140721' }), expected: 'finding' },
    { v: view({ vendor: 'Hikvision', model: 'DS-2CD2142FWD-I', firmware: 'V5.5.0 build 170725' }), expected: 'none' },
    { v: view({ vendor: 'Hikvision', model: 'DS-2CD2142FWD-I', firmware: 'V5.5.82 build 190909' }), expected: 'none' },
    { v: view({ vendor: 'Hikvision', model: 'DS-2CD2142FWD-I' }), expected: 'not-evaluated' },
    { v: view({ vendor: 'Hikvision', class: 'nvr', model: 'DS-7608NI-K2', firmware: 'V4.1.64 build 160824' }), expected: 'none' },
    { v: view({ vendor: 'Axis', model: 'P3245-LVE', firmware: '10.12.182' }), expected: 'none' },
  ])('$v.model $v.firmware → $expected', ({ v, expected }) => {
    const out = firmwareOutdated.evaluate(v, params);
    expect(out.length ? out[0]!.kind : 'none').toBe(expected);
  });

  it('without minima (anssi-base) it has nothing to say', () => {
    expect(firmwareOutdated.evaluate(view({ vendor: 'Hikvision', model: 'DS-2CD2032-I', firmware: 'V5.2.0 build 140721' }), { minimum: [] })).toEqual([]);
  });
});

describe('firmware.version-spread (fleet)', () => {
  const cam = (address: string, firmware?: string, model = 'DS-2CD2142FWD-I') => view({ address, vendor: 'Hikvision', model, ...(firmware ? { firmware } : {}) });
  it('names the devices behind the newest version of their model, not the newest', () => {
    const out = firmwareVersionSpread.evaluate([cam('192.0.2.1', 'V5.4.1 build 160525'), cam('192.0.2.2', 'V5.5.82 build 190909'), cam('192.0.2.3', 'V5.5.82 build 190909'), cam('192.0.2.4')], {});
    expect(out.map((o) => o.host)).toEqual(['192.0.2.1']);
    expect(out[0]).toMatchObject({ kind: 'finding', detail: expect.stringMatching(/runs V5\.4\.1 build 160525; 2 other device\(s\) of the model run V5\.5\.82 build 190909/) });
  });
  it.each([
    { name: 'one version across the model', hosts: [cam('192.0.2.1', 'V5.5.82 build 190909'), cam('192.0.2.2', 'V5.5.82 build 190909')] },
    { name: 'the same version written twice', hosts: [cam('192.0.2.1', '1.41'), cam('192.0.2.2', '1.41.00')] },
    { name: 'different models', hosts: [cam('192.0.2.1', 'V5.4.1 build 160525'), cam('192.0.2.2', 'V5.5.82 build 190909', 'DS-2CD2032-I')] },
  ])('must not fire: $name', ({ hosts }) => {
    expect(firmwareVersionSpread.evaluate(hosts, {})).toEqual([]);
  });
  it('names every device when the versions cannot be ordered', () => {
    const out = firmwareVersionSpread.evaluate([cam('192.0.2.1', '12.2(55)SE10'), cam('192.0.2.2', '12.2(55)EX3')], {});
    expect(out.map((o) => o.host).sort()).toEqual(['192.0.2.1', '192.0.2.2']);
  });
});

describe('two units of one model over HTTPS on loopback', () => {
  let site: RunningSite;
  let result: Result;
  beforeAll(async () => {
    site = await startSite([
      { name: 'gate-a', personality: 'hik-camera-vulnerable' },
      { name: 'gate-b', personality: 'hik-camera-patched' },
    ]);
    result = await scanSite(site, { mode: 'safe' });
  }, 60_000);
  afterAll(async () => site?.stop());
  const at = (name: string) => site.devices.find((d) => d.name === name)!;

  it('the login page names model and firmware; the fingerprint says where it read them', () => {
    const a = result.hosts.find((h) => h.address === at('gate-a').address)!;
    expect(a).toMatchObject({ vendor: 'Hikvision', model: 'DS-2CD2142FWD-I', firmware: 'V5.4.1 build 160525', class: 'camera' });
    expect(a.sources.find((s) => s.field === 'firmware')?.source).toMatch(/page title/);
  });

  it.each(['gate-a', 'gate-b'])('%s: findings are exactly the personality’s expected checks', (name) => {
    const d = at(name);
    const got = [...new Set(result.findings.filter((f) => f.host === d.address && f.check !== 'inventory.device').map((f) => f.check))].sort();
    expect(got).toEqual([...PERSONALITIES[d.personality.id]!.expected].sort());
  });

  it('the vulnerable unit carries both advisories, with the page title as evidence', () => {
    const found = result.findings.filter((f) => f.host === at('gate-a').address && f.check === 'firmware.known-vulnerable');
    expect(found.map((f) => [f.key, f.severity])).toEqual([
      ['CVE-2017-7921', 'critical'],
      ['CVE-2017-7923', 'high'],
    ]);
    expect(found[0]!.references.map((r) => r.id)).toContain('CVE-2017-7921');
    expect(found[0]!.evidence?.note).toMatch(/firmware V5\.4\.1 build 160525 \(http \d+ page title\)/);
  });
});
