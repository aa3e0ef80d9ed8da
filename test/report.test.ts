/** The Markdown report: rendered from the result only, hostile strings escaped. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mdFence, mdText, renderMarkdown } from '../reports/markdown.ts';
import type { Result } from '../src/core/model.ts';
import { schemaText, SCHEMA_PATH } from '../scripts/write-schema.ts';

const hostile = '<script>alert(1)</script> | `rm -rf` \x1b[31mred\x1b[0m\n# heading';

function sampleResult(): Result {
  return {
    schema: 'vigie.result/1',
    scan: {
      id: 'x',
      started: '2026-01-01T00:00:00.000Z',
      finished: '2026-01-01T00:00:01.000Z',
      vigieVersion: '0.1.0',
      mode: 'safe',
      profile: 'anssi-base',
      scope: { include: ['127.42.0.0/24'], exclude: [] },
      targets: ['127.42.0.10'],
      ports: [80],
      partial: false,
      timings: {},
      stats: { targets: 1, hostsReported: 1, connections: 1 },
      limits: { perHost: 2, global: 64 },
    },
    hosts: [{ address: '127.42.0.10', class: 'camera', model: hostile, sources: [], services: [{ port: 80, proto: 'tcp', kind: 'http', tls: false, banner: hostile }] }],
    facts: [],
    findings: [
      {
        check: 'http.cleartext-admin',
        host: '127.42.0.10',
        port: 80,
        proto: 'tcp',
        severity: 'high',
        title: { en: 'Administration interface served over plain HTTP', fr: "Interface d'administration servie en HTTP non chiffré" },
        detail: hostile,
        evidence: { received: 'HTTP 200\n```\nbreak out```' + hostile },
        references: [{ id: 'ANSSI-PA-072 R25' }],
        remediation: { en: 'Enable HTTPS', fr: 'Activer HTTPS' },
        status: 'open',
      },
    ],
    notEvaluated: [],
    errors: [],
  };
}

describe('markdown escaping', () => {
  it('neutralises HTML, table pipes, backticks and control bytes', () => {
    const s = mdText(hostile);
    expect(s).not.toMatch(/<script>/);
    expect(s).not.toMatch(/[^\\]\|/);
    expect(s).not.toMatch(/\x1b/);
    expect(s).not.toMatch(/\n/);
  });
  it('a fence cannot be closed by the content', () => {
    const block = mdFence('a ``` b ```` c');
    expect(block.startsWith('`````text\n')).toBe(true);
    expect(block.endsWith('\n`````')).toBe(true);
  });
  it('the whole report stays well-formed with hostile device strings', () => {
    const md = renderMarkdown(sampleResult(), 'en');
    // Inside a code fence HTML is inert text; outside, it must be escaped.
    const outsideFences = md.replace(/(`{3,})text\n[\s\S]*?\n\1(?!`)/g, '');
    expect(outsideFences).not.toMatch(/<script>/);
    expect(outsideFences).toMatch(/&lt;script&gt;/);
    expect(outsideFences).not.toMatch(/```/); // every fence closed where it should
    expect(md).not.toMatch(/\x1b/);
    expect(md).toMatch(/\| 127\.42\.0\.10 \|/);
    expect(renderMarkdown(sampleResult(), 'fr')).toMatch(/Interface d'administration servie en HTTP non chiffré/);
  });
});

describe('published JSON Schema', () => {
  it('is in sync with the zod model (run `npm run schema` after changing src/core/model.ts)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(schemaText());
  });
});
