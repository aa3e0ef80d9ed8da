/**
 * Supervision: three scans of one simulated site whose devices change between
 * runs (telnet switched off on the camera, FTP turned on on the recorder, an
 * unmanaged recorder appears, the camera's firmware is updated); the diff and
 * the KPIs are checked exactly. Then the Prometheus file, the notification
 * (to a local server on 127.0.0.1), and the real `vigie supervise`, `diff`
 * and `kpi` commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runCli, scanSite, siteTargets, startSite, withSite, type RunningSite } from './helpers.ts';
import type { Result } from '../src/core/model.ts';
import { LAB_SECRETS, labPasswords } from '../src/lab/secrets.ts';
import { SUPERVISED_FIRMWARE } from '../src/lab/supervision-personalities.ts';
import type { DeviceSpec } from '../src/lab/site.ts';
import { supervise, type SuperviseOutcome } from '../src/supervise/run.ts';
import { renderDiffMarkdown, renderDiffText, diffResults } from '../src/supervise/diff.ts';
import { computeKpis, periodOf, renderKpiText } from '../src/supervise/kpi.ts';
import { renderPrometheus } from '../src/supervise/prometheus.ts';
import { withStore } from '../src/store/store.ts';
import { snapshotOf } from '../src/store/snapshot.ts';
import { fakeResult } from './store-fixtures.ts';
import type { KeySource } from '../src/store/crypto.ts';
import { renderHtml } from '../reports/html.ts';

const DAY = 86_400_000;
const T = ['2026-03-16T09:00:00.000Z', '2026-04-13T09:00:00.000Z', '2026-05-11T09:00:00.000Z'] as const;
const SITE = 'Entrepôt Nord';
/** Test-only scrypt cost (the default N=2^17 is what the CLI always uses). */
const FAST = { log2N: 10, r: 8, p: 1 };
const KEY: KeySource = { kind: 'passphrase', passphrase: 'supervision test passphrase', label: 'the test passphrase' };
const SITE_CREDENTIAL = { id: 'site:cam-gate', user: LAB_SECRETS.hardenedCamera.user, password: LAB_SECRETS.hardenedCamera.password, protocols: ['onvif'], source: 'test site credentials', origin: 'site' as const };

/** The three visits: the same units at the same addresses (127.42.B.10, .11, .12). */
const RUNS: DeviceSpec[][] = [
  [
    { name: 'cam-gate', personality: 'supervised-camera-telnet' },
    { name: 'nvr-main', personality: 'supervised-recorder' },
  ],
  [
    { name: 'cam-gate', personality: 'supervised-camera' },
    { name: 'nvr-main', personality: 'supervised-recorder-ftp' },
    { name: 'nvr-new', personality: 'legacy-nvr' },
  ],
  [
    { name: 'cam-gate', personality: 'supervised-camera-updated' },
    { name: 'nvr-main', personality: 'supervised-recorder-ftp' },
    { name: 'nvr-new', personality: 'legacy-nvr' },
  ],
];

/** Start the site on a given block (another test file may hold it for a moment: wait and retry). */
async function startOn(devices: DeviceSpec[], block?: number): Promise<RunningSite> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const site = await startSite(devices, block === undefined ? {} : { block });
    if (block === undefined || site.block === block) return site;
    await site.stop();
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`block ${block} stayed busy`);
}

/** The scan as if run at `at` (supervision runs weeks apart; the store orders and measures by scan time). */
function dated(result: Result, at: string): Result {
  const took = Date.parse(result.scan.finished) - Date.parse(result.scan.started);
  return { ...result, scan: { ...result.scan, started: at, finished: new Date(Date.parse(at) + took).toISOString() } };
}

