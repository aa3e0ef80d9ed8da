/**
 * The profile's `scoring:` section after `extends` is resolved, with the
 * defaults filled in and each cap checked for completeness (a child profile
 * may have changed only one field of a cap; the merged cap must be whole).
 */
import type { Grade, Localized, Severity } from '../core/model.ts';
import { GRADES } from '../core/model.ts';
import type { Profile } from '../core/profile.ts';
import { checkMergedSections, type ScoringSection } from '../core/scoring.ts';
import { UsageError } from '../core/errors.ts';

export interface ResolvedCap {
  id: string;
  grade: Grade;
  severity?: Severity;
  checks: readonly string[];
  reason: Localized;
}

export interface ResolvedScoring {
  weights: Readonly<Record<Severity, number>>;
  checkWeights: Readonly<Record<string, number>>;
  /** Lowest score of A, B, C, D, E. */
  thresholds: Readonly<Record<Exclude<Grade, 'F'>, number>>;
  caps: readonly ResolvedCap[];
  required: readonly string[];
  acceptPrivateCa: boolean;
  weakestLinkSpread: number;
}

/** Used when a profile has no `scoring:` section at all (the stock profiles have one: profiles/anssi-base.yaml). */
export const DEFAULT_SCORING = {
  weights: { critical: 40, high: 15, medium: 6, low: 2, info: 0 },
  thresholds: { A: 90, B: 80, C: 65, D: 50, E: 35 },
  weakestLinkSpread: 1,
} as const;

/** The check whose finding a private CA produces (a chain that reaches neither the system store nor `--ca`). */
export const PRIVATE_CA_CHECK = 'tls.cert-untrusted-ca';

export function resolveScoring(profile: Pick<Profile, 'id' | 'scoring'>): ResolvedScoring {
  const s: ScoringSection = profile.scoring ?? {};
  const weights = { ...DEFAULT_SCORING.weights, ...s.weights };
  const thresholds = { ...DEFAULT_SCORING.thresholds, ...s.thresholds };
  const order = GRADES.slice(0, 5) as Exclude<Grade, 'F'>[];
  for (let i = 1; i < order.length; i++) {
    if (thresholds[order[i]!] >= thresholds[order[i - 1]!]) {
      throw new UsageError(`profile "${profile.id}": scoring.thresholds must decrease from A to E (${order.map((g) => `${g} ${thresholds[g]}`).join(', ')})`);
    }
  }
  checkMergedSections(profile);
  const caps: ResolvedCap[] = [];
  for (const [id, c] of Object.entries(s.caps ?? {})) {
    if (c.enabled === false) continue;
    caps.push({ id, grade: c.grade!, checks: c.checks ?? [], reason: c.reason!, ...(c.severity ? { severity: c.severity } : {}) });
  }
  const checkWeights: Record<string, number> = { ...s.checkWeights };
  const acceptPrivateCa = s.acceptPrivateCa ?? false;
  // What the profile accepts costs nothing: a private CA's certificate is not a weakness then.
  if (acceptPrivateCa) checkWeights[PRIVATE_CA_CHECK] = 0;
  return {
    weights,
    checkWeights,
    thresholds,
    caps,
    required: s.required ?? defaultRequired(caps),
    acceptPrivateCa,
    weakestLinkSpread: s.weakestLinkSpread ?? DEFAULT_SCORING.weakestLinkSpread,
  };
}

/**
 * Without an explicit `scoring.required` list: every check a cap names. (A
 * severity cap names no check; the stock profiles list their required checks.)
 */
function defaultRequired(caps: readonly ResolvedCap[]): string[] {
  return [...new Set(caps.flatMap((c) => c.checks))];
}
