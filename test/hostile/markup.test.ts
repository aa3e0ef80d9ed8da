/**
 * `<script>`, a Markdown fence and ANSI escape sequences (\x1b[2J, \x1b]0;…\x07)
 * in every banner, title, realm, Server header, model name, SNMP and UPnP
 * string, WS-Discovery scope and certificate subject (hostile-markup), and
 * certificates with absurd fields (hostile-cert): none of it may reach the
 * terminal (TTY progress line, JSON progress, summary) or the Markdown and
 * HTML reports unescaped — checked on the renderers and on the real executable.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, scanSite, startSite, type RunningSite } from '../helpers.ts';
import type { Result } from '../../src/core/model.ts';
import type { TlsCertificateData } from '../../src/core/facts.ts';
import { jsonLines, ttyLine, type ProgressEvent } from '../../src/core/progress.ts';
import { summary } from '../../src/cli/output.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { renderHtml } from '../../reports/html.ts';
import { CONTROL, SHORT, strings } from './support.ts';

let site: RunningSite;
let result: Result;
const events: ProgressEvent[] = [];

beforeAll(async () => {
  site = await startSite([
    { name: 'markup', personality: 'hostile-markup' },
    { name: 'cert', personality: 'hostile-cert' },
  ]);
  result = await scanSite(site, { mode: 'credentials', ...SHORT, progress: (e) => events.push(e) });
});
afterAll(async () => site?.stop());

const addr = (name: string) => site.devices.find((d) => d.name === name)!.address;

/** A writable that keeps what it is given, with the columns a terminal reports. */
function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const w = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  return { stream: Object.assign(w, { columns: 120, isTTY: true }) as unknown as NodeJS.WriteStream, text: () => out };
}

/** Markdown outside its code fences (inside one, HTML is inert text). */
const outsideFences = (md: string) => md.replace(/(`{3,})text\n[\s\S]*?\n\1(?!`)/g, '');

describe('hostile strings were really seen', () => {
  it('the scan read them from every protocol (as \\xNN text)', () => {
    const text = JSON.stringify(result.facts.filter((f) => f.host === addr('markup')));
    for (const type of ['telnet.greeting', 'ftp.greeting', 'http.response', 'rtsp.options', 'sip.options', 'ssdp.response', 'ssh.identification', 'onvif.device-info', 'snmp.system', 'wsdiscovery.match', 'tls.certificate']) {
      expect(result.facts.some((f) => f.host === addr('markup') && f.type === type), type).toBe(true);
    }
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('\\\\x1b[2J');
  });
});

describe('the terminal', () => {
  it('the TTY progress line prints no device string: its only escape sequence is its own line clearing', () => {
    const { stream, text } = capture();
    const sink = ttyLine(stream);
    for (const e of events) sink(e);
    expect(text()).toContain('\r\x1b[2K');
    expect(text().replace(/\r\x1b\[2K/g, '')).not.toMatch(CONTROL);
  });

  it('JSON progress lines carry no control character, even once parsed', () => {
    const { stream, text } = capture();
    const sink = jsonLines(stream);
    for (const e of events) sink(e);
    for (const line of text().trim().split('\n')) for (const [path, s] of strings(JSON.parse(line))) expect(s, path).not.toMatch(CONTROL);
  });

  it.each(['en', 'fr'] as const)('the summary (%s) has no control character', (lang) => {
    expect(summary(result, ['out/report.md'], lang)).not.toMatch(CONTROL);
  });
});

describe('the reports', () => {
  it('report.md: no control character; markup and fence breakers stay inside fences or escaped', () => {
    const md = renderMarkdown(result, 'en');
    expect(md).not.toMatch(CONTROL);
    const outside = outsideFences(md);
    expect(outside).not.toMatch(/<script|<img/i);
    expect(outside).not.toMatch(/```/);
    expect(outside).toMatch(/&lt;script&gt;/);
  });

  it('report.html: device strings are text, the only script is our own', () => {
    const html = renderHtml(result, 'en');
    expect(html).not.toMatch(CONTROL);
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html).not.toMatch(/<img/i);
    expect(html).toMatch(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });
});

describe('certificates with absurd fields', () => {
  const certs = () => result.facts.filter((f) => f.host === addr('cert') && f.type === 'tls.certificate').map((f) => [f.port, (f.data as unknown as TlsCertificateData).chain[0]!] as const);

  it('are read on both ports, with every field bounded', () => {
    expect(certs().map(([port]) => port).sort()).toEqual([443, 8443]);
    for (const [, c] of certs()) {
      expect(c.subject.length).toBeLessThan(400);
      expect(c.san.length).toBeLessThanOrEqual(50);
      expect(c.validTo).toBe('9999-12-31T23:59:59.000Z');
    }
  });

  it('a negative serial number is recorded as it is, not a crash', () => {
    const serial = certs().find(([port]) => port === 8443)![1].serial;
    expect(serial).toMatch(/^-/);
  });

  it('a certificate valid until year 9999 is not expired', () => {
    expect(result.findings.filter((f) => f.host === addr('cert') && f.check === 'tls.cert-expired')).toEqual([]);
  });
});

describe('the vigie executable', () => {
  it('prints no device escape sequence on stdout (summary) or stderr (progress line), and writes clean reports', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vigie-hostile-'));
    try {
      const d = site.devices.find((x) => x.name === 'markup')!;
      const run = await runCli(
        ['scan', d.address, '--ports', Object.values(d.ports).join(','), '--mode', 'safe', '--progress', 'tty', '--no-store', '--out', out, '--format', 'json,md,html'],
        { timeoutMs: 50_000 },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Scan complete/);
      expect(run.stdout).not.toMatch(CONTROL);
      expect(run.stderr.replace(/\r\x1b\[2K/g, '')).not.toMatch(CONTROL);
      const md = readFileSync(join(out, 'report.md'), 'utf8');
      expect(md).not.toMatch(CONTROL);
      expect(outsideFences(md)).not.toMatch(/<script|<img/i);
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html.match(/<script/gi)).toHaveLength(1);
      // The canonical result keeps what the device said, as text.
      expect(readFileSync(join(out, 'result.json'), 'utf8')).toContain('<script>alert(1)</script>');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
