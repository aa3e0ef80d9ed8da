/**
 * The hardening score (src/score/): caps, withheld grades, what the profile
 * accepts, aggregation, the worked example of docs/scoring.md, and the grades
 * of real scans of simulated devices over loopback.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeviceClass, Finding, Host, NotEvaluated, Result, Severity } from '../src/core/model.ts';
import { Result as ResultSchema } from '../src/core/model.ts';
import { loadProfile, type Profile } from '../src/core/profile.ts';
import { ROOT } from '../src/core/paths.ts';
import { scoreResult, resolveScoring } from '../src/score/index.ts';
import { renderExampleDevices, renderExampleGroups, scoreExample } from '../src/score/example.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { renderHtml } from '../reports/html.ts';
import { LAB_SECRETS } from '../src/lab/secrets.ts';
import { scanSite, withSite } from './helpers.ts';

const base = loadProfile('anssi-base');
const A = '192.0.2.10';

function host(address = A, cls: DeviceClass = 'camera', extra: Partial<Host> = {}): Host {
  return { address, class: cls, sources: [], services: [], ...extra };
}

function f(check: string, severity: Severity, opts: { host?: string; port?: number; status?: Finding['status'] } = {}): Finding {
  const out: Finding = { check, host: opts.host ?? A, severity, title: { en: check, fr: check }, references: [], remediation: { en: '', fr: '' }, status: opts.status ?? 'open' };
  if (opts.port !== undefined) out.port = opts.port;
  return out;
}

function ne(check: string, reason = 'could not conclude', hostAddr = A, port?: number): NotEvaluated {
  return { check, host: hostAddr, reason, ...(port !== undefined ? { port } : {}) };
}

function one(findings: Finding[], notEvaluated: NotEvaluated[] = [], profile: Pick<Profile, 'id' | 'scoring'> = base, h: Host = host()) {
  return scoreResult({ hosts: [h], findings, notEvaluated }, profile).devices[0]!;
}

/** A profile file extending anssi-base, written to a temporary directory. */
function extending(body: string): Profile {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-score-'));
  const path = join(dir, 'child.yaml');
  writeFileSync(path, `id: child\nversion: 1\nextends: anssi-base\ntitle: { en: child, fr: enfant }\n${body}`);
  return loadProfile(path);
}

describe('a default credential is F whatever else the device does', () => {
  it.each([
    ['alone', [f('cred.default-accepted', 'critical', { port: 80 })]],
    ['on an otherwise perfect device with two ports (counted once)', [f('cred.default-accepted', 'critical', { port: 80 }), f('cred.default-accepted', 'critical', { port: 554 })]],
    ['with a few low findings', [f('cred.default-accepted', 'critical', { port: 80 }), f('onvif.cleartext', 'low', { port: 80 })]],
  ])('%s', (_label, findings) => {
    const d = one(findings);
    expect(d.grade).toBe('F');
    expect(d.score).toBeLessThanOrEqual(34);
    expect(d.caps.map((c) => c.id)).toContain('default-credential');
    expect(d.deductions.filter((x) => x.check === 'cred.default-accepted')).toHaveLength(1);
  });

  it('even when a profile lowers its severity (the cap names the check)', () => {
    const lowered = extending('checks:\n  cred.default-accepted: { severity: low }\n');
    const d = one([f('cred.default-accepted', 'low', { port: 80 })], [], lowered);
    expect(d.points).toBe(98);
    expect(d.grade).toBe('F');
    expect(d.caps.find((c) => c.id === 'default-credential')?.binding).toBe(true);
  });

  it('even when a required check could not run: F is certain, not incomplete', () => {
    const d = one([f('cred.default-accepted', 'critical', { port: 80 })], [ne('tls.legacy-protocol', 'time-out', A, 443)]);
    expect(d.grade).toBe('F');
    expect(d.score).toBeDefined();
    expect(d.incomplete?.map((n) => n.check)).toEqual(['tls.legacy-protocol']);
    expect(d.reasons.some((r) => /whatever the checks that could not run/.test(r.en))).toBe(true);
  });
});

