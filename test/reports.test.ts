/**
 * Reports rendered from the canonical result: HTML escaping of hostile device
 * strings, the CSV plan (RFC 4180, no formula injection), a French report
 * without English check titles, and `vigie report` re-rendering a saved result.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, scanSite, withSite } from './helpers.ts';
import type { Result } from '../src/core/model.ts';
import { Result as ResultSchema } from '../src/core/model.ts';
import { renderHtml } from '../reports/html.ts';
import { renderMarkdown, mdText } from '../reports/markdown.ts';
import { csvCell, renderPlanCsv } from '../reports/csv.ts';
import { esc } from '../reports/escape.ts';
import { phaseLabel, t } from '../reports/i18n.ts';
import { historyPoint } from '../reports/view.ts';
import { buildPlan } from '../src/plan/planner.ts';
import { PLAN_PHASES } from '../src/core/model.ts';
import { hostileResult, SCRIPT } from './reports-fixture.ts';

/** A small RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) throw new Error('the CSV does not end with CRLF');
  return rows;
}

describe('HTML report: one escape function for everything a device says', () => {
  const html = renderHtml(hostileResult({ commissioning: true }), 'en');

  it('no device string becomes markup', () => {
    // Our own print script is the only script element; no img, no event handler attribute.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/\son\w+\s*=\s*["']/i);
    expect(html).toContain(esc(SCRIPT));
    expect(html).toContain('cam&quot; onmouseover=&quot;window.pwned=true');
    // Control bytes and bidi overrides are dropped.
    expect(html).not.toMatch(/[\u0007\u202e]/);
    // The evidence that tries to close its <pre> stays inside it.
    expect(html).toContain('&lt;/pre&gt;');
  });

  it('self-contained: nothing to fetch, and a CSP that only allows our own style and script by hash', () => {
    expect(html).not.toMatch(/<[^>]*\s(src|href|srcset|action)\s*=/i);
    expect(html).not.toMatch(/<link|<iframe|<object|<embed|@import|url\(/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toMatch(/^default-src 'none';/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
  });

  it('draws the plots, the verdicts, the plan with checkboxes, devices collapsible, evidence in monospace', () => {
    for (const id of ['chart-severity', 'chart-class', 'chart-compliance']) expect(html).toContain(`aria-labelledby="${id}"`);
    expect(html).not.toContain('chart-trend');
    expect(html).toMatch(/<section id="verdicts">[\s\S]*FAIL/);
    expect(html.match(/<input type="checkbox"/g)!.length).toBe(hostileResult().plan!.actions.length);
    expect(html.match(/<details class="device">/g)).toHaveLength(2);
    expect(html).toMatch(/<pre>[^<]*login: /);
  });

  it('adds the trend when history is given', () => {
    const earlier = { date: '2025-09-01T00:00:00.000Z', counts: { critical: 4, high: 6, medium: 3, low: 1, info: 0 } };
    const withTrend = renderHtml(hostileResult(), 'fr', { history: [earlier] });
    const trend = /<svg[^>]*aria-labelledby="chart-trend"[\s\S]*?<\/svg>/.exec(withTrend)![0];
    expect(trend.match(/<polyline/g)).toHaveLength(4);
    expect(trend).toContain('2025-09-01');
    expect(trend).toContain(historyPoint(hostileResult()).date.slice(0, 10));
    expect(withTrend).toContain(t('chartTrend', 'fr'));
  });

  it('the Markdown report keeps its escaping for the new sections', () => {
    const md = renderMarkdown(hostileResult({ commissioning: true }), 'en');
    const outsideFences = md.replace(/(`{3,})text\n[\s\S]*?\n\1(?!`)/g, '');
    expect(outsideFences).not.toMatch(/<script>|<img/);
    expect(md).toMatch(/## Executive summary/);
    expect(md).toMatch(/## Commissioning verdicts[\s\S]*\*\*FAIL\*\*/);
    expect(md).toMatch(/### Immediately\n\n- \[ \] \*\*Set a unique, strong password on every account\*\* — 1 device/);
    expect(md).toMatch(/\| Client \| Approved by \| Date \| Signature \|/);
  });
});

