/** Writing results and printing the end-of-scan summary. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Finding, Result } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';
import { renderMarkdown, severityCounts } from '../../reports/markdown.ts';
import { severityLabel, type Lang } from '../../reports/i18n.ts';
import { UsageError } from '../core/errors.ts';

export const FORMATS = ['json', 'md'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormats(value: string): Format[] {
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const f of list) if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown format "${f}" (available: ${FORMATS.join(', ')})`);
  return list as Format[];
}

function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Write the result in each format; returns the paths written. */
export function writeOutputs(result: Result, dir: string, formats: readonly Format[], lang: Lang, secretOf?: (f: Finding) => string | undefined): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) {
    const path = join(dir, format === 'json' ? 'result.json' : 'report.md');
    writeAtomic(path, format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderMarkdown(result, lang, secretOf ? { secretOf } : {}));
    written.push(path);
  }
  return written;
}

export function summary(result: Result, written: readonly string[], lang: Lang): string {
  const counts = severityCounts(result.findings);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const secs = ((Date.parse(result.scan.finished) - Date.parse(result.scan.started)) / 1000).toFixed(1);
  const fr = lang === 'fr';
  const lines = [
    `${result.scan.partial ? (fr ? 'Scan INTERROMPU (résultat partiel)' : 'Scan INTERRUPTED (partial result)') : fr ? 'Scan terminé' : 'Scan complete'} — ${secs} s`,
    `${fr ? 'Équipements' : 'Devices'}: ${result.hosts.length}   ${fr ? 'Constats' : 'Findings'}: ${total} (${SEVERITIES.filter((s) => s !== 'info').map((s) => `${severityLabel(s, lang)} ${counts[s]}`).join(', ')})`,
  ];
  if (result.notEvaluated.length) lines.push(`${fr ? 'Non évalués' : 'Not evaluated'}: ${result.notEvaluated.length}`);
  if (result.errors.length) lines.push(`${fr ? 'Erreurs' : 'Errors'}: ${result.errors.length}`);
  for (const p of written) lines.push(`  → ${relative(process.cwd(), p) || p}`);
  return lines.join('\n');
}