describe('three supervision scans of a changing site', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-supervise-'));
  const prom = join(dir, 'vigie.prom');
  const outcomes: SuperviseOutcome[] = [];
  const ports: Record<string, Record<string, number>> = {};
  let block: number | undefined;
  let server: http.Server;
  const posted: { body: string; status: number }[] = [];
  let notifyUrl = '';

  beforeAll(async () => {
    // The receiving end of --notify: refuses the first POST (503), accepts the retry.
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const status = posted.length === 0 ? 503 : 204;
        posted.push({ body, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    notifyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/vigie?token=not-a-secret-to-log`;

    for (const [i, devices] of RUNS.entries()) {
      const site = await startOn(devices, block);
      block = site.block;
      try {
        // Services come and go between runs (telnet in run 1 only): keep every port a unit ever had.
        for (const d of site.devices) ports[d.address] = { ...ports[d.address], ...d.ports };
        outcomes.push(
          await supervise({
            store: { dir, key: KEY, scryptForTests: FAST },
            site: SITE,
            scan: async () => dated(await scanSite(site, { mode: 'safe', siteCredentials: [SITE_CREDENTIAL] }), T[i]!),
            audit: { command: 'vigie supervise (test)', targets: siteTargets(site).map((t) => t.address), scope: { include: [`127.42.${site.block}.0/24`], exclude: [] }, mode: 'safe' },
            ...(i === 2 ? { prometheus: prom, notifyUrl, notifyOptions: { timeoutMs: 5000, backoffMs: () => 10 } } : {}),
          }),
        );
      } finally {
        await site.stop();
      }
    }
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
  });

  const addr = (i: number) => `127.42.${block}.${10 + i}`;
  const key = (check: string, i: number, service: string) => `${check}@${addr(i)}:${ports[addr(i)]![service]}/tcp`;

  it('run 1 is the first scan of the site; every scan is in the encrypted supervision store', async () => {
    expect(outcomes).toHaveLength(3);
    expect(outcomes[0]!.diff).toBeUndefined();
    expect(outcomes[0]!.exitCode).toBe(0);
    await withStore({ dir, key: KEY, create: false }, (store) => {
      expect(store.kind).toBe('supervision');
      expect(store.scans({ site: SITE }).map((s) => s.started)).toEqual([...T]);
    });
    expect(readFileSync(join(dir, 'vigie.db')).subarray(0, 6).toString('latin1')).toBe('VIGIEC');
  });

  it('run 1 → 2: telnet fixed, FTP regressed, a new recorder with its findings, plan action done', () => {
    const d = outcomes[1]!.diff!;
    console.log(`\n${renderDiffText(d, SITE)}\n`);
    expect(outcomes[1]!.previous).toBe(outcomes[0]!.result.scan.id);
    expect(d.newDevices).toEqual([{ address: addr(2), name: 'nvr-new', class: 'nvr', vendor: 'Hikvision', model: 'DS-7608NI-K2', firmware: 'V4.1.64 build 160824' }]);
    expect(d.disappearedDevices).toEqual([]);
    expect(d.newFindings.map((f) => [f.severity, f.key, Boolean(f.newDevice)])).toEqual([
      ['critical', key('onvif.unauthenticated', 2, 'http'), true],
      ['high', key('http.cleartext-admin', 2, 'http'), true],
      ['medium', key('proto.ftp-enabled', 1, 'ftp'), false],
      ['low', key('onvif.cleartext', 2, 'http'), true],
    ]);
    expect(d.regressions).toBe(1);
    expect(d.newDeviceFindings).toBe(3);
    expect(d.fixedFindings.map((f) => [f.severity, f.key])).toEqual([['high', key('proto.telnet-enabled', 0, 'telnet')]]);
    expect(d.notVerified).toEqual([]);
    expect(d.waivedFindings).toEqual([]);
    expect(d.firmwareChanges).toEqual([]);
    expect(d.plan?.actions.map((a) => [a.id, a.status])).toEqual([['disable-telnet', 'done']]);
    expect(outcomes[1]!.exitCode).toBe(1);
  });

  it('run 2 → 3: the camera firmware update, nothing else; the plan of run 2 is not done', () => {
    const d = outcomes[2]!.diff!;
    console.log(`\n${renderDiffText(d, SITE)}\n`);
    expect(d.newDevices).toEqual([]);
    expect(d.disappearedDevices).toEqual([]);
    expect(d.newFindings).toEqual([]);
    expect(d.fixedFindings).toEqual([]);
    expect(d.firmwareChanges).toEqual([{ address: addr(0), name: 'cam-gate', vendor: 'Axis', model: 'P3245-LVE', from: SUPERVISED_FIRMWARE.before, to: SUPERVISED_FIRMWARE.after }]);
    expect(d.plan?.actions.map((a) => [a.id, a.status]).sort()).toEqual([
      ['disable-ftp', 'not-done'],
      ['https-admin', 'not-done'],
      ['onvif-authentication', 'not-done'],
    ]);
    expect(outcomes[2]!.exitCode).toBe(0);
    // The Markdown form says the same.
    const md = renderDiffMarkdown(d, SITE);
    expect(md).toMatch(/## Firmware changes[\s\S]*10\.12\.182 \| 10\.12\.206/);
  });

  it('KPIs by quarter and by month, exactly', async () => {
    const report = outcomes[2]!.kpi;
    console.log(`\n${renderKpiText(report)}\n`);
    expect(report.periods.map((p) => [p.period, p.scans, p.compliance.devices, p.compliance.compliant, p.compliance.threshold])).toEqual([
      ['2026-Q1', 1, 2, 1, 'high'],
      ['2026-Q2', 2, 3, 2, 'high'],
    ]);
    expect(report.periods[0]!.compliance.rate).toBe(0.5);
    expect(report.periods[1]!.compliance.rate).toBeCloseTo(2 / 3, 12);
    // Telnet: first seen in run 1, gone in run 2 (28 days later): the only fix.
    expect(report.periods[0]!.meanTimeToFix.all).toEqual({ fixed: 0, meanMs: null, meanDays: null });
    expect(report.periods[1]!.meanTimeToFix.high).toEqual({ fixed: 1, meanMs: 28 * DAY, meanDays: 28 });
    expect(report.periods[1]!.meanTimeToFix.all).toEqual({ fixed: 1, meanMs: 28 * DAY, meanDays: 28 });
    for (const s of ['critical', 'medium', 'low'] as const) expect(report.periods[1]!.meanTimeToFix[s].fixed).toBe(0);
    expect(report.periods.map((p) => [p.firmwareUpdates.count, p.firmwareUpdates.devices])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(report.periods[1]!.firmwareUpdates.changes).toEqual([
      { address: addr(0), name: 'cam-gate', vendor: 'Axis', model: 'P3245-LVE', from: SUPERVISED_FIRMWARE.before, to: SUPERVISED_FIRMWARE.after, scan: outcomes[2]!.result.scan.id, at: T[2] },
    ]);
    expect(report.total.scans).toBe(3);
    expect(report.total.compliance?.compliant).toBe(2);

    const monthly = await withStore({ dir, key: KEY, create: false }, (store) => computeKpis(SITE, store.snapshots(SITE), 'month'));
    expect(monthly.periods.map((p) => [p.period, p.compliance.compliant, p.compliance.devices, p.meanTimeToFix.all.fixed, p.firmwareUpdates.count])).toEqual([
      ['2026-03', 1, 2, 0, 0],
      ['2026-04', 2, 3, 1, 0],
      ['2026-05', 2, 3, 0, 1],
    ]);
    expect(periodOf('2026-12-31T23:59:59.999Z', 'quarter')).toEqual({ period: '2026-Q4', from: '2026-10-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
  });

  it('the findings index keeps first_seen across runs (FTP first seen in run 2, still open in run 3)', async () => {
    const index = await withStore({ dir, key: KEY, create: false }, (store) => store.findingsIndex(outcomes[2]!.result.scan.id));
    expect(index.find((f) => f.key === key('proto.ftp-enabled', 1, 'ftp'))?.firstSeen).toBe(T[1]);
    expect(index.find((f) => f.key === key('onvif.unauthenticated', 2, 'http'))?.firstSeen).toBe(T[1]);
  });

  it('history points feed the HTML trend chart', () => {
    const history = outcomes[2]!.history;
    expect(history.map((p) => [p.date, p.compliance.compliant, p.fixesSoFar])).toEqual([
      [T[0], 1, 0],
      [T[1], 2, 1],
    ]);
    expect(history[1]!.counts).toEqual({ critical: 1, high: 1, medium: 1, low: 1, info: 0 });
    expect(renderHtml(outcomes[2]!.result, 'en', { history })).toMatch(/chart-trend/);
  });

  it('writes the Prometheus textfile and notifies (one retry after a 503), without secrets', () => {
    const text = readFileSync(prom, 'utf8');
    expect(text).toContain(`vigie_compliance_ratio{site="${SITE}"} 0.666667`);
    expect(text).toContain(`vigie_devices{site="${SITE}"} 3`);
    expect(text).toContain(`vigie_mean_time_to_fix_seconds{site="${SITE}",severity="high"} ${28 * 86400}`);
    expect(text).toContain(`vigie_firmware_updates_total{site="${SITE}"} 1`);
    expect(text).toContain(`vigie_regressions{site="${SITE}"} 0`);
    expect(text).toContain(`vigie_open_findings{site="${SITE}",severity="critical"} 1`);
    // Every sample line is `name{labels} number`; every metric has HELP and TYPE.
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) vigie_\w+ .+|vigie_\w+\{[^}]*\} -?[\d.e+-]+)$/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    expect(outcomes[2]!.notified).toEqual({ ok: true, attempts: 2, status: 204 });
    expect(posted.map((p) => p.status)).toEqual([503, 204]);
    const body = JSON.parse(posted[1]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ schema: 'vigie.supervise/1', site: SITE, regressions: 0, newDeviceFindings: 0, exitCode: 0, previousScan: outcomes[1]!.result.scan.id });
    expect(body.firmwareChanges).toHaveLength(1);
    for (const p of [...labPasswords(), LAB_SECRETS.hardenedCamera.password]) expect(posted[1]!.body).not.toContain(p);
    expect(posted[1]!.body).not.toMatch(/evidence|"facts"/);
  });

  it('the audit log records each run (start and save), with the credential ids used and no secret', async () => {
    const audit = await withStore({ dir, key: KEY, create: false }, (store) => store.audit());
    expect(audit.map((a) => a.action)).toEqual(['supervise-start', 'supervise', 'supervise-start', 'supervise', 'supervise-start', 'supervise']);
    expect(audit[1]!.credentialIds).toEqual(['site:cam-gate']);
    expect(audit[5]!.outcome).toMatch(/notify http:\/\/127\.0\.0\.1:\d+\/hooks\/vigie$/);
    expect(JSON.stringify(audit)).not.toContain('not-a-secret-to-log');
    expect(JSON.stringify(audit)).not.toContain(LAB_SECRETS.hardenedCamera.password);
  });

  it('vigie diff and vigie kpi read the same store; without the key it is refused', async () => {
    const env = { VIGIE_KEY: KEY.kind === 'passphrase' ? KEY.passphrase : '' };
    const json = await runCli(['diff', outcomes[0]!.result.scan.id.slice(0, 8), outcomes[1]!.result.scan.id, '--store', dir, '--format', 'json'], { env });
    expect(json.code).toBe(0);
    const d = JSON.parse(json.stdout) as ReturnType<typeof diffResults> & { site: string };
    expect(d.site).toBe(SITE);
    expect(d.fixedFindings.map((f) => f.key)).toEqual([key('proto.telnet-enabled', 0, 'telnet')]);
    expect(d.newFindings.map((f) => f.key)).toEqual(outcomes[1]!.diff!.newFindings.map((f) => f.key));
    const table = await runCli(['kpi', '--store', dir], { env }); // the only site of the store, by quarter
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^2026-Q1\s+1\s+2\s+1\s+50\.0 %/m);
    expect(table.stdout).toMatch(/^2026-Q2\s+2\s+3\s+2\s+66\.7 %.*28\.00 d \(1\).*1 \(1 device\)$/m);
    const refused = await runCli(['kpi', '--store', dir]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/vigie\.db is encrypted: set the passphrase in VIGIE_KEY/);
    // status still says what the header tells.
    const status = await runCli(['status', '--store', dir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/encryption: +on \(AES-256-GCM, passphrase, scrypt N=2\^10, r=8, p=1\)/);
  });
});

describe('vigie supervise (the real command)', () => {
  it('with a site file: saved in a new supervision workspace (exit 0), --prometheus written, stderr JSON lines only; --no-store is refused', async () => {
    const store = mkdtempSync(join(tmpdir(), 'vigie-supervise-cli-'));
    const prom = join(store, 'site.prom');
    await withSite([{ name: 'nvr-main', personality: 'supervised-recorder' }], async (site) => {
      const d = site.devices[0]!;
      // The site file gives the name, the scope and the inventory (targets).
      const siteFile = join(store, 'depot.site.yaml');
      writeFileSync(siteFile, `name: Depot\nscope:\n  include: [127.42.${site.block}.0/24]\ninventory:\n  - { address: ${d.address}, name: nvr-main, class: nvr }\n`);
      const args = ['supervise', '--site', siteFile, '--ports', String(d.ports.ssh), '--store', store, '--prometheus', prom, '--progress', 'json'];
      const first = await runCli(args);
      expect(first.stderr.trim().split('\n').every((l) => JSON.parse(l))).toBe(true); // stderr stays JSON lines: the store notices too
      expect(first.stderr).toMatch(/"type":"notice","code":"supervision-clear"/);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^Site "Depot": scan [0-9a-f-]+ saved\nFirst scan of this site/);
      expect(readFileSync(prom, 'utf8')).toContain('vigie_devices{site="Depot"} 1');
      const refused = await runCli([...args, '--no-store']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/cannot run with --no-store/);
    });
    const status = await runCli(['status', '--store', store, '--format', 'json']);
    const doc = JSON.parse(status.stdout) as { kind: string; scans: number; retention48h: unknown };
    expect(doc).toMatchObject({ kind: 'supervision', scans: 1, retention48h: 'not applicable (supervision workspace keeps history)' });
  });

  it('exits 1 on a regression between two runs of the same site', async () => {
    const store = mkdtempSync(join(tmpdir(), 'vigie-supervise-reg-'));
    let block: number | undefined;
    const codes: (number | null)[] = [];
    for (const personality of ['supervised-recorder', 'supervised-recorder-ftp']) {
      const site = await startOn([{ name: 'nvr', personality }], block);
      block = site.block;
      try {
        const run = await runCli(['supervise', site.devices[0]!.address, '--ports', site.ports.join(','), '--store', store, '--site-name', 'Depot', '--format', 'json,html', '--out', join(store, 'out')]);
        codes.push(run.code);
        if (personality.endsWith('ftp')) expect(run.stdout).toMatch(/medium\s+proto\.ftp-enabled@127\.42\.\d+\.10:\d+\/tcp/);
      } finally {
        await site.stop();
      }
    }
    expect(codes).toEqual([0, 1]);
    // The HTML of the second run has the trend of the first.
    expect(readFileSync(join(store, 'out', 'report.html'), 'utf8')).toMatch(/chart-trend/);
  });
});

describe('diff and history edge cases (results built by hand)', () => {
  const A = '192.0.2.10';
  const B = '192.0.2.11';
  const telnet = (host: string, status: 'open' | 'waived' = 'open') => ({ check: 'proto.telnet-enabled', host, port: 23, severity: 'high' as const, status });

  it('not reached to the end, missing, or waived is never "fixed"', () => {
    const before = fakeResult({ id: 's1', started: '2026-01-05T08:00:00.000Z', hosts: [{ address: A }, { address: B }, { address: '192.0.2.12' }], findings: [telnet(A), telnet(B), telnet('192.0.2.12')] });
    const after = fakeResult({ id: 's2', started: '2026-01-12T08:00:00.000Z', hosts: [{ address: A, incomplete: true }, { address: B }], findings: [telnet(B, 'waived')] });
    const d = diffResults(before, after);
    expect(d.fixedFindings).toEqual([]);
    expect(d.notVerified.map((f) => f.host)).toEqual([A, '192.0.2.12']);
    expect(d.waivedFindings.map((f) => f.host)).toEqual([B]);
    expect(d.disappearedDevices.map((x) => x.address)).toEqual(['192.0.2.12']);
    expect(d.plan).toBeUndefined();
    expect(renderDiffText(d)).toMatch(/Plan actions: the earlier result has no plan/);
  });

  it('a fix after a scan that missed the device counts from the first sighting; a replaced unit is not a firmware update', () => {
    const s1 = fakeResult({ id: 's1', started: '2026-01-05T08:00:00.000Z', hosts: [{ address: A, firmware: '1.0', serial: 'SN-1', model: 'M' }], findings: [telnet(A)] });
    const s2 = fakeResult({ id: 's2', started: '2026-01-12T08:00:00.000Z', hosts: [] });
    const s3 = fakeResult({ id: 's3', started: '2026-01-26T08:00:00.000Z', hosts: [{ address: A, firmware: '2.0', serial: 'SN-2', model: 'M' }] });
    const k = computeKpis('x', [s3, s1, s2].map((r) => snapshotOf(r)), 'month');
    expect(k.total.meanTimeToFix.high).toEqual({ fixed: 1, meanMs: 21 * DAY, meanDays: 21 });
    expect(k.total.firmwareUpdates.count).toBe(0);
    const s4 = fakeResult({ id: 's4', started: '2026-02-02T08:00:00.000Z', hosts: [{ address: A, firmware: '2.1', serial: 'SN-2', model: 'M' }] });
    expect(computeKpis('x', [s1, s2, s3, s4].map((r) => snapshotOf(r))).total.firmwareUpdates.changes.map((c) => [c.from, c.to])).toEqual([['2.0', '2.1']]);
  });

  it('compliance follows the profile threshold: commissioning failAt when the result has verdicts', () => {
    const r = fakeResult({ id: 's1', started: '2026-01-05T08:00:00.000Z', hosts: [{ address: A }, { address: B }], findings: [{ check: 'proto.ftp-enabled', host: A, port: 21, severity: 'medium' }] });
    expect(computeKpis('x', [snapshotOf(r)]).total.compliance).toMatchObject({ threshold: 'high', compliant: 2, devices: 2 });
    const commissioning = { ...r, plan: { actions: [], waived: [], validation: { client: '', approver: '', date: '', signature: '' }, verdicts: { profile: 'anssi-commissioning', profileVersion: 1, failAt: 'medium' as const, pass: false, devices: [] } } };
    expect(computeKpis('x', [snapshotOf(commissioning)]).total.compliance).toMatchObject({ threshold: 'medium', compliant: 1, devices: 2 });
  });

  it('the Prometheus text escapes label values', () => {
    const r = fakeResult({ id: 's1', started: '2026-01-05T08:00:00.000Z', hosts: [{ address: A }] });
    const kpi = computeKpis('a "quoted" \\ site\nx', [snapshotOf(r)]);
    const text = renderPrometheus({ site: 'a "quoted" \\ site\nx', kpi, open: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, lastScan: { started: r.scan.started, partial: false } });
    expect(text).toContain('vigie_devices{site="a \\"quoted\\" \\\\ site\\nx"} 1');
  });
});
