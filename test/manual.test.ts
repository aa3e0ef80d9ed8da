/**
 * Manual requirements: listed by the profile, answered in the site file
 * (`manual:` with status, comment, date), shown in the French and English
 * reports as a checklist, counted in the compliance view — never in the score.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../src/core/model.ts';
import { Result as ResultSchema } from '../src/core/model.ts';
import { loadProfile } from '../src/core/profile.ts';
import { applyScore, manualChecklist, parseSiteManual, readSiteManual, scoreResult } from '../src/score/index.ts';
import { EXAMPLE_SITE } from '../src/score/example.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { renderHtml } from '../reports/html.ts';
import { runCli, withSite } from './helpers.ts';

const base = loadProfile('anssi-base');

const SITE_FILE = `name: Site A — entrepôt
waivers: []
manual:
  manual.servers-protected-zone: { status: compliant, comment: "Baie VMS dans le local serveur badgé, accès journalisé", date: 2026-03-02, by: J. Martin }
  manual.cabling-protected: { status: not-compliant, comment: "Prise réseau active dans le hall d'accueil", date: 2026-03-02 }
  manual.outdoor-cameras-separated: { status: not-applicable, comment: "Aucune caméra extérieure" }
  manual.config-backups: { status: compliant, date: 2026-02-27 }
`;

function siteFile(text = SITE_FILE): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-manual-'));
  const path = join(dir, 'vigie.site.yaml');
  writeFileSync(path, text);
  return path;
}

function exampleResult(): Result {
  return {
    schema: 'vigie.result/1',
    scan: {
      id: 'manual-test',
      started: '2026-03-02T09:00:00.000Z',
      finished: '2026-03-02T09:05:00.000Z',
      vigieVersion: 'test',
      mode: 'credentials',
      profile: 'anssi-base',
      scope: { include: ['192.0.2.0/24'], exclude: [] },
      targets: ['192.0.2.0/24'],
      ports: [80],
      partial: false,
      timings: {},
      stats: { targets: 6, hostsReported: 6, connections: 0 },
      limits: { perHost: 2, global: 64 },
    },
    hosts: EXAMPLE_SITE.hosts,
    facts: [],
    findings: EXAMPLE_SITE.findings,
    notEvaluated: EXAMPLE_SITE.notEvaluated,
    errors: [],
  };
}

describe('the profile lists manual requirements', () => {
  it('anssi-base has them, each with a title in both languages and a reference; only verified ANSSI-PA-072 numbers', () => {
    const items = Object.entries(base.manual ?? {});
    expect(items.map(([id]) => id)).toEqual(
      expect.arrayContaining(['manual.servers-protected-zone', 'manual.cabling-protected', 'manual.outdoor-cameras-separated', 'manual.certified-products', 'manual.config-backups', 'manual.annual-review']),
    );
    for (const [id, r] of items) {
      expect(r.title?.en && r.title.fr, id).toBeTruthy();
      expect(r.title!.en).not.toBe(r.title!.fr);
      expect(r.text?.en && r.text.fr, id).toBeTruthy();
      expect(r.references?.length, id).toBeGreaterThan(0);
      for (const ref of r.references ?? []) {
        const n = /^ANSSI-PA-072 R(\d+)$/.exec(ref.id)?.[1];
        if (n) expect(['4', '8', '18', '25'], `${id} cites ${ref.id}`).toContain(n);
      }
    }
    expect(base.manual!['manual.servers-protected-zone']!.references![0]!.id).toBe('ANSSI-PA-072 R4');
  });
});

describe('statuses from the site file', () => {
  it('reads the manual section (other sections are left to the site-file reader)', () => {
    const site = readSiteManual(siteFile());
    expect(site.answers['manual.servers-protected-zone']).toEqual({ status: 'compliant', comment: 'Baie VMS dans le local serveur badgé, accès journalisé', date: '2026-03-02', by: 'J. Martin' });
    const { summary, unknown } = manualChecklist(base, site);
    expect(unknown).toEqual([]);
    expect(summary!.counts).toEqual({ 'not-assessed': 5, compliant: 2, 'not-compliant': 1, 'not-applicable': 1 });
    // compliant / (9 − not applicable)
    expect(summary!.complianceRate).toBe(Math.round((100 * 2) / 8));
    expect(summary!.items.find((i) => i.id === 'manual.annual-review')!.status).toBe('not-assessed');
  });

  it.each([
    ['an unknown status', 'manual:\n  manual.cabling-protected: { status: done }\n', /vigie\.site\.yaml:3:\d+: manual\.manual\.cabling-protected\.status: Invalid option/],
    ['a date that is not YYYY-MM-DD', 'manual:\n  manual.cabling-protected: { status: compliant, date: 02/03/2026 }\n', /vigie\.site\.yaml:3:\d+: manual\.manual\.cabling-protected\.date: a date like 2025-05-14/],
    ['an id that is not manual.*', 'manual:\n  servers: { status: compliant }\n', /vigie\.site\.yaml:3:\d+: manual\.servers: manual requirement ids look like manual\.servers-protected-zone/],
  ])('refuses %s, pointing at the line', (_label, text, message) => {
    expect(() => readSiteManual(siteFile(`name: x\n${text}`))).toThrow(message);
  });

  it('an answer for a requirement the profile does not have is kept aside and reported', () => {
    const site = parseSiteManual('manual:\n  manual.no-such-thing: { status: compliant }\n', 'site.yaml');
    const { summary, unknown } = manualChecklist(base, site);
    expect(unknown).toEqual(['manual.no-such-thing']);
    expect(summary!.unmatched).toEqual(['manual.no-such-thing']);
    expect(renderMarkdown({ ...exampleResult(), manual: summary! }, 'en')).toMatch(/answers in the site file for requirements this profile does not have: `manual\.no-such-thing`/);
  });

  it('a profile that extends anssi-base may switch a requirement off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-manual-'));
    writeFileSync(join(dir, 'p.yaml'), 'id: p\nversion: 1\nextends: anssi-base\ntitle: { en: p, fr: p }\nmanual:\n  manual.certified-products: { enabled: false }\n');
    const { summary } = manualChecklist(loadProfile(join(dir, 'p.yaml')));
    expect(summary!.items.map((i) => i.id)).not.toContain('manual.certified-products');
    expect(summary!.counts['not-assessed']).toBe(8);
  });
});

describe('in the reports, in French and in English', () => {
  const result = exampleResult();
  applyScore(result, base, readSiteManual(siteFile()));

  it('the result carries the checklist and validates', () => {
    expect(ResultSchema.safeParse(result).success).toBe(true);
    expect(result.manual!.items).toHaveLength(9);
  });

  it.each([
    ['en', /## Manual requirements \(checked on site\)/, /Servers and workstations in the most protected zone/, /\*\*compliant\*\*/, /\*\*not compliant\*\*/, /\*\*not applicable\*\*/, /\*\*not assessed\*\*/, /Manual compliance\*\*: \*\*25 %\*\*/],
    ['fr', /## Exigences manuelles \(vérifiées sur site\)/, /Serveurs et postes de travail dans la zone la plus protégée/, /\*\*conforme\*\*/, /\*\*non conforme\*\*/, /\*\*sans objet\*\*/, /\*\*non évaluée\*\*/, /Conformité manuelle\*\*: \*\*25 %\*\*/],
  ] as const)('Markdown (%s)', (lang, ...patterns) => {
    const md = renderMarkdown(result, lang);
    for (const p of patterns) expect(md).toMatch(p);
    expect(md).toContain('Prise réseau active dans le hall d');
    expect(md).toMatch(/2026-03-02/);
    expect(md).toMatch(/J\. Martin/);
    expect(md).toMatch(/ANSSI-PA-072 R4/);
  });

  it.each([
    ['en', 'Manual requirements (checked on site)', 'not compliant'],
    ['fr', 'Exigences manuelles (vérifiées sur site)', 'non conforme'],
  ] as const)('HTML (%s)', (lang, title, status) => {
    const page = renderHtml(result, lang);
    expect(page).toContain(`<section id="manual"><h2>${title}</h2>`);
    expect(page).toContain(`<td class="st-not-compliant">${status}</td>`);
  });
});

