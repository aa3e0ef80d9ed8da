/**
 * The shapes of two profile sections and of the site file's manual section,
 * declared here (in core, next to the profile loader) so that
 * `src/core/profile.ts` can validate them without importing the scorer:
 *   - `scoring:` weights, grade thresholds and caps of the hardening score (src/score/);
 *   - `manual:` requirements no network scan can test, answered by the technician
 *     in the site file (`vigie.site.yaml`, section `manual:`).
 *
 * Every field of a profile section is optional in one file: a profile that
 * `extends` another may change one weight or one cap. The merged section is
 * checked for completeness by `resolveScoring` (src/score/config.ts).
 */
import { z } from 'zod';
import { GRADES, Grade, Localized, ManualStatus, Reference, Severity } from './model.ts';
import { UsageError } from './errors.ts';

/** A grade cap: any open finding it matches holds the device at `grade` or below. */
export const ScoreCapSetting = z.strictObject({
  enabled: z.boolean().optional(),
  grade: Grade.optional(),
  /** Matches any open finding at or above this severity (e.g. `critical`). */
  severity: Severity.optional(),
  /** Matches an open finding of one of these checks, whatever its severity. */
  checks: z.array(z.string()).optional(),
  reason: Localized.optional(),
});
export type ScoreCapSetting = z.infer<typeof ScoreCapSetting>;

export const ScoringSection = z.strictObject({
  /** Points off per check that fires on a device, by the finding's severity under the profile. */
  weights: z
    .strictObject({
      critical: z.number().min(0).max(100),
      high: z.number().min(0).max(100),
      medium: z.number().min(0).max(100),
      low: z.number().min(0).max(100),
      info: z.number().min(0).max(100),
    })
    .partial()
    .optional(),
  /** Per-check weight, replacing the severity weight (0: the check never costs points nor caps). */
  checkWeights: z.record(z.string(), z.number().min(0).max(100)).optional(),
  /** Lowest score of each grade (F is below E). */
  thresholds: z
    .strictObject({
      A: z.number().int().min(0).max(100),
      B: z.number().int().min(0).max(100),
      C: z.number().int().min(0).max(100),
      D: z.number().int().min(0).max(100),
      E: z.number().int().min(0).max(100),
    })
    .partial()
    .optional(),
  /** Grade caps by id (a map, so that a profile that extends this one can change or disable one cap). */
  caps: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'), ScoreCapSetting).optional(),
  /** Checks whose `not-evaluated` on a device withholds its grade ("incomplete"). */
  required: z.array(z.string()).optional(),
  /** Certificates of a private CA are acceptable: `tls.cert-untrusted-ca` weighs 0 and caps nothing. */
  acceptPrivateCa: z.boolean().optional(),
  /** A class or the site is graded at most this many letters above its weakest device. */
  weakestLinkSpread: z.number().int().min(0).max(5).optional(),
});
export type ScoringSection = z.infer<typeof ScoringSection>;

export const MANUAL_ID = /^manual\.[a-z0-9][a-z0-9-]*$/;

/** A requirement no scan can test: the technician answers it in the site file. */
export const ManualRequirementSetting = z.strictObject({
  enabled: z.boolean().optional(),
  title: Localized.optional(),
  /** What to verify on site, and how. */
  text: Localized.optional(),
  references: z.array(Reference).optional(),
});
export type ManualRequirementSetting = z.infer<typeof ManualRequirementSetting>;

/** A map keyed by manual requirement id; a key of another shape is an error at that key's line. */
function byManualId<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      if (!MANUAL_ID.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'manual requirement ids look like manual.servers-protected-zone' });
    }
  });
}

export const ManualSection = byManualId(ManualRequirementSetting);
export type ManualSection = z.infer<typeof ManualSection>;

/** One answer in the site file's `manual:` section. */
export const ManualAnswer = z.strictObject({
  status: ManualStatus,
  comment: z.string().max(2000).optional(),
  /** When it was assessed: YYYY-MM-DD. */
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2025-05-14')
    .optional(),
  /** Who assessed it. */
  by: z.string().max(200).optional(),
});
export type ManualAnswer = z.infer<typeof ManualAnswer>;

/** The site file's `manual:` section: answers by requirement id. */
export const SiteManualSection = byManualId(ManualAnswer);
export type SiteManualSection = z.infer<typeof SiteManualSection>;

/**
 * Checks what one file cannot: the merged `scoring:` and `manual:` sections
 * (after `extends`) must be whole — each cap with a grade, a matcher and a
 * reason, thresholds decreasing, each manual requirement with a title. Called
 * when a profile is loaded, so a mistake stops the run before any packet.
 */
export function checkMergedSections(profile: { id: string; scoring?: ScoringSection | undefined; manual?: ManualSection | undefined }): void {
  const s = profile.scoring;
  if (s?.thresholds) {
    const order = GRADES.slice(0, 5) as Exclude<Grade, 'F'>[];
    const t = s.thresholds;
    for (let i = 1; i < order.length; i++) {
      const hi = t[order[i - 1]!];
      const lo = t[order[i]!];
      if (hi !== undefined && lo !== undefined && lo >= hi) throw new UsageError(`profile "${profile.id}": scoring.thresholds must decrease from A to E (${order[i - 1]} ${hi}, ${order[i]} ${lo})`);
    }
  }
  for (const [id, c] of Object.entries(s?.caps ?? {})) {
    if (c.enabled === false) continue;
    const where = `profile "${profile.id}": scoring.caps.${id}`;
    if (!c.grade) throw new UsageError(`${where}: a cap needs a grade (A–F)`);
    if (!c.severity && !c.checks?.length) throw new UsageError(`${where}: a cap needs a severity or a list of checks`);
    if (!c.reason) throw new UsageError(`${where}: a cap needs a reason in en and fr (it is shown in the report)`);
  }
  for (const [id, m] of Object.entries(profile.manual ?? {})) {
    if (m.enabled !== false && !m.title) throw new UsageError(`profile "${profile.id}": manual.${id}: a manual requirement needs a title in en and fr`);
  }
}
