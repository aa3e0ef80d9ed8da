/** Writing results and printing the end-of-scan summary. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Finding, Result } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';
import { renderMarkdown, severityCounts } from '../../reports/markdown.ts';
import { phaseLabel, severityLabel, verdictLabel, type Lang } from '../../reports/i18n.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderPlanCsv } from '../../reports/csv.ts';
import { PLAN_PHASES } from '../core/model.ts';
import type { HistoryPoint } from '../../reports/view.ts';
import { UsageError } from '../core/errors.ts';
import { writeJsonFile } from '../core/json-file.ts';

export const FORMATS = ['json', 'md', 'html', 'csv'] as const;
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

/** The file each format is written to. */
export const FILE_NAMES: Readonly<Record<Format, string>> = { json: 'result.json', md: 'report.md', html: 'report.html', csv: 'plan.csv' };

/** Write the result in each format; returns the paths written. */
export function writeOutputs(
  result: Result,
  dir: string,
  formats: readonly Format[],
  lang: Lang,
  secretOf?: (f: Finding) => string | undefined,
  opts: { history?: readonly HistoryPoint[] } = {},
): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) {
    const path = join(dir, FILE_NAMES[format]);
    if (format === 'json') {
      // Streamed: a thousand devices' result is never one string in memory (src/core/json-file.ts).
      writeJsonFile(path, result);
      written.push(path);
      continue;
    }
    const content =
      format === 'md'
          ? renderMarkdown(result, lang, secretOf ? { secretOf } : {})
          : format === 'html'
            ? renderHtml(result, lang, opts.history ? { history: opts.history } : {})
            : renderPlanCsv(result, lang);
    writeAtomic(path, content);
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
  if (result.plan) {
    const perPhase = PLAN_PHASES.map((p) => `${phaseLabel(p, lang)} ${result.plan!.actions.filter((a) => a.phase === p).length}`).join(', ');
    lines.push(`Plan: ${result.plan.actions.length} actions (${perPhase})`);
  }
  if (result.score) {
    const site = result.score.site;
    const grades = result.score.devices.map((d) => d.grade).join(' ');
    lines.push(`${fr ? 'Note de durcissement du site' : 'Site hardening grade'}: ${site.grade === 'incomplete' ? `${fr ? 'incomplète' : 'incomplete'}${site.best ? ` (${fr ? 'au mieux' : 'at best'} ${site.best.grade} ${site.best.score})` : ''}` : `${site.grade} (${site.score})`} — ${fr ? 'équipements' : 'devices'}: ${grades}`);
  }
  const verdicts = result.plan?.verdicts;
  if (verdicts) {
    lines.push(`${fr ? 'Mise en service' : 'Commissioning'} (${verdicts.profile} v${verdicts.profileVersion}): ${verdicts.devices.filter((d) => d.verdict === 'pass').length}/${verdicts.devices.length} ${verdictLabel('pass', lang)}`);
    for (const d of verdicts.devices) lines.push(`  ${verdictLabel(d.verdict, lang).padEnd(12)} ${d.host}${d.name ? ` ${d.name}` : ''}${d.failing.length ? ` — ${[...new Set(d.failing.map((f) => f.check))].join(', ')}` : ''}${d.verdict === 'incomplete' ? ` — ${[...new Set(d.notEvaluated.map((n) => n.check))].join(', ')}` : ''}`);
  }
  for (const p of written) lines.push(`  → ${relative(process.cwd(), p) || p}`);
  return lines.join('\n');
}