describe('TLS caps', () => {
  it.each([
    ['tls.legacy-protocol', 'legacy-tls'],
    ['rtsps.legacy-tls', 'legacy-tls'],
    ['tls.weak-cipher', 'no-forward-secrecy'],
  ])('%s caps an otherwise good device at C (%s)', (check, cap) => {
    const d = one([f(check, 'high', { port: 443 })]);
    expect(d.points).toBe(85); // a B on points alone
    expect(d.grade).toBe('C');
    expect(d.score).toBe(79); // the top of C: number and letter agree
    expect(d.caps).toEqual([expect.objectContaining({ id: cap, grade: 'C', binding: true, checks: [check] })]);
  });

  it('a profile that extends anssi-base may change one cap or switch it off', () => {
    const softer = extending('scoring:\n  caps:\n    legacy-tls: { grade: B }\n');
    expect(one([f('tls.legacy-protocol', 'high', { port: 443 })], [], softer)).toMatchObject({ grade: 'B', score: 85 });
    const off = extending('scoring:\n  caps:\n    legacy-tls: { enabled: false }\n');
    expect(one([f('tls.legacy-protocol', 'high', { port: 443 })], [], off)).toMatchObject({ grade: 'B', caps: [] });
    // The other caps are inherited unchanged.
    expect(resolveScoring(softer).caps.map((c) => c.id)).toEqual(resolveScoring(base).caps.map((c) => c.id));
  });

  it('a cap without a grade after merging is refused when the profile loads, naming it', () => {
    expect(() => extending('scoring:\n  caps:\n    new-cap: { checks: [ssh.weak-kex] }\n')).toThrow(/profile "child": scoring\.caps\.new-cap: a cap needs a grade/);
    expect(() => extending('scoring:\n  thresholds: { B: 95 }\n')).toThrow(/profile "child": scoring\.thresholds must decrease from A to E \(A 90, B 95\)/);
  });
});

describe('withheld when incomplete', () => {
  it('a required check that could not run withholds the grade, with the reason and the best case', () => {
    const d = one([f('onvif.cleartext', 'low', { port: 80 })], [ne('cred.default-accepted', 'device failure budget (6) used up', A, 554)]);
    expect(d.grade).toBe('incomplete');
    expect(d.score).toBeUndefined();
    expect(d.best).toEqual({ score: 98, grade: 'A' });
    expect(d.incomplete).toEqual([{ check: 'cred.default-accepted', port: 554, reason: 'device failure budget (6) used up' }]);
    expect(d.reasons[0]!.en).toMatch(/grade withheld: cred\.default-accepted \(554\): device failure budget/);
    expect(d.reasons[0]!.fr).toMatch(/note suspendue/);
  });

  it('a check outside scoring.required that could not run does not withhold the grade', () => {
    expect(one([], [ne('onvif.ntp-not-configured', 'GetNTP fault')])).toMatchObject({ grade: 'A', score: 100 });
  });

  it('a device not scanned to the end is incomplete', () => {
    expect(one([], [], base, host(A, 'camera', { incomplete: true })).grade).toBe('incomplete');
  });

  it('mode passive tried no login: the credential checks count as not evaluated', () => {
    const s = scoreResult({ hosts: [host()], findings: [], notEvaluated: [], scan: { mode: 'passive' } }, base);
    expect(s.devices[0]!.grade).toBe('incomplete');
    expect(s.devices[0]!.incomplete!.map((n) => n.check)).toEqual(['cred.default-accepted', 'cred.no-auth']);
  });
});

describe('what the profile accepts is not punished', () => {
  it('a private CA: tls.cert-untrusted-ca weighs 0 under anssi-base (acceptPrivateCa)', () => {
    expect(resolveScoring(base).acceptPrivateCa).toBe(true);
    expect(one([f('tls.cert-untrusted-ca', 'low', { port: 443 })])).toMatchObject({ grade: 'A', score: 100, deductions: [] });
    // The same finding under a profile that does not accept private CAs costs its weight.
    const strict = extending('scoring:\n  acceptPrivateCa: false\n');
    expect(one([f('tls.cert-untrusted-ca', 'low', { port: 443 })], [], strict)).toMatchObject({ score: 98, deductions: [{ check: 'tls.cert-untrusted-ca', points: 2 }] });
  });

  it('a self-signed certificate still counts', () => {
    expect(one([f('tls.cert-self-signed', 'medium', { port: 443 })]).score).toBe(94);
  });

  it('waived findings never count, and are listed', () => {
    const d = one([f('proto.telnet-enabled', 'high', { port: 23, status: 'waived' })]);
    expect(d).toMatchObject({ grade: 'A', score: 100, waived: ['proto.telnet-enabled'], caps: [] });
    expect(d.reasons.some((r) => /waived, not counted: proto\.telnet-enabled/.test(r.en))).toBe(true);
  });

  it('the inventory line is not a weakness', () => {
    expect(one([f('inventory.device', 'info')]).score).toBe(100);
  });
});