describe('never in the score', () => {
  it('the same findings give the same score whatever the manual statuses', () => {
    const all = (status: string) => {
      const r = exampleResult();
      const text = `manual:\n${Object.keys(base.manual!).map((id) => `  ${id}: { status: ${status} }`).join('\n')}\n`;
      applyScore(r, base, parseSiteManual(text, 'site.yaml'));
      return r;
    };
    const good = all('compliant');
    const bad = all('not-compliant');
    expect(good.manual!.complianceRate).toBe(100);
    expect(bad.manual!.complianceRate).toBe(0);
    expect(good.score).toEqual(bad.score);
    expect(good.score).toEqual(scoreResult(exampleResult(), base));
  });
});

describe('vigie scan --site', () => {
  it('puts the site file statuses into result.json and the French report', async () => {
    await withSite([{ name: 'cam-1', personality: 'lockout-camera' }], async (site) => {
      const path = siteFile();
      const out = join(mkdtempSync(join(tmpdir(), 'vigie-manual-out-')), 'out');
      const run = await runCli(['scan', site.devices[0]!.address, '--site', path, '--ports', site.ports.join(','), '--out', out, '--format', 'json,md,html', '--lang', 'fr', '--progress', 'none', '--quiet']);
      expect(run.stderr).not.toMatch(/vigie: (?!results are stored)/);
      expect(run.code).toBe(0);
      const result = ResultSchema.parse(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
      expect(result.manual!.source).toBe(path);
      expect(result.manual!.items.find((i) => i.id === 'manual.cabling-protected')).toMatchObject({ status: 'not-compliant', date: '2026-03-02' });
      const md = readFileSync(join(out, 'report.md'), 'utf8');
      expect(md).toMatch(/## Exigences manuelles \(vérifiées sur site\)/);
      expect(md).toMatch(/\*\*non conforme\*\*/);
      expect(md).toMatch(/## Note de durcissement/);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<section id="manual">');
    });
  }, 45_000);
});
