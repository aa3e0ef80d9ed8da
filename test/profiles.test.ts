/**
 * Profiles: the `extends` merge rules, line-numbered errors for broken files,
 * the three shipped profiles, their documented differences on the same facts,
 * the published JSON Schema, and the `vigie checks` / `vigie profiles` commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { listProfiles, loadProfile, mergeProfiles } from '../src/core/profile.ts';
import { CATALOGUE, loadCatalogueProfile } from '../src/checks/profiles.ts';
import { CHECKS } from '../src/checks/index.ts';
import { reevaluate } from '../src/engine/offline.ts';
import { PROFILE_SCHEMA_PATH, profileSchemaText } from '../scripts/write-schema.ts';
import type { Result, Severity } from '../src/core/model.ts';
import { runCli, scanSite, startSite, type RunningSite } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-profiles-'));
function profileFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('extends: merge rules', () => {
  it('scalars replace, maps merge key by key, lists replace whole', () => {
    const parent = { a: 1, map: { x: 1, y: { deep: 1, keep: true } }, list: [1, 2, 3] };
    const child = { a: 2, map: { y: { deep: 2 }, z: 3 }, list: [9] };
    expect(mergeProfiles(parent, child)).toEqual({ a: 2, map: { x: 1, y: { deep: 2, keep: true }, z: 3 }, list: [9] });
    // The parent is not modified.
    expect(parent.map.y.deep).toBe(1);
  });

  it('a profile that extends anssi-base changes one key and inherits the rest', () => {
    const path = profileFile('child.yaml', [
      'id: child',
      'version: 3',
      'extends: anssi-base',
      'title: { en: Child, fr: Enfant }',
      'politeness: { perHost: 1 }',
      'ports: { tcp: [22, 443] }',
      'checks:',
      '  proto.telnet-enabled: { severity: critical }',
      '  ssh.weak-kex: { enabled: false }',
      '  firmware.outdated: { params: { minimum: [{ vendor: Axis, model: "^P32", version: "10.12.0" }] } }',
      '  tls.cert-weak-key: { params: { minRsaBits: 4096 } }',
    ]);
    const p = loadCatalogueProfile(path);
    const base = loadCatalogueProfile('anssi-base');
    expect(p.lineage).toEqual(['anssi-base', 'child']);
    expect(p.version).toBe(3);
    // scalar replaced, sibling keys of the map kept
    expect(p.politeness).toEqual({ ...base.politeness, perHost: 1 });
    // list replaced whole
    expect(p.ports.tcp).toEqual([22, 443]);
    expect(p.ports.udp).toEqual(base.ports.udp);
    // a check entry merges key by key: the severity changes, anything else stays
    expect(p.checks['proto.telnet-enabled']).toEqual({ severity: 'critical' });
    expect(p.checks['ssh.weak-kex']).toEqual({ ...base.checks['ssh.weak-kex'], enabled: false });
    // params merge key by key; a list param replaces the parent's list
    expect(p.checks['tls.cert-weak-key']?.params).toEqual({ minRsaBits: 4096, minEcBits: 256 });
    expect(p.checks['firmware.outdated']).toEqual({ severity: 'medium', params: { minimum: [{ vendor: 'Axis', model: '^P32', version: '10.12.0' }] } });
    // untouched checks are inherited as they are
    expect(p.checks['cred.default-accepted']).toEqual(base.checks['cred.default-accepted']);
    expect('extends' in p).toBe(false);
  });

  it('extends may name a file, relative to the profile that extends it', () => {
    const path = profileFile('grandchild.yaml', ['id: grandchild', 'version: 1', 'extends: ./child.yaml', 'title: { en: G, fr: G }', 'politeness: { global: 8 }']);
    const p = loadCatalogueProfile(path);
    expect(p.lineage).toEqual(['anssi-base', 'child', 'grandchild']);
    expect(p.politeness.perHost).toBe(1);
    expect(p.politeness.global).toBe(8);
  });
});

describe('a broken profile gives file:line:column', () => {
  it.each([
    { name: 'bad-severity', lines: ['id: bad-severity', 'version: 1', 'title: { en: a, fr: b }', 'checks:', '  proto.telnet-enabled: { severity: urgent }'], error: /bad-severity\.yaml:5:37: checks\.proto\.telnet-enabled\.severity: / },
    { name: 'yaml-syntax', lines: ['id: yaml-syntax', 'version: 1', 'title: { en: a, fr: b', 'checks: {}'], error: /yaml-syntax\.yaml:\d+:\d+: / },
    { name: 'unknown-key', lines: ['id: unknown-key', 'version: 1', 'title: { en: a, fr: b }', 'politeness: { perHots: 2 }'], error: /unknown-key\.yaml:4:13: politeness: Unrecognized key/ },
    { name: 'unknown-check', lines: ['id: unknown-check', 'version: 1', 'title: { en: a, fr: b }', 'checks:', '  proto.telnet-enabeld: { severity: high }'], error: /unknown-check\.yaml:5:25: checks\.proto\.telnet-enabeld: unknown check id/ },
    {
      name: 'bad-param',
      lines: ['id: bad-param', 'version: 1', 'title: { en: a, fr: b }', 'checks:', '  firmware.outdated:', '    params:', '      minimum:', '        - { vendor: Axis, model: "^P", version: latest }'],
      error: /bad-param\.yaml:8:49: checks\.firmware\.outdated\.params\.minimum\.0\.version: not a version/,
    },
    { name: 'cycle', lines: ['id: cycle', 'version: 1', 'extends: ./cycle.yaml', 'title: { en: a, fr: b }'], error: /extends itself/ },
  ])('$name', ({ name, lines, error }) => {
    const path = profileFile(`${name}.yaml`, lines);
    expect(() => loadCatalogueProfile(path)).toThrow(error);
  });

  it('without the catalogue (core alone) an unknown check id is not core’s business', () => {
    const path = profileFile('loose.yaml', ['id: loose', 'version: 1', 'title: { en: a, fr: b }', 'checks:', '  some.future-check: { severity: high }']);
    expect(loadProfile(path).checks['some.future-check']).toEqual({ severity: 'high' });
  });
});

describe('the shipped profiles', () => {
  it('are anssi-base, anssi-commissioning and nis2, and each loads against the catalogue', () => {
    const ids = listProfiles();
    for (const id of ['anssi-base', 'anssi-commissioning', 'nis2']) expect(ids).toContain(id);
    for (const id of ids) expect(loadProfile(id, { catalogue: CATALOGUE }).id).toBe(id);
  });

  it('anssi-base lists every check of the catalogue (a check nobody lists is never reviewed)', () => {
    const doc = parseYaml(readFileSync(join(import.meta.dirname, '..', 'profiles', 'anssi-base.yaml'), 'utf8')) as { checks: Record<string, unknown> };
    const missing = CHECKS.map((c) => c.meta.id).filter((id) => !(id in doc.checks));
    expect(missing).toEqual([]);
  });

  it('commissioning fails at medium; the credential budget never changes', () => {
    const [base, comm, nis2] = ['anssi-base', 'anssi-commissioning', 'nis2'].map((id) => loadCatalogueProfile(id));
    expect(base!.commissioning).toBeUndefined();
    expect(comm!.commissioning).toEqual({ failAt: 'medium' });
    expect(nis2!.commissioning).toBeUndefined();
    expect(comm!.credentials).toEqual(base!.credentials);
    expect(nis2!.credentials).toEqual(base!.credentials);
  });

  it('the published profile JSON Schema is in sync with the zod schema (npm run schema)', () => {
    expect(readFileSync(PROFILE_SCHEMA_PATH, 'utf8')).toBe(profileSchemaText());
  });
});

describe('the same facts under the three profiles', () => {
  let site: RunningSite;
  let scanned: Result;
  const judged: Record<string, Result> = {};
  beforeAll(async () => {
    site = await startSite([
      { name: 'cam', personality: 'legacy-camera' },
      { name: 'gate-a', personality: 'hik-camera-vulnerable' },
      { name: 'gate-b', personality: 'hik-camera-patched' },
    ]);
    scanned = await scanSite(site, { mode: 'credentials' });
    for (const id of ['anssi-base', 'anssi-commissioning', 'nis2']) judged[id] = reevaluate(scanned, loadCatalogueProfile(id)).result;
  }, 60_000);
  afterAll(async () => site?.stop());
  const addr = (name: string) => site.devices.find((d) => d.name === name)!.address;
  const severityOf = (r: Result, check: string, host: string): Severity | undefined => r.findings.find((f) => f.check === check && f.host === host)?.severity;

  it.each([
    // check, device, anssi-base, anssi-commissioning, nis2 (as documented in docs/profiles.md)
    ['proto.telnet-enabled', 'cam', 'high', 'critical', 'high'],
    ['proto.ftp-enabled', 'cam', 'medium', 'critical', 'medium'],
    ['http.cleartext-admin', 'cam', 'high', 'critical', 'high'],
    ['http.basic-over-cleartext', 'cam', 'medium', 'critical', 'high'],
    ['rtsp.cleartext', 'cam', 'medium', 'critical', 'high'],
    ['onvif.cleartext', 'cam', 'low', 'medium', 'medium'],
    ['time.ntp-not-configured', 'cam', 'low', 'medium', 'medium'],
    ['onvif.users-privilege', 'cam', 'medium', 'medium', 'high'],
    ['firmware.known-vulnerable', 'cam', 'critical', 'critical', 'critical'],
    ['firmware.outdated', 'cam', undefined, undefined, 'high'],
    ['firmware.version-spread', 'gate-a', 'low', 'medium', 'medium'],
    ['tls.cert-weak-key', 'gate-a', undefined, undefined, 'high'],
  ] as const)('%s on %s: %s / %s / %s', (check, device, base, comm, nis2) => {
    expect(severityOf(judged['anssi-base']!, check, addr(device))).toBe(base);
    expect(severityOf(judged['anssi-commissioning']!, check, addr(device))).toBe(comm);
    expect(severityOf(judged.nis2!, check, addr(device))).toBe(nis2);
  });

  it('only the commissioning profile gives verdicts: the factory camera and the vulnerable unit fail, the patched one passes', () => {
    expect(judged['anssi-base']!.plan?.verdicts).toBeUndefined();
    expect(judged.nis2!.plan?.verdicts).toBeUndefined();
    const verdicts = judged['anssi-commissioning']!.plan!.verdicts!;
    const of = (name: string) => verdicts.devices.find((d) => d.host === addr(name))?.verdict;
    expect([of('cam'), of('gate-a'), of('gate-b')]).toEqual(['fail', 'fail', 'pass']);
  });

  it('anssi-base re-evaluated gives back the scan’s own findings', () => {
    expect(judged['anssi-base']!.findings).toEqual(scanned.findings);
  });
});

describe('vigie checks / vigie profiles', () => {
  it('vigie checks: a table with every check, its severity, classes and references', async () => {
    const run = await runCli(['checks']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^id\s+severity \(anssi-base\)\s+classes\s+references/);
    for (const c of CHECKS) {
      const line = lines.find((l) => l.startsWith(`${c.meta.id} `));
      expect(line, c.meta.id).toBeDefined();
      expect(c.meta.references.length, `${c.meta.id} cites nothing`).toBeGreaterThan(0);
      expect(line).toContain(c.meta.references[0]!.id);
    }
    expect(run.stdout).toMatch(new RegExp(`${CHECKS.length} checks in the catalogue`));
  });

  it('vigie checks --profile nis2 --json gives the severities NIS2 sets', async () => {
    const run = await runCli(['checks', '--profile', 'nis2', '--json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as { id: string; severity: string; references: string[] }[];
    expect(rows.find((r) => r.id === 'rtsp.cleartext')?.severity).toBe('high');
    expect(rows.every((r) => r.references.length > 0)).toBe(true);
  });

  it('vigie checks show ID: everything, in French with --lang fr', async () => {
    const [en, fr, unknown] = await Promise.all([runCli(['checks', 'show', 'firmware.known-vulnerable']), runCli(['checks', 'show', 'proto.telnet-enabled', '--lang', 'fr']), runCli(['checks', 'show', 'proto.telnet'])]);
    expect(en.code).toBe(0);
    expect(en.stdout).toMatch(/^firmware\.known-vulnerable — The firmware has a published vulnerability/);
    expect(en.stdout).toMatch(/anssi-commissioning\s+critical/);
    expect(en.stdout).toMatch(/Applies to:/);
    expect(en.stdout).toMatch(/ISO\/IEC 27001:2022 A\.8\.8 — Management of technical vulnerabilities/);
    expect(fr.code).toBe(0);
    expect(fr.stdout).toMatch(/^proto\.telnet-enabled — Telnet est activé/);
    expect(fr.stdout).toMatch(/anssi-commissioning\s+critique/);
    expect(fr.stdout).toMatch(/Remédiation/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown check "proto\.telnet" \(did you mean proto\.telnet-enabled/);
  });

  it('vigie profiles lists them; vigie profiles show nis2 prints the resolved profile as YAML', async () => {
    const [list, show, broken] = await Promise.all([runCli(['profiles']), runCli(['profiles', 'show', 'nis2']), runCli(['profiles', 'show', join(dir, 'bad-severity.yaml')])]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/anssi-commissioning\s+1\s+anssi-base\s+\d+\s+medium/);
    expect(show.code).toBe(0);
    const doc = parseYaml(show.stdout) as { id: string; resolvedFrom: string[]; checks: Record<string, { severity: string; enabled: boolean; params?: Record<string, unknown> }>; credentials: unknown };
    expect(doc.id).toBe('nis2');
    expect(doc.resolvedFrom).toEqual(['anssi-base', 'nis2']);
    // every check appears, resolved: inherited ones too
    expect(Object.keys(doc.checks).sort()).toEqual(CHECKS.map((c) => c.meta.id).sort());
    expect(doc.checks['rtsp.cleartext']).toMatchObject({ enabled: true, severity: 'high' });
    expect(doc.checks['cred.default-accepted']).toMatchObject({ severity: 'critical' });
    expect(doc.checks['tls.cert-weak-key']?.params).toEqual({ minRsaBits: 3072, minEcBits: 256 });
    expect(doc.credentials).toEqual({ budget: 3, maxFailuresPerDevice: 6 });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/bad-severity\.yaml:5:37: /);
  });
});
