/**
 * Offline re-evaluation: saved facts judged again under another profile, the
 * same answer every time, and no socket at all — in-process (net and dgram
 * made to throw) and for the `vigie evaluate` executable (a preload that makes
 * any socket kill the process).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reevaluate } from '../src/engine/offline.ts';
import { loadCatalogueProfile } from '../src/checks/profiles.ts';
import { Result as ResultSchema, type Result } from '../src/core/model.ts';
import { runCli, scanSite, startSite, type RunningSite } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-evaluate-'));
let scanned: Result;
let resultPath: string;

beforeAll(async () => {
  const site: RunningSite = await startSite([
    { name: 'cam-entrance', personality: 'legacy-camera' },
    { name: 'gate-a', personality: 'hik-camera-vulnerable' },
    { name: 'gate-b', personality: 'hik-camera-patched' },
  ]);
  try {
    scanned = await scanSite(site, { mode: 'credentials' });
  } finally {
    // The facts are on disk: the site is gone before anything is re-evaluated.
    await site.stop();
  }
  resultPath = join(dir, 'result.json');
  writeFileSync(resultPath, JSON.stringify(scanned, null, 2));
}, 60_000);

/** While `fn` runs, any attempt to open a TCP connection or a UDP socket throws and is counted. */
function withoutNetwork<T>(fn: () => T): { value: T; attempts: string[] } {
  const attempts: string[] = [];
  const connect = net.Socket.prototype.connect;
  const createConnection = net.createConnection;
  const createSocket = dgram.createSocket;
  net.Socket.prototype.connect = function (this: net.Socket) {
    attempts.push('net.Socket.connect');
    throw new Error('no network in offline evaluation');
  } as typeof connect;
  (net as { createConnection: unknown }).createConnection = () => {
    attempts.push('net.createConnection');
    throw new Error('no network in offline evaluation');
  };
  (dgram as { createSocket: unknown }).createSocket = () => {
    attempts.push('dgram.createSocket');
    throw new Error('no network in offline evaluation');
  };
  try {
    return { value: fn(), attempts };
  } finally {
    net.Socket.prototype.connect = connect;
    (net as { createConnection: unknown }).createConnection = createConnection;
    (dgram as { createSocket: unknown }).createSocket = createSocket;
  }
}

describe('reevaluate (in-process)', () => {
  it('identical facts + profile give identical findings, run after run, without one socket', () => {
    const nis2 = loadCatalogueProfile('nis2');
    const { value: runs, attempts } = withoutNetwork(() => [reevaluate(scanned, nis2), reevaluate(scanned, nis2), reevaluate(JSON.parse(JSON.stringify(scanned)) as Result, loadCatalogueProfile('nis2'))]);
    expect(attempts).toEqual([]);
    const [a, b, c] = runs.map((r) => r.result);
    expect(b!.findings).toEqual(a!.findings);
    expect(c!.findings).toEqual(a!.findings);
    expect(b!.notEvaluated).toEqual(a!.notEvaluated);
    expect(b!.plan).toEqual(a!.plan);
    expect(a!.scan).toMatchObject({ profile: 'nis2', reevaluated: { fromProfile: 'anssi-base', asOf: scanned.scan.started.slice(0, 10) } });
    // the facts and the inventory are the scan's, untouched
    expect(a!.facts).toEqual(scanned.facts);
    expect(a!.hosts).toEqual(scanned.hosts);
    expect(ResultSchema.safeParse(a).success).toBe(true);
  });

  it('the profile changes the judgement, not the facts: nis2 adds firmware.outdated, commissioning adds verdicts', () => {
    const nis2 = reevaluate(scanned, loadCatalogueProfile('nis2')).result;
    const comm = reevaluate(scanned, loadCatalogueProfile('anssi-commissioning')).result;
    expect(scanned.findings.some((f) => f.check === 'firmware.outdated')).toBe(false);
    expect(nis2.findings.filter((f) => f.check === 'firmware.outdated').length).toBe(2);
    expect(comm.plan?.verdicts?.failAt).toBe('medium');
    expect(scanned.plan?.verdicts).toBeUndefined();
  });

  it('waivers recorded in the result survive a re-evaluation without a site file', () => {
    const cam = scanned.hosts.find((h) => h.name === 'cam-entrance')!.address;
    const waived = reevaluate(scanned, loadCatalogueProfile('anssi-base'), {
      waivers: [{ id: 'W-1', check: 'proto.telnet-enabled', host: cam, justification: 'vendor support until 2027', approver: 'J. Client', expires: '2099-12-31' }],
    }).result;
    expect(waived.findings.find((f) => f.check === 'proto.telnet-enabled')?.status).toBe('waived');
    const again = reevaluate(waived, loadCatalogueProfile('nis2')).result;
    expect(again.findings.find((f) => f.check === 'proto.telnet-enabled')).toMatchObject({ status: 'waived', waiver: { id: 'W-1', state: 'active' } });
    // … and expire when judged later
    const later = reevaluate(waived, loadCatalogueProfile('nis2'), { asOf: '2100-01-01' });
    expect(later.result.findings.find((f) => f.check === 'proto.telnet-enabled')).toMatchObject({ status: 'open', waiver: { state: 'expired' } });
    expect(later.expiredWaivers.map((w) => w.id)).toEqual(['W-1']);
  });
});

