/**
 * The engine over real sockets: politeness counted on the device side,
 * isolation of hung and flooding devices, scope enforced at the socket layer.
 */
import { describe, expect, it } from 'vitest';
import { findingsOf, scanSite, withSite } from './helpers.ts';
import { Scope } from '../src/core/scope.ts';
import { Net } from '../src/core/net.ts';
import { ScopeViolation } from '../src/core/errors.ts';
import { Result as ResultSchema } from '../src/core/model.ts';

describe('politeness', () => {
  it('never opens more than 2 concurrent connections to one device (counted by the device)', async () => {
    await withSite([{ name: 'busy', personality: 'many-ports' }], async (site) => {
      const result = await scanSite(site, { bannerWaitMs: 300 });
      const tally = site.devices[0]!.tally;
      expect(tally.connections).toBeGreaterThanOrEqual(20); // 10 ports probed, then 10 HTTP requests
      expect(tally.maxConcurrent).toBeLessThanOrEqual(2);
      expect(tally.maxConcurrent).toBe(2); // and the limit is actually used
      expect(result.scan.limits.perHost).toBe(2);
    });
  });

  it('honours a lower per-host limit', async () => {
    await withSite([{ name: 'busy', personality: 'many-ports' }], async (site) => {
      await scanSite(site, { perHost: 1, bannerWaitMs: 300 });
      expect(site.devices[0]!.tally.maxConcurrent).toBe(1);
    });
  });
});

describe('isolation of misbehaving devices', () => {
  it('a device that accepts and never answers becomes error / not-evaluated lines; the others are scanned', async () => {
    await withSite(
      [
        { name: 'tarpit', personality: 'tarpit' },
        { name: 'cam', personality: 'legacy-camera' },
      ],
      async (site) => {
        const [tarpit, cam] = site.devices;
        const result = await scanSite(site, { readTimeoutMs: 600, connectTimeoutMs: 500 });
        expect(findingsOf(result, 'proto.telnet-enabled', cam!.address)).toHaveLength(1);
        expect(findingsOf(result, 'http.cleartext-admin', cam!.address)).toHaveLength(1);
        // The tarpit: no verdict either way.
        expect(result.findings.filter((f) => f.host === tarpit!.address && f.check !== 'inventory.device')).toEqual([]);
        expect(result.notEvaluated.some((n) => n.host === tarpit!.address && n.check === 'proto.telnet-enabled')).toBe(true);
        expect(result.errors.some((e) => e.host === tarpit!.address && e.scanner === 'http')).toBe(true);
        expect(result.scan.partial).toBe(false);
      },
    );
  });

  it('a device that sends 10 MB is cut at the caps, with an error line, and still judged', async () => {
    await withSite([{ name: 'flood', personality: 'flood' }], async (site) => {
      const d = site.devices[0]!;
      const before = process.memoryUsage().rss;
      const result = await scanSite(site);
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
      expect(result.errors.filter((e) => e.host === d.address && e.code === 'ESIZE').map((e) => e.scanner).sort()).toEqual(['http', 'telnet']);
      expect(findingsOf(result, 'proto.telnet-enabled', d.address)).toHaveLength(1);
      const banner = result.hosts[0]!.services.find((s) => s.kind === 'telnet')?.banner ?? '';
      expect(banner.length).toBeLessThan(400);
      expect(JSON.stringify(result).length).toBeLessThan(200_000);
    });
  });
});

describe('scope at the socket layer', () => {
  it('Net refuses an out-of-scope address before creating any socket', async () => {
    const net = new Net({ scope: Scope.parse(['127.42.250.0/24']) });
    await expect(net.withConnection('127.42.251.1', 80, {}, async () => 1)).rejects.toBeInstanceOf(ScopeViolation);
    expect(net.stats.connections).toBe(0);
    expect(net.stats.refusedByScope).toBe(1);
    await net.close();
  });
});

describe('canonical result', () => {
  it('validates against the schema', async () => {
    await withSite([{ name: 'cam', personality: 'legacy-camera' }], async (site) => {
      const result = await scanSite(site);
      expect(() => ResultSchema.parse(JSON.parse(JSON.stringify(result)))).not.toThrow();
      expect(Object.keys(result.scan.timings)).toEqual(expect.arrayContaining(['discover', 'collect', 'fingerprint', 'evaluate']));
    });
  });
});