describe('classes and the site', () => {
  it('a site is at most one letter above its weakest device', () => {
    const hosts = [host('192.0.2.1'), host('192.0.2.2'), host('192.0.2.3'), host('192.0.2.4', 'switch')];
    const s = scoreResult({ hosts, findings: [f('cred.default-accepted', 'critical', { host: '192.0.2.3', port: 80 })], notEvaluated: [] }, base);
    expect(s.site.mean).toBe(Math.round((100 + 100 + 34 + 100) / 4));
    expect(s.site.weakest).toBe('F');
    expect(s.site.grade).toBe('E');
    expect(s.site.score).toBe(49);
    expect(s.classes.map((c) => [c.class, c.grade])).toEqual([
      ['camera', 'E'],
      ['switch', 'A'],
    ]);
  });

  it('an incomplete device makes its class and the site incomplete, with the best case', () => {
    const s = scoreResult({ hosts: [host('192.0.2.1'), host('192.0.2.2')], findings: [], notEvaluated: [ne('onvif.unauthenticated', 'time-out', '192.0.2.2', 80)] }, base);
    expect(s.site).toMatchObject({ grade: 'incomplete', best: { grade: 'A', score: 100 }, incompleteDevices: ['192.0.2.2'] });
  });
});

describe('the worked example of docs/scoring.md is what the code computes', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'scoring.md'), 'utf8');
  const between = (name: string) => {
    const m = new RegExp(`<!-- worked-example:${name} -->\\n([\\s\\S]*?)\\n<!-- /worked-example:${name} -->`).exec(doc);
    expect(m, `markers of ${name} in docs/scoring.md`).not.toBeNull();
    return m![1]!.trim();
  };
  const score = scoreExample(base);
  it.each([
    ['devices', renderExampleDevices(score)],
    ['groups', renderExampleGroups(score)],
  ])('%s table', (name, rendered) => {
    // On a mismatch, paste the rendered table into docs/scoring.md (and check the prose around it).
    expect(between(name)).toBe(rendered);
  });

  it('the doc lists every cap of anssi-base with its grade', () => {
    for (const cap of resolveScoring(base).caps) expect(doc).toMatch(new RegExp(`\\| \`${cap.id}\` \\|[^\\n]*\\| ${cap.grade} \\|`));
  });
});

