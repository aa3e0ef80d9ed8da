/**
 * One device per misbehaviour, each on every protocol of the catalogue at
 * once (src/lab/hostile-personalities.ts), scanned together in mode
 * credentials: the scan ends, each device gets exactly the verdicts it has
 * earned and an error line per protocol it broke, every error is typed, the
 * 100 MB floods are cut at the caps and never held, and no byte a device
 * sent reaches the result as a control character.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundTruth, scanSite, startSite, type RunningSite } from '../helpers.ts';
import type { Result } from '../../src/core/model.ts';
import { CONTROL, SHORT, strings } from './support.ts';

const DEVICES = ['hostile-silent', 'hostile-drip', 'hostile-flood', 'hostile-reset', 'hostile-endless', 'hostile-markup', 'hostile-cert'];
/** Those that break every protocol they speak: each must have error lines. */
const BROKEN = ['hostile-silent', 'hostile-drip', 'hostile-flood', 'hostile-reset', 'hostile-endless'];

let site: RunningSite;
let result: Result;
let rssGrowth = 0;

beforeAll(async () => {
  site = await startSite(DEVICES.map((p) => ({ name: p, personality: p })));
  const before = process.memoryUsage().rss;
  result = await scanSite(site, { mode: 'credentials', ...SHORT });
  rssGrowth = process.memoryUsage().rss - before;
});
afterAll(async () => site?.stop());

const addr = (personality: string) => site.devices.find((d) => d.personality.id === personality)!.address;
const errorsOf = (personality: string, scanner?: string) => result.errors.filter((e) => e.host === addr(personality) && (scanner === undefined || e.scanner === scanner));

describe('a site of hostile devices', () => {
  it('is scanned to the end', () => {
    expect(result.scan.partial).toBe(false);
    expect(result.hosts.map((h) => h.address).sort()).toEqual(site.devices.map((d) => d.address).sort());
  });

  it.each(DEVICES)('%s: exactly the verdicts it earned, nothing drawn from garbage', (personality) => {
    const got = [...new Set(result.findings.filter((f) => f.host === addr(personality) && f.check !== 'inventory.device').map((f) => f.check))].sort();
    expect(got, JSON.stringify(errorsOf(personality).map((e) => `${e.scanner}/${e.port}: ${e.code}`))).toEqual(groundTruth(personality));
  });

  it.each(BROKEN)('%s: error lines and not-evaluated lines, never a silent pass', (personality) => {
    expect(errorsOf(personality).length).toBeGreaterThanOrEqual(5);
    expect(result.notEvaluated.filter((n) => n.host === addr(personality)).length).toBeGreaterThan(0);
  });

  it.each([
    // what each misbehaviour must be recognised as, protocol by protocol
    ['hostile-silent', 'ftp', 'ETIMEDOUT'],
    ['hostile-silent', 'rtsp', 'ETIMEDOUT'],
    ['hostile-drip', 'ssh', 'ETIMEDOUT'],
    ['hostile-flood', 'telnet', 'ESIZE'],
    ['hostile-flood', 'ssh', 'ESIZE'],
    ['hostile-flood', 'snmp', 'EBER'],
    ['hostile-flood', 'ssdp', 'EPROTO'],
    ['hostile-reset', 'ssh', 'ESSH_CLOSED'],
    ['hostile-reset', 'rtsp', 'ECONNRESET'],
    ['hostile-reset', 'ftp', 'ECONNRESET'],
    ['hostile-endless', 'ssh', 'ESSH_IDENT'],
    ['hostile-endless', 'rtsp', 'ESIZE'],
    ['hostile-endless', 'sip', 'ESIZE'],
    ['hostile-endless', 'ftp', 'ESIZE'],
    ['hostile-endless', 'telnet', 'ESIZE'],
    ['hostile-endless', 'http', 'UND_ERR_HEADERS_OVERFLOW'],
    ['hostile-endless', 'snmp', 'EBER'],
  ])('%s on %s: %s', (personality, scanner, code) => {
    expect(errorsOf(personality, scanner).map((e) => e.code)).toContain(code);
  });

  it('every error line is typed: a code, a bounded message', () => {
    for (const e of result.errors) {
      expect(e.code, `${e.host} ${e.scanner}/${e.port}: ${e.message}`).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(e.message.length).toBeLessThanOrEqual(300);
    }
  });

  it('TLS ports that never finish a handshake are unknown, not secure: every TLS check says not-evaluated', () => {
    for (const personality of ['hostile-silent', 'hostile-reset', 'hostile-endless']) {
      const tls = result.notEvaluated.filter((n) => n.host === addr(personality) && n.check.startsWith('tls.'));
      expect(new Set(tls.map((n) => n.port))).toEqual(new Set([443, 322, 5061]));
    }
  });

  it('evidence is trimmed: 100 MB floods and endless headers leave a small result, and no long string', () => {
    const json = JSON.stringify(result);
    expect(json.length).toBeLessThan(150 * 1024 * DEVICES.length);
    let longest = 0;
    for (const [, s] of strings(result)) longest = Math.max(longest, s.length);
    expect(longest).toBeLessThan(8 * 1024);
    // Six 100 MB floods were cut at the caps: nothing near that size was ever held.
    expect(rssGrowth).toBeLessThan(200 * 1024 * 1024);
  });

  it('no control character a device sent reaches the result: escape sequences are shown as \\xNN text', () => {
    const raw = [...strings(result)].filter(([, s]) => CONTROL.test(s)).map(([path, s]) => `${path}: ${JSON.stringify(s).slice(0, 120)}`);
    expect(raw).toEqual([]);
  });
});
