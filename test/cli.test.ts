/**
 * The real `vigie` executable: scope refusal before any packet, bad input,
 * exit codes, progress as JSON lines, Ctrl-C giving a partial result.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, withSite } from './helpers.ts';
import { Result as ResultSchema } from '../src/core/model.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'vigie-cli-'));

describe('scope refusal', () => {
  it('refuses a target outside --scope with exit 2 and sends nothing to it', async () => {
    await withSite([{ name: 'victim', personality: 'legacy-camera' }], async (site) => {
      const victim = site.devices[0]!;
      const other = `127.42.${site.block === 254 ? 253 : site.block + 1}.0/24`;
      const out = tmp();
      const run = await runCli(['scan', victim.address, '--scope', other, '--ports', `${victim.ports.telnet},${victim.ports.http}`, '--out', out]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/refused: .*127\.42\.\d+\.\d+.* outside the declared scope; no packet was sent/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(victim.tally.connections).toBe(0);
    });
  });

  it('refuses the whole run when one address of a range is outside the scope', async () => {
    await withSite([{ name: 'victim', personality: 'legacy-camera' }], async (site) => {
      const victim = site.devices[0]!;
      const run = await runCli(['scan', `127.42.${site.block}.2-20`, '--scope', `127.42.${site.block}.0/28`, '--out', tmp()]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/127\.42\.\d+\.16/);
      expect(victim.tally.connections).toBe(0);
    });
  });

  it('never contacts an excluded address', async () => {
    await withSite(
      [
        { name: 'keep', personality: 'legacy-nvr' },
        { name: 'skip', personality: 'legacy-camera' },
      ],
      async (site) => {
        const [keep, skip] = site.devices;
        const out = tmp();
        const run = await runCli(['scan', `${keep!.address}-${skip!.address.split('.')[3]}`, '--exclude', skip!.address, '--ports', site.ports.join(','), '--out', out, '--quiet']);
        expect(run.code).toBe(0);
        expect(skip!.tally.connections).toBe(0);
        expect(keep!.tally.connections).toBeGreaterThan(0);
      },
    );
  });
});

describe('bad input: one clear line, exit 2, no stack trace', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'bad.csv'), 'address,name\n999.1.1.1,broken\n');
  it.each([
    [['scan', 'camera.local'], /host names are not resolved/],
    [['scan', '127.42.0.1/33'], /not a valid CIDR/],
    [['scan', '127.42.0.1', '--bogus'], /unknown option '--bogus'/],
    [['scan', join(dir, 'missing.csv')], /cannot read inventory file .*ENOENT/],
    [['scan', join(dir, 'bad.csv')], /bad\.csv:2: not an IPv4 address/],
    [['scan', '127.42.0.1', '--ports', '70000'], /not a port or port range/],
    [['scan', '127.42.0.1', '--profile', 'nope'], /unknown profile "nope"/],
    [['scan', '127.42.0.1', '--format', 'pdf'], /unknown format "pdf"/],
    [['scan', '127.42.0.1', '--fail-on', 'severe'], /Allowed choices are critical, high, medium, low, info/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j', async (args, message) => {
    const run = await runCli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the stack with --debug', async () => {
    const run = await runCli(['scan', 'camera.local', '--debug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});

describe('help teaches with examples, in English and French', () => {
  it('vigie --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Examples:/);
    expect(run.stdout).toMatch(/vigie demo/);
    expect(run.stdout).toMatch(/Exit codes: 0 done · 1 findings/);
  });
  it('vigie help scan, in French', async () => {
    const run = await runCli(['help', 'scan'], { env: { LANG: 'fr_FR.UTF-8' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exemples :/);
    expect(run.stdout).toMatch(/--scope <cidr>/);
    expect(run.stdout).toMatch(/Périmètre/);
  });
});

describe('exit codes and progress', () => {
  it('--fail-on high exits 1 on an access controller, --fail-on critical exits 0; progress json lines parse', async () => {
    await withSite([{ name: 'cam', personality: 'access-controller' }], async (site) => {
      const cam = site.devices[0]!;
      const out = tmp();
      const ports = site.ports.join(',');
      const high = await runCli(['scan', cam.address, '--ports', ports, '--out', out, '--fail-on', 'high', '--progress', 'json']);
      expect(high.code).toBe(1);
      const events = high.stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
      expect(events[0]!.type).toBe('start');
      expect(events.some((e) => e.type === 'phase')).toBe(true);
      expect(events.some((e) => e.type === 'finding')).toBe(true);
      expect(events.at(-1)!.type).toBe('end');
      expect(high.stdout).toMatch(/Devices: 1 {3}Findings: \d+ \(critical 0, high [1-9]/);
      const crit = await runCli(['scan', cam.address, '--ports', ports, '--out', out, '--fail-on', 'critical', '--quiet']);
      expect(crit.code).toBe(0);
      expect(crit.stdout).toBe('');
      const result = ResultSchema.parse(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
      expect(result.scan.partial).toBe(false);
    });
  });
});

describe('progress on a terminal', () => {
  it('--progress tty draws one status line: hosts done / total, phase, findings so far', async () => {
    await withSite([{ name: 'nvr', personality: 'legacy-nvr' }], async (site) => {
      const run = await runCli(['scan', site.devices[0]!.address, '--ports', site.ports.join(','), '--out', tmp(), '--progress', 'tty']);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/\r\x1b\[2Kvigie · collect · hosts \d\/1 · findings: /);
      expect(run.stderr).toMatch(/findings: .*\d+ high/);
      expect(run.stderr.endsWith('\r\x1b[2K')).toBe(true); // the line is cleared before the summary
    });
  });
});

describe('Ctrl-C', () => {
  it('stops new probes, waits a few seconds at most, and writes a partial result', async () => {
    const devices = Array.from({ length: 6 }, (_, i) => ({ name: `slow-${i}`, personality: 'tarpit' }));
    await withSite(devices, async (site) => {
      const out = tmp();
      let sentAt = 0;
      const run = await runCli(['scan', `127.42.${site.block}.10-15`, '--ports', site.ports.join(','), '--out', out, '--progress', 'json'], {
        onSpawn: (child) => {
          child.stderr!.on('data', (d: Buffer) => {
            if (!sentAt && d.toString().includes('"phase":"collect"')) {
              sentAt = Date.now();
              child.kill('SIGINT');
            }
          });
        },
      });
      expect(sentAt).toBeGreaterThan(0);
      expect(run.code).toBe(130);
      expect(Date.now() - sentAt).toBeLessThan(10_000);
      expect(run.stderr).toMatch(/interrupted/);
      const result = ResultSchema.parse(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
      expect(result.scan.partial).toBe(true);
      expect(result.scan.partialReason).toMatch(/SIGINT/);
      expect(result.hosts.some((h) => h.incomplete)).toBe(true);
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/PARTIAL RESULT/);
    });
  });
});
