/**
 * `vigie evaluate result.json --profile nis2 [--site vigie.site.yaml]`: the
 * saved facts judged again under another profile, with the site file's
 * waivers, written as a new result (and its reports). No scanner runs and no
 * socket is opened: src/engine/offline.ts imports neither.
 */
import { resolve } from 'node:path';
import { EXIT, UsageError } from '../core/errors.ts';
import { atLeast, type Severity } from '../core/model.ts';
import { reevaluate } from '../engine/offline.ts';
import { loadCatalogueProfile } from '../checks/profiles.ts';
import { findCheck } from '../checks/index.ts';
import { readSiteFile, waiverSelector } from '../core/site-file.ts';
import { readSiteManual } from '../score/index.ts';
import { defaultLang, type Lang } from '../../reports/i18n.ts';
import { readResultFile } from './report.ts';
import { FILE_NAMES, parseFormats, summary, writeOutputs } from './output.ts';

export interface EvaluateCliOptions {
  profile?: string;
  /** The site file whose waivers apply (`--site`). */
  site?: string;
  /** YYYY-MM-DD the waivers are judged against (default: the scan's day). */
  asOf?: string;
  out: string;
  format: string;
  lang?: Lang;
  quiet?: boolean;
  failOn?: Severity;
}

export function parseDay(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new UsageError(`--as-of takes a date like 2026-06-30, not "${value}"`);
  return value;
}

export async function runEvaluateCommand(file: string, opts: EvaluateCliOptions): Promise<number> {
  const formats = parseFormats(opts.format);
  if (formats.includes('json') && resolve(opts.out, FILE_NAMES.json) === resolve(file)) {
    throw new UsageError(`--out ${opts.out} would overwrite ${file}: write the re-evaluation elsewhere`);
  }
  const source = readResultFile(file);
  const profile = loadCatalogueProfile(opts.profile ?? source.scan.profile);
  const lang = opts.lang ?? defaultLang();
  const site = opts.site ? readSiteFile(opts.site, (id) => findCheck(id) !== undefined) : undefined;
  const { result, expiredWaivers, unusedWaivers } = reevaluate(source, profile, {
    ...(site ? { waivers: site.site.waivers, site: opts.site!, siteManual: readSiteManual(opts.site!) } : {}),
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
  });
  const written = writeOutputs(result, opts.out, formats, lang);
  if (!opts.quiet) {
    const fr = lang === 'fr';
    process.stdout.write(
      `${fr ? 'Réévaluation hors ligne' : 'Offline re-evaluation'}: ${source.scan.profile} → ${profile.id} (${result.facts.length} ${fr ? 'faits, aucun paquet envoyé' : 'facts, no packet sent'})\n`,
    );
    for (const w of expiredWaivers) process.stdout.write(`  ${fr ? 'dérogation expirée' : 'expired waiver'}: ${w.id ? `${w.id} ` : ''}${w.check} ${waiverSelector(w)} (${w.expires})\n`);
    for (const w of unusedWaivers) process.stdout.write(`  ${fr ? 'dérogation sans constat' : 'waiver matching no finding'}: ${w.id ? `${w.id} ` : ''}${w.check} ${waiverSelector(w)}\n`);
    process.stdout.write(`${summary(result, written, lang)}\n`);
  }
  if (opts.failOn && result.findings.some((f) => f.status === 'open' && f.check !== 'inventory.device' && atLeast(f.severity, opts.failOn!))) return EXIT.findings;
  return EXIT.ok;
}
