/**
 * `vigie demo` end to end: the README's first command. It must work twice in
 * a row, twice at the same time, and when the standard ports are taken.
 */
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, scanSite } from './helpers.ts';
import { Result as ResultSchema } from '../src/core/model.ts';
import { DEMO_SITE, startSite } from '../src/lab/site.ts';
import { reserveBlock } from '../src/lab/server.ts';

function readResult(dir: string) {
  return ResultSchema.parse(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));
}

describe('vigie demo', () => {
  it('prints the summary, writes both files, stops the site; twice in a row', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vigie-demo-'));
    for (let i = 0; i < 2; i++) {
      const run = await runCli(['demo'], { cwd });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Simulated site started: \d+ devices on 127\.42\.\d+\.0\/24/);
      expect(run.stdout).toMatch(/Devices: \d+ {3}Findings: \d+ \(critical \d+, high \d+/);
      expect(run.stdout).toMatch(/vigie-demo\/result\.json/);
      expect(run.stdout).toMatch(/Simulated site stopped\./);
      const result = readResult(join(cwd, 'vigie-demo'));
      expect(result.hosts.length).toBe(DEMO_SITE.length);
      expect(result.findings.some((f) => f.check === 'proto.telnet-enabled')).toBe(true);
      expect(readFileSync(join(cwd, 'vigie-demo', 'report.md'), 'utf8')).toMatch(/^# vigie hardening audit/);
    }
  });

  it('two demos at the same time pick different address blocks', async () => {
    const a = mkdtempSync(join(tmpdir(), 'vigie-demo-a-'));
    const b = mkdtempSync(join(tmpdir(), 'vigie-demo-b-'));
    const [ra, rb] = await Promise.all([runCli(['demo', '--quiet'], { cwd: a }), runCli(['demo', '--quiet'], { cwd: b })]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    const blockOf = (dir: string) => readResult(join(dir, 'vigie-demo')).scan.scope.include[0];
    expect(blockOf(a)).not.toBe(blockOf(b));
  });

  it('writes a French report with --lang fr', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vigie-demo-fr-'));
    const run = await runCli(['demo', '--lang', 'fr', '--out', 'rapport'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Site simulé démarré/);
    const md = readFileSync(join(cwd, 'rapport', 'report.md'), 'utf8');
    expect(md).toMatch(/^# Audit de durcissement vigie/);
    expect(md).toMatch(/Telnet est activé/);
    expect(existsSync(join(cwd, 'rapport', 'result.json'))).toBe(true);
  });
});

describe('busy ports', () => {
  it('moves a service to another port when its standard port is taken, says so, and the audit follows it', async () => {
    const { block, release } = await reserveBlock();
    await release();
    // Someone already listens on cam-entrance's port 80.
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen({ host: `127.42.${block}.10`, port: 80, exclusive: true }, r));
    const site = await startSite(DEMO_SITE, { block });
    try {
      expect(site.notes.join('\n')).toMatch(/cam-entrance http: port 80 busy or privileged, using 20080/);
      const result = await scanSite(site);
      const cam = site.devices[0]!;
      expect(result.findings.some((f) => f.host === cam.address && f.check === 'http.cleartext-admin' && f.port === 20080)).toBe(true);
    } finally {
      await site.stop();
      await new Promise((r) => squatter.close(r));
    }
  });
});