describe('vigie evaluate', () => {
  // Loaded before vigie: any socket, TCP or UDP, ends the process with code 99.
  const preload = join(dir, 'no-network.mjs');
  writeFileSync(
    preload,
    [
      "import net from 'node:net';",
      "import dgram from 'node:dgram';",
      // A local IPC pipe (tsx talks to its own server over one) is not the network: only ports count.
      "const local = (a) => (typeof a === 'string' && !/^\\d+$/.test(a)) || (a && typeof a === 'object' && Array.isArray(a) ? local(a[0]) : a && typeof a === 'object' && 'path' in a && !('port' in a));",
      "const guard = (what, orig) => function (...args) { if (local(args[0])) return orig.apply(this, args); process.stderr.write(`SOCKET ATTEMPT: ${what} ${JSON.stringify(args[0])}\\n`); process.exit(99); };",
      "net.Socket.prototype.connect = guard('net.Socket.connect', net.Socket.prototype.connect);",
      "net.createConnection = guard('net.createConnection', net.createConnection);",
      "net.connect = guard('net.connect', net.connect);",
      "dgram.createSocket = () => { process.stderr.write('SOCKET ATTEMPT: dgram.createSocket\\n'); process.exit(99); };",
    ].join('\n'),
  );
  const noNetwork = { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` };

  it('writes a new result under nis2 with no socket opened, and the same findings twice', async () => {
    const outs = [join(dir, 'nis2-a'), join(dir, 'nis2-b')];
    for (const out of outs) {
      const run = await runCli(['evaluate', resultPath, '--profile', 'nis2', '--out', out], { env: noNetwork });
      expect(run.stderr).not.toMatch(/SOCKET ATTEMPT/);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Offline re-evaluation: anssi-base → nis2 \(\d+ facts, no packet sent\)/);
      expect(existsSync(join(out, 'report.md'))).toBe(true);
    }
    const [a, b] = outs.map((out) => ResultSchema.parse(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))));
    expect(a!.scan.profile).toBe('nis2');
    expect(b!.findings).toEqual(a!.findings);
    expect(a!.findings).toEqual(reevaluate(scanned, loadCatalogueProfile('nis2')).result.findings);
  });

  it('the preload does catch a socket (the guard is real)', async () => {
    const run = await runCli(['scan', '127.42.254.254', '--ports', '9', '--out', join(dir, 'guard'), '--quiet'], { env: noNetwork });
    expect(run.code).toBe(99);
    expect(run.stderr).toMatch(/SOCKET ATTEMPT/);
  });

  it('applies the site file’s waivers as of --as-of, and refuses to overwrite its input or use an unknown profile', async () => {
    const cam = scanned.hosts.find((h) => h.name === 'cam-entrance')!.address;
    const sitePath = join(dir, 'vigie.site.yaml');
    writeFileSync(sitePath, ['name: Lab', 'waivers:', `  - { id: W-9, check: ftp.anonymous, host: ${cam}, justification: firmware cannot disable it, approver: J. Client, expires: 2030-06-30 }`].join('\n'));
    const out = join(dir, 'waived');
    const run = await runCli(['evaluate', resultPath, '--site', sitePath, '--as-of', '2031-01-01', '--out', out], { env: noNetwork });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/expired waiver: W-9 ftp\.anonymous host/);
    const r = ResultSchema.parse(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
    expect(r.findings.find((f) => f.check === 'ftp.anonymous')).toMatchObject({ status: 'open', waiver: { id: 'W-9', state: 'expired', asOf: '2031-01-01' } });
    expect(r.scan.reevaluated?.site).toBe(sitePath);

    const [overwrite, unknown, badDay] = await Promise.all([
      runCli(['evaluate', resultPath, '--out', dir]),
      runCli(['evaluate', resultPath, '--profile', 'nis3', '--out', join(dir, 'x')]),
      runCli(['evaluate', resultPath, '--as-of', '31/12/2030', '--out', join(dir, 'y')]),
    ]);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toMatch(/would overwrite/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown profile "nis3"/);
    expect(badDay.code).toBe(2);
    expect(badDay.stderr).toMatch(/--as-of takes a date like 2026-06-30/);
  });
});
