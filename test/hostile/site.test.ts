/**
 * A site where 10 % of the devices are hostile (one that never answers on any
 * protocol, one that floods 100 MB on every port and answers UDP with huge
 * datagrams): the scan ends within the time of the same site without them
 * plus the time-outs, each hostile device gets error or not-evaluated lines,
 * and every other device's findings are exactly those it gets when the
 * hostile devices are not there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanSite, startSite, type RunningSite } from '../helpers.ts';
import type { DeviceSpec } from '../../src/lab/site.ts';
import type { Result } from '../../src/core/model.ts';
import { SHORT } from './support.ts';

const NORMAL: DeviceSpec[] = [
  'legacy-camera',
  'hardened-camera',
  'door-intercom',
  'access-controller',
  'legacy-ssh-factory-key',
  'legacy-ssh-factory-key',
  'modern-ssh',
  'legacy-tls-camera',
  'factory-cert-camera',
  'factory-cert-camera',
  'snmp-switch',
  'upnp-camera',
  'digest-camera',
  'legacy-nvr',
  'open-rtsp-camera',
  'sip-intercom',
  'onvif-open-camera',
  'snmp-camera',
].map((personality, i) => ({ name: `${personality}-${i + 1}`, personality }));
const HOSTILE: DeviceSpec[] = [
  { name: 'hostile-silent', personality: 'hostile-silent' },
  { name: 'hostile-flood', personality: 'hostile-flood' },
];
/** 2 hostile devices in 20, placed among the others. */
const MIXED = [...NORMAL.slice(0, 6), HOSTILE[0]!, ...NORMAL.slice(6, 14), HOSTILE[1]!, ...NORMAL.slice(14)];

interface Run {
  site: RunningSite;
  result: Result;
  ms: number;
}
let clean: Run;
let mixed: Run;

async function run(devices: DeviceSpec[]): Promise<Run> {
  const site = await startSite(devices);
  const t0 = performance.now();
  const result = await scanSite(site, { mode: 'credentials', ...SHORT });
  return { site, result, ms: performance.now() - t0 };
}

beforeAll(async () => {
  clean = await run(NORMAL);
  mixed = await run(MIXED);
});
afterAll(async () => {
  await clean?.site.stop();
  await mixed?.site.stop();
});

/**
 * What was found on one device, independent of the site it sits in: the check,
 * the service (by name), and the key with the site's addresses and the
 * fingerprints of its per-site keys taken out.
 */
function findingsOf(r: Run, name: string): string[] {
  const device = r.site.devices.find((d) => d.name === name)!;
  const byPort = new Map(Object.entries(device.ports).map(([service, port]) => [port, service]));
  const names = new Map(r.site.devices.map((d) => [d.address, d.name]));
  const neutral = (s: string | undefined) =>
    (s ?? '')
      .replace(/127\.42\.\d+\.\d+/g, (a) => names.get(a) ?? 'outside')
      .replace(/\b[0-9A-F]{2}(?::[0-9A-F]{2}){15,}\b/gi, 'FINGERPRINT')
      .replace(/SHA256:[A-Za-z0-9+/=]+/g, 'FINGERPRINT');
  return r.result.findings
    .filter((f) => f.host === device.address)
    .map((f) => `${f.check} ${f.port === undefined ? '-' : (byPort.get(f.port) ?? f.port)} ${neutral(f.key)}`)
    .sort();
}

describe('a site with 10 % hostile devices', () => {
  it('finishes within the time of the same site without them, plus the time-outs', () => {
    expect(mixed.result.scan.partial).toBe(false);
    expect(mixed.ms).toBeLessThan(clean.ms + SHORT.scannerTimeoutMs! + 5000);
  });

  it.each(HOSTILE.map((d) => d.name))('%s gets error and not-evaluated lines', (name) => {
    const address = mixed.site.devices.find((d) => d.name === name)!.address;
    expect(mixed.result.errors.filter((e) => e.host === address).length).toBeGreaterThan(0);
    expect(mixed.result.notEvaluated.filter((n) => n.host === address).length).toBeGreaterThan(0);
  });

  it.each(NORMAL.map((d) => d.name))('%s: exactly the findings it has on the site without hostile devices', (name) => {
    const expected = findingsOf(clean, name);
    expect(expected.length).toBeGreaterThan(0); // inventory.device at least: the comparison is never vacuous
    expect(findingsOf(mixed, name)).toEqual(expected);
  });

  it('and the same errors and not-evaluated lines', () => {
    const lines = (r: Run) =>
      r.site.devices
        .filter((d) => !HOSTILE.some((h) => h.name === d.name))
        .flatMap((d) => [
          ...r.result.errors.filter((e) => e.host === d.address).map((e) => `${d.name} error ${e.scanner} ${e.code ?? ''}`),
          ...r.result.notEvaluated.filter((n) => n.host === d.address).map((n) => `${d.name} not-evaluated ${n.check}`),
        ])
        .sort();
    expect(lines(mixed)).toEqual(lines(clean));
  });
});
