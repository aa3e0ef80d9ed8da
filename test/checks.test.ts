/**
 * Every check, fires / must-not-fire, against simulated devices over real
 * sockets — plus each personality's ground truth compared both ways.
 * One site is started for the whole file; each table row names the device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsOf, scanSite, startSite, type RunningSite } from './helpers.ts';
import type { Result } from '../src/core/model.ts';
import { CHECKS } from '../src/checks/index.ts';
import { PERSONALITIES } from '../src/lab/personalities.ts';

const DEVICES = [
  { name: 'legacy-cam', personality: 'legacy-camera' },
  { name: 'hardened-cam', personality: 'hardened-camera' },
  { name: 'legacy-nvr', personality: 'legacy-nvr' },
  // shares the legacy camera's factory credential: cred.reused (a fleet check) needs two devices
  { name: 'door', personality: 'access-controller' },
];

let site: RunningSite;
let result: Result;
const addr = (name: string) => site.devices.find((d) => d.name === name)!.address;

beforeAll(async () => {
  site = await startSite(DEVICES);
  result = await scanSite(site, { mode: 'credentials' });
});
afterAll(async () => site?.stop());

describe.each([
  { check: 'proto.telnet-enabled', fires: ['legacy-cam'], mustNotFire: ['hardened-cam', 'legacy-nvr'] },
  // must not fire: port 80 that only redirects to HTTPS (hardened-cam)
  { check: 'http.cleartext-admin', fires: ['legacy-cam', 'legacy-nvr'], mustNotFire: ['hardened-cam'] },
  { check: 'inventory.device', fires: ['legacy-cam', 'hardened-cam', 'legacy-nvr'], mustNotFire: [] },
  { check: 'proto.ftp-enabled', fires: ['legacy-cam'], mustNotFire: ['hardened-cam', 'legacy-nvr'] },
  { check: 'ftp.anonymous', fires: ['legacy-cam'], mustNotFire: ['hardened-cam'] },
  // must not fire: a login form over HTTP is not Basic (legacy-nvr)
  { check: 'http.basic-over-cleartext', fires: ['legacy-cam'], mustNotFire: ['legacy-nvr', 'hardened-cam'] },
  { check: 'cred.default-accepted', fires: ['legacy-cam', 'door'], mustNotFire: ['hardened-cam', 'legacy-nvr'] },
  { check: 'cred.reused', fires: ['legacy-cam', 'door'], mustNotFire: ['hardened-cam', 'legacy-nvr'] },
])('$check', ({ check, fires, mustNotFire }) => {
  it.each(fires)('fires on %s', (name) => {
    const found = findingsOf(result, check, addr(name));
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.references.length).toBeGreaterThan(0);
      expect(f.remediation.fr).not.toBe(f.remediation.en);
      if (check !== 'inventory.device') expect(f.evidence?.received).toBeTruthy();
    }
  });
  it.each(mustNotFire.length ? mustNotFire : ['(none)'])('does not fire on %s', (name) => {
    if (name === '(none)') return;
    expect(findingsOf(result, check, addr(name))).toEqual([]);
  });
});

describe('ground truth of each personality', () => {
  it.each(DEVICES)('$name: findings are exactly the expected checks', ({ name, personality }) => {
    const got = [...new Set(result.findings.filter((f) => f.host === addr(name) && f.check !== 'inventory.device').map((f) => f.check))].sort();
    expect(got).toEqual([...PERSONALITIES[personality]!.expected].sort());
  });
});

describe('the redirect-only port 80', () => {
  it('is seen as a redirect to HTTPS, not an admin page', () => {
    const fact = result.facts.find((f) => f.type === 'http.response' && f.host === addr('hardened-cam') && (f.data as { scheme: string }).scheme === 'http');
    expect(fact?.data).toMatchObject({ status: 301, redirectsToHttps: true });
  });
});

describe('fingerprinting', () => {
  it('reads vendor and model from what the devices say, with sources', () => {
    const cam = result.hosts.find((h) => h.address === addr('legacy-cam'))!;
    expect(cam).toMatchObject({ class: 'camera', vendor: 'Hikvision', model: 'DS-2CD2032-I' });
    expect(cam.sources.some((s) => s.field === 'model' && /realm/.test(s.source))).toBe(true);
    const axis = result.hosts.find((h) => h.address === addr('hardened-cam'))!;
    expect(axis).toMatchObject({ vendor: 'Axis', model: 'P3245-LVE' });
  });
});

describe('catalogue metadata', () => {
  it.each(CHECKS.map((c) => [c.meta.id, c] as const))('%s has complete bilingual metadata', (_id, c) => {
    const m = c.meta;
    expect(m.id).toMatch(/^[a-z0-9]+\.[a-z0-9-]+$/);
    for (const text of [m.title, m.rationale, m.remediation]) {
      expect(text.en.length).toBeGreaterThan(5);
      expect(text.fr.length).toBeGreaterThan(5);
      expect(text.fr).not.toBe(text.en);
    }
    expect(m.references.length).toBeGreaterThan(0);
  });
  it('has unique ids', () => {
    const ids = CHECKS.map((c) => c.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
