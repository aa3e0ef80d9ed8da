/**
 * `vigie verify`: commissioning verification end to end, the real executable
 * against simulated devices. Exit 0 only when every device passes; the
 * hand-over record names the devices, their verdicts, the profile, the
 * operator, and the SHA-256 of result.json.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, scanSite, withSite, type RunningSite } from './helpers.ts';
import { Result as ResultSchema } from '../src/core/model.ts';
import { loadProfile } from '../src/core/profile.ts';
import { readSiteCredentials } from '../src/creds/dictionary.ts';
import { LAB_SECRETS } from '../src/lab/secrets.ts';

/** What an installer brings to a commissioning: the site CA and the accounts they created. */
function siteFiles(site: RunningSite): { dir: string; args: string[]; credentials: string; inventory: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-verify-'));
  const inventory = join(dir, 'devices.csv');
  writeFileSync(inventory, `address,name,class\n${site.devices.map((d) => `${d.address},${d.name},${d.personality.class}`).join('\n')}\n`);
  const ca = join(dir, 'site-ca.pem');
  writeFileSync(ca, site.caPem);
  const credentials = join(dir, 'site-credentials.yaml');
  const { user, password } = LAB_SECRETS.hardenedCamera;
  writeFileSync(credentials, `credentials:\n  - { id: cam-parking, user: ${user}, password: ${password} }\n`);
  return { dir, credentials, inventory, args: ['--ports', site.ports.join(','), '--ca', ca, '--credentials', credentials, '--progress', 'none'] };
}

const readResult = (dir: string) => ResultSchema.parse(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));

describe('vigie verify', () => {
  it('exits 0 on a site of hardened devices, writes the hand-over record with the SHA-256 of result.json; scan --profile gives the same verdicts', async () => {
    await withSite(
      [
        { name: 'cam-parking', personality: 'hardened-camera' },
        { name: 'nvr-ssh', personality: 'modern-ssh' },
      ],
      async (site) => {
        const files = siteFiles(site);
        const out = join(files.dir, 'out');
        const addresses = site.devices.map((d) => d.address);
        const run = await runCli(['verify', files.inventory, ...files.args, '--out', out, '--operator', 'Test Operator', '--site', 'Site B — parking', '--format', 'json,md,html,csv']);
        expect(run.stderr).toMatch(/mode "credentials"/); // announced
        expect(run.code).toBe(0);
        const result = readResult(out);
        expect(result.scan.profile).toBe('anssi-commissioning');
        expect(result.plan!.verdicts).toMatchObject({ profile: 'anssi-commissioning', profileVersion: 1, failAt: 'medium', pass: true });
        expect(result.plan!.verdicts!.devices.map((d) => d.verdict)).toEqual(['pass', 'pass']);
        for (const f of ['report.md', 'report.html', 'plan.csv']) expect(existsSync(join(out, f))).toBe(true);

        const sha = createHash('sha256').update(readFileSync(join(out, 'result.json'))).digest('hex');
        const handover = readFileSync(join(out, 'handover.md'), 'utf8');
        expect(handover).toMatch(/^# Commissioning hand-over record — Site B — parking/);
        expect(handover).toContain(`SHA-256 \`${sha}\``);
        expect(run.stdout).toContain(sha);
        expect(handover).toMatch(/\| Operator \| Test Operator \|/);
        expect(handover).toMatch(/\| Profile \| anssi-commissioning v1 — Fails at medium \|/);
        expect(handover).toMatch(/## Outcome: 2\/2 PASS — every device passes/);
        // Serial number and firmware, read with the installer's credentials (ONVIF GetDeviceInformation).
        expect(handover).toMatch(new RegExp(`\\| ${addresses[0]!.replace(/\./g, '\\.')} \\| cam-parking \\| Camera \\| Axis \\| P3245-LVE \\| ACCC8E000001 \\| 10\\.12\\.182 \\| \\*\\*PASS\\*\\* \\|`));
        expect(handover).toMatch(/\| Client representative \|/);
        expect(run.stdout).toMatch(/Commissioning \(anssi-commissioning v1\): 2\/2 PASS/);

        // `scan --profile anssi-commissioning` (same mode and credentials): the same verdicts.
        const scanned = await scanSite(site, { profile: loadProfile('anssi-commissioning'), mode: 'credentials', siteCredentials: readSiteCredentials(files.credentials) });
        const verdictOf = (r: typeof result) => r.plan!.verdicts!.devices.map((d) => [d.host, d.verdict, d.failing.map((f) => f.key)]);
        expect(verdictOf(scanned)).toEqual(verdictOf(result));
      },
    );
  });

  it('exits 1 when a legacy device is on the site; the French record lists what fails', async () => {
    await withSite(
      [
        { name: 'cam-parking', personality: 'hardened-camera' },
        { name: 'cam-entrance', personality: 'legacy-camera' },
      ],
      async (site) => {
        const files = siteFiles(site);
        const out = join(files.dir, 'out');
        const run = await runCli(['verify', files.inventory, ...files.args, '--out', out, '--lang', 'fr', '--quiet']);
        expect(run.code).toBe(1);
        const result = readResult(out);
        const verdicts = Object.fromEntries(result.plan!.verdicts!.devices.map((d) => [d.host, d]));
        expect(verdicts[site.devices[0]!.address]!.verdict).toBe('pass');
        const legacy = verdicts[site.devices[1]!.address]!;
        expect(legacy.verdict).toBe('fail');
        expect(legacy.failing.map((f) => f.check)).toEqual(expect.arrayContaining(['cred.default-accepted', 'proto.telnet-enabled', 'http.cleartext-admin']));
        const handover = readFileSync(join(out, 'handover.md'), 'utf8');
        expect(handover).toMatch(/^# Procès-verbal de mise en service/);
        expect(handover).toMatch(/## Conclusion : 1\/2 CONFORME|## Conclusion: 1\/2 CONFORME/);
        expect(handover).toMatch(/\*\*NON CONFORME\*\*/);
        expect(handover).toMatch(/- \[[a-zé]+\] Telnet est activé — proto\.telnet-enabled@/);
        expect(handover).toContain(createHash('sha256').update(readFileSync(join(out, 'result.json'))).digest('hex'));
      },
    );
  });

  it('incomplete is not a pass: without the installer credentials the hardened camera cannot be proven', async () => {
    await withSite([{ name: 'cam-parking', personality: 'hardened-camera' }], async (site) => {
      const result = await scanSite(site, { profile: loadProfile('anssi-commissioning'), mode: 'credentials' });
      const device = result.plan!.verdicts!.devices[0]!;
      expect(device.verdict).toBe('incomplete');
      expect(device.failing).toEqual([]);
      expect(device.notEvaluated.length).toBeGreaterThan(0);
      expect(result.plan!.verdicts!.pass).toBe(false);
    });
  });

  it('usage errors exit 2 before anything is sent', async () => {
    const base = await runCli(['verify', '127.42.0.1', '--profile', 'anssi-base']);
    expect(base.code).toBe(2);
    expect(base.stderr).toMatch(/profile "anssi-base" has no commissioning section/);
    const format = await runCli(['verify', '127.42.0.1', '--format', 'pdf']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/unknown format "pdf"/);
  });
});