describe('real scans of simulated devices', () => {
  it('a default credential makes the device F; the hardened camera is A with or without --ca; without credentials its grade is withheld', async () => {
    await withSite(
      [
        { name: 'cam-parking', personality: 'hardened-camera' },
        { name: 'cam-lobby', personality: 'digest-camera' },
      ],
      async (site) => {
        const [hardened, digest] = site.devices.map((d) => d.address) as [string, string];
        const siteCredentials = [{ id: 'site:cam-parking', user: LAB_SECRETS.hardenedCamera.user, password: LAB_SECRETS.hardenedCamera.password, protocols: ['onvif', 'rtsp'], source: 'test', origin: 'site' as const }];
        // mode credentials, no --ca: the hardened camera's chain reaches the site's private CA only.
        const r = await scanSite(site, { mode: 'credentials', siteCredentials, params: { caPem: '' } });
        expect(ResultSchema.safeParse(r).success).toBe(true);
        const byHost = new Map(r.score!.devices.map((d) => [d.host, d]));
        expect(r.findings.some((x) => x.host === digest && x.check === 'cred.default-accepted')).toBe(true);
        expect(byHost.get(digest)).toMatchObject({ grade: 'F' });
        expect(byHost.get(digest)!.caps.map((c) => c.id)).toContain('default-credential');
        expect(r.findings.some((x) => x.host === hardened && x.check === 'tls.cert-untrusted-ca')).toBe(true);
        const h = byHost.get(hardened)!;
        // The private CA is not punished; only a credential check cut short by the budget may withhold the grade.
        expect(h.deductions).toEqual([]);
        expect(h.grade === 'A' || (h.grade === 'incomplete' && h.best?.grade === 'A')).toBe(true);

        // mode safe without any credential: the default-credential test cannot run, so no grade from partial data.
        const safe = await scanSite(site, { mode: 'safe', targets: [{ address: hardened }], specs: [hardened] });
        const hs = safe.score!.devices[0]!;
        expect(hs.grade).toBe('incomplete');
        expect(hs.best).toEqual({ score: 100, grade: 'A' });
        expect(hs.incomplete!.every((n) => n.check === 'cred.default-accepted')).toBe(true);

        // The reports explain the grades in both languages.
        const en = renderMarkdown(r, 'en');
        expect(en).toMatch(/## Hardening score/);
        expect(en).toMatch(/capped at F \(default-credential\)/);
        const fr = renderMarkdown(r, 'fr');
        expect(fr).toMatch(/## Note de durcissement/);
        expect(fr).toMatch(/plafonnée à F \(default-credential\)/);
        const html = renderHtml(r, 'fr');
        expect(html).toMatch(/<section id="score">/);
        expect(html).toMatch(/class="g g-F"/);
        expect(html).toContain('Note du site');
      },
    );
  }, 60_000);
});

describe('the site score in the supervision KPIs', () => {
  it('is stored with each scan and reported per period, in the trend and in the Prometheus file', async () => {
    const { Store } = await import('../src/store/store.ts');
    const { computeKpis, kpiHistory, renderKpiText } = await import('../src/supervise/kpi.ts');
    const { renderPrometheus } = await import('../src/supervise/prometheus.ts');
    const { applyScore } = await import('../src/score/index.ts');
    const { EXAMPLE_SITE } = await import('../src/score/example.ts');
    const scan = (id: string, started: string, findings: Finding[], notEvaluated: NotEvaluated[]): Result => {
      const r: Result = {
        schema: 'vigie.result/1',
        scan: { id, started, finished: started, vigieVersion: 'test', mode: 'credentials', profile: 'anssi-base', scope: { include: ['192.0.2.0/24'], exclude: [] }, targets: [], ports: [], partial: false, timings: {}, stats: { targets: 6, hostsReported: 6, connections: 0 }, limits: { perHost: 2, global: 64 } },
        hosts: EXAMPLE_SITE.hosts,
        facts: [],
        findings,
        notEvaluated,
        errors: [],
      };
      applyScore(r, base);
      return r;
    };
    const store = await Store.open({ dir: mkdtempSync(join(tmpdir(), 'vigie-score-store-')) });
    try {
      store.saveScan(scan('q1', '2026-01-10T08:00:00.000Z', EXAMPLE_SITE.findings, EXAMPLE_SITE.notEvaluated), 'Site A');
      // The default password changed and the web UI's test could run: the site is graded.
      store.saveScan(scan('q2', '2026-04-10T08:00:00.000Z', EXAMPLE_SITE.findings.filter((x) => x.check !== 'cred.default-accepted'), []), 'Site A');
      const kpi = computeKpis('Site A', store.snapshots('Site A'));
      expect(kpi.periods.map((p) => [p.period, p.hardeningScore?.grade, p.hardeningScore?.score])).toEqual([
        ['2026-Q1', 'incomplete', undefined],
        ['2026-Q2', 'C', 79],
      ]);
      expect(kpi.total.hardeningScore).toMatchObject({ scan: 'q2', grade: 'C', score: 79 });
      expect(renderKpiText(kpi)).toMatch(/2026-Q2 .* C \(79\)/);
      expect(kpiHistory(store, 'Site A').map((p) => p.grade)).toEqual(['incomplete', 'C']);
      const prom = renderPrometheus({ site: 'Site A', kpi, open: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, lastScan: { started: '2026-04-10T08:00:00.000Z', partial: false } });
      expect(prom).toContain('vigie_site_hardening_score{site="Site A"} 79');
      expect(prom).toContain('vigie_site_hardening_grade{site="Site A",grade="C"} 1');
    } finally {
      await store.close();
    }
  });
});

describe('the score in the canonical result', () => {
  it('validates against the published schema', () => {
    const score = scoreExample(base);
    const result = { score } as unknown as Result;
    expect(ResultSchema.shape.score.safeParse(result.score).success).toBe(true);
  });
});
