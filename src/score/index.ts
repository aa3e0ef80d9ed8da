/** The hardening score, the manual checklist, and what the engine and offline evaluation call. */
import type { Result } from '../core/model.ts';
import type { Profile } from '../core/profile.ts';
import { scoreResult } from './score.ts';
import { manualChecklist, type SiteManualAnswers } from './manual.ts';

export { scoreResult, gradeOf, ceilingOf, worse, type ScoreInput, type ScoreProfile } from './score.ts';
export { resolveScoring, DEFAULT_SCORING, PRIVATE_CA_CHECK, type ResolvedScoring, type ResolvedCap } from './config.ts';
export { manualChecklist, readSiteManual, parseSiteManual, siteManualOf, type SiteManualAnswers, type ManualChecklist } from './manual.ts';

/**
 * Set `score` (and `manual`, when the profile has manual requirements) on a
 * result whose findings are final: after a scan, and after re-evaluating saved
 * facts. Returns the site-file answers that match no requirement of the profile.
 */
export function applyScore(result: Result, profile: Pick<Profile, 'id' | 'scoring' | 'manual'>, site?: SiteManualAnswers): string[] {
  result.score = scoreResult(result, profile);
  const { summary, unknown } = manualChecklist(profile, site ?? answersOf(result));
  if (summary) result.manual = summary;
  else delete result.manual;
  return unknown;
}

/** Without a site file, a re-evaluated result keeps the statuses it already recorded. */
function answersOf(result: Result): SiteManualAnswers | undefined {
  const m = result.manual;
  if (!m) return undefined;
  const answers = Object.fromEntries(
    m.items
      .filter((i) => i.status !== 'not-assessed' || i.comment || i.date)
      .map((i) => [i.id, { status: i.status, ...(i.comment ? { comment: i.comment } : {}), ...(i.date ? { date: i.date } : {}), ...(i.by ? { by: i.by } : {}) }]),
  );
  return { answers, ...(m.source ? { source: m.source } : {}) };
}
