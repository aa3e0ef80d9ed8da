/**
 * Manual requirements: what no network scan can test (servers in the most
 * protected zone, cabling, outdoor cameras separated, certified products,
 * configuration backups, annual review …). The profile lists them (`manual:`);
 * the technician answers each one in the site file (`vigie.site.yaml`,
 * section `manual:` with status, comment, date). They are shown as a
 * checklist and counted in the compliance view — never in the hardening score.
 */
import { z } from 'zod';
import type { ManualItem, ManualStatus, ManualSummary } from '../core/model.ts';
import { MANUAL_STATUSES } from '../core/model.ts';
import type { Profile } from '../core/profile.ts';
import { SiteManualSection, type ManualAnswer } from '../core/scoring.ts';
import { UsageError } from '../core/errors.ts';
import { parseYamlFile, readYamlFile } from '../core/yaml-file.ts';
import type { LoadedSiteFile } from '../core/site-file.ts';

export interface SiteManualAnswers {
  answers: Readonly<Record<string, ManualAnswer>>;
  /** The file they came from (shown in the report). */
  source?: string;
}

export interface ManualChecklist {
  summary?: ManualSummary;
  /** Answers for requirements the profile does not have (a typo, or another profile's id). */
  unknown: string[];
}

/** The profile's manual requirements with the site's answers; undefined summary when the profile has none. */
export function manualChecklist(profile: Pick<Profile, 'id' | 'manual'>, site?: SiteManualAnswers): ManualChecklist {
  const answers = site?.answers ?? {};
  const items: ManualItem[] = [];
  for (const [id, req] of Object.entries(profile.manual ?? {})) {
    if (req.enabled === false) continue;
    const a = answers[id];
    // loadProfile refuses a requirement without a title; a hand-built profile still renders (by its id).
    const item: ManualItem = { id, title: req.title ?? { en: id, fr: id }, references: req.references ?? [], status: a?.status ?? 'not-assessed' };
    if (req.text) item.text = req.text;
    if (a?.comment) item.comment = a.comment;
    if (a?.date) item.date = a.date;
    if (a?.by) item.by = a.by;
    items.push(item);
  }
  const known = new Set(items.map((i) => i.id));
  const unknown = Object.keys(answers).filter((id) => !known.has(id));
  if (!items.length) return { unknown };
  const counts = Object.fromEntries(MANUAL_STATUSES.map((s) => [s, 0])) as Record<ManualStatus, number>;
  for (const i of items) counts[i.status]++;
  const applicable = items.length - counts['not-applicable'];
  const summary: ManualSummary = { items, counts };
  if (applicable > 0) summary.complianceRate = Math.round((100 * counts.compliant) / applicable);
  if (site?.source) summary.source = site.source;
  if (unknown.length) summary.unmatched = unknown;
  return { summary, unknown };
}

const SiteManualOnly = z.object({ manual: SiteManualSection.nullish() });

/**
 * The `manual:` section of a site file, validated, with errors at file:line:column.
 * Other sections (waivers, inventory …) belong to the site-file reader and are left alone.
 */
export function readSiteManual(path: string): SiteManualAnswers {
  return { answers: readYamlFile(path, SiteManualOnly, 'site file').data.manual ?? {}, source: path };
}

export function parseSiteManual(text: string, path: string): SiteManualAnswers {
  return { answers: parseYamlFile(text, path, SiteManualOnly).data.manual ?? {}, source: path };
}

/** The answers of a site file already loaded by `readSiteFile` (src/core/site-file.ts), which leaves `manual:` to us. */
export function siteManualOf(loaded: Pick<LoadedSiteFile, 'path' | 'site' | 'where'>): SiteManualAnswers {
  const parsed = SiteManualSection.nullish().safeParse(loaded.site.manual);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['manual', ...issue.path];
    throw new UsageError(`${loaded.where(path)}: ${path.map(String).join('.')}: ${issue.message}`);
  }
  return { answers: parsed.data ?? {}, source: loaded.path };
}