describe('CSV of the plan', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
  ])('%j → %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('one row per action × device, CRLF, quoted and neutralised, localized headers', () => {
    const result = hostileResult();
    const csv = renderPlanCsv(result, 'fr');
    expect(csv.startsWith('\ufeff')).toBe(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]!.slice(0, 4)).toEqual(['id', 'Phase', '#', 'Action']);
    const devices = result.plan!.actions.reduce((n, a) => n + a.devices.length, 0);
    expect(rows).toHaveLength(1 + devices);
    expect(new Set(rows.map((r) => r.length))).toEqual(new Set([rows[0]!.length]));
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const telnet = rows.find((r) => r[0] === 'disable-telnet')!;
    expect(telnet[1]).toBe(phaseLabel('within-30-days', 'fr'));
    expect(telnet[3]).toBe('Désactiver Telnet');
    expect(telnet[5]).toBe('127.42.0.10');
    expect(telnet[6]).toBe('cam" onmouseover="window.pwned=true');
  });
});

describe('French reports and vigie report', () => {
  let result: Result;
  const dir = mkdtempSync(join(tmpdir(), 'vigie-reports-'));

  beforeAll(async () => {
    result = await withSite(
      [
        { name: 'cam-entrance', personality: 'legacy-camera' },
        { name: 'cam-lobby', personality: 'digest-camera' },
        { name: 'door-1', personality: 'access-controller' },
        { name: 'cam-ssh', personality: 'legacy-ssh' },
      ],
      (site) => scanSite(site, { mode: 'credentials' }),
    );
  });

  it('the French Markdown, HTML and CSV hold no English check title, action title or section name', () => {
    const md = renderMarkdown(result, 'fr');
    const html = renderHtml(result, 'fr');
    const csv = renderPlanCsv(result, 'fr');
    const english = new Set<string>();
    for (const f of result.findings) if (f.title.en !== f.title.fr) english.add(f.title.en);
    for (const a of result.plan!.actions) english.add(a.title.en);
    for (const p of PLAN_PHASES) english.add(phaseLabel(p, 'en'));
    for (const w of ['executiveSummary', 'plan', 'findingsPerDevice', 'validation', 'deviceDetails', 'chartSeverity', 'openFindings'] as const) english.add(t(w, 'en'));
    expect(english.size).toBeGreaterThan(15);
    expect(result.findings.filter((f) => f.check !== 'inventory.device').length).toBeGreaterThan(10);
    for (const title of english) {
      expect(md, title).not.toContain(title);
      expect(md, title).not.toContain(mdText(title));
      expect(html, title).not.toContain(esc(title));
      expect(csv, title).not.toContain(title);
    }
    expect(md).toMatch(/^# Audit de durcissement vigie/);
    expect(html).toMatch(/<html lang="fr">/);
  });

  it('vigie report re-renders a saved result (validated; a result without a plan gets one)', async () => {
    const { plan, ...withoutPlan } = result;
    const file = join(dir, 'result.json');
    writeFileSync(file, JSON.stringify(withoutPlan));
    const out = join(dir, 'rapport');
    const run = await runCli(['report', file, '--format', 'html,md,csv,json', '--lang', 'fr', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/rapport\/report\.html/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/^# Audit de durcissement vigie[\s\S]*## Plan de remédiation/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<html lang="fr">/);
    expect(readFileSync(join(out, 'plan.csv'), 'utf8')).toMatch(/^\ufeffid,Phase,#,Action,/);
    const rewritten = ResultSchema.parse(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
    expect(rewritten.plan).toEqual(plan);
    expect(rewritten.plan).toEqual(buildPlan(withoutPlan));
  });

  it('vigie report refuses what is not a vigie result, with a clear message (exit 2)', async () => {
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{"schema": "vigie.result/1",');
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ ...result, hosts: [{ address: 42 }] }));
    for (const [file, message] of [
      [notJson, /"[^"]*broken\.json" is not JSON/],
      [wrong, /"[^"]*wrong\.json" is not a vigie result \(vigie\.result\/1\): hosts\.0\.address: /],
      [join(dir, 'missing.json'), /cannot read "[^"]*missing\.json": ENOENT/],
    ] as const) {
      const run = await runCli(['report', file, '--format', 'html']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
