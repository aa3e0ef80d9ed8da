/**
 * The HTML report of the demo in a real headless Chromium (Debian's
 * `chromium`, driven by playwright-core): it loads offline without a single
 * console error or network request, its plots are drawn, it prints to PDF.
 * A screenshot goes to the test's temp dir; with VIGIE_UPDATE_SCREENSHOT=1 it
 * also replaces docs/report-screenshot.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { scanSite, withSite } from './helpers.ts';
import { DEMO_SITE } from '../src/lab/site.ts';
import { renderHtml } from '../reports/html.ts';
import { ROOT } from '../src/core/paths.ts';
import { hostileResult } from './reports-fixture.ts';
import { renderPlanCsv } from '../reports/csv.ts';
import { labPasswords } from '../src/lab/secrets.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)(`the demo's HTML report in headless Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`}`, () => {
  let browser: Browser;
  let file: string;
  let demoOutputs: Record<string, string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'vigie-html-'));

  beforeAll(async () => {
    // The demo: the demo site, scanned as `vigie demo` does (credentials mode, the site CA as --ca).
    const result = await withSite(DEMO_SITE, (site) => scanSite(site, { mode: 'credentials' }));
    file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(result, 'en'));
    demoOutputs = { 'report.html': readFileSync(file, 'utf8'), 'plan.csv': renderPlanCsv(result, 'fr') };
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no console error and no network request, draws the plots, prints to PDF', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    // Anything but the report itself is refused (and recorded above).
    await context.route('**/*', (route) => (route.request().url() === pathToFileURL(file).href ? route.continue() : route.abort()));

    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(requests).toEqual([pathToFileURL(file).href]);

    // The plots are there and have drawn bars.
    for (const id of ['chart-severity', 'chart-class', 'chart-compliance']) {
      const box = await page.locator(`svg[aria-labelledby="${id}"]`).boundingBox();
      expect(box?.width).toBeGreaterThan(100);
    }
    expect(await page.locator('svg[aria-labelledby="chart-severity"] rect').count()).toBeGreaterThanOrEqual(4);
    // The plan has its checkboxes; devices are collapsible.
    expect(await page.locator('#plan input[type="checkbox"]').count()).toBeGreaterThan(3);
    expect(await page.locator('details.device').count()).toBe(DEMO_SITE.length);

    const shot = join(dir, 'report-screenshot.png');
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    if (process.env.VIGIE_UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(ROOT, 'docs', 'report-screenshot.png'));

    // Printing opens every device section (the only script: a beforeprint handler allowed by its CSP hash).
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await page.locator('details.device[open]').count()).toBe(DEMO_SITE.length);

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await context.close();
  });

  it('no password of the simulated devices in the HTML report or the CSV plan', () => {
    expect(demoOutputs['report.html']).toMatch(/cred\.default-accepted/);
    for (const password of labPasswords()) {
      const word = new RegExp(`(^|[^\\w])${password}($|[^\\w])`);
      for (const [name, text] of Object.entries(demoOutputs)) expect(word.test(text), `${password} in ${name}`).toBe(false);
    }
  });

  it('a hostile device string stays text: no script runs, no request leaves', async () => {
    const poisoned = join(dir, 'poisoned.html');
    writeFileSync(poisoned, renderHtml(hostileResult({ commissioning: true }), 'fr'));
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await page.goto(pathToFileURL(poisoned).href, { waitUntil: 'load' });
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([pathToFileURL(poisoned).href]);
    expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
    // The hostile text is displayed as text.
    expect(await page.locator('body').innerText()).toContain('<script>window.pwned=true</script>');
    await context.close();
  });
});
