/** What the baseline.* checks share: reading the reference from the profile params. */
import type { z } from 'zod';
import type { CheckParams, Outcome } from '../types.ts';
import { notEvaluated } from '../types.ts';

export type Parsed<T> = { ok: true; params: T } | { ok: false; outcome: Outcome[] };

/**
 * The reference the baseline wrote into the check's params. A check enabled
 * without one cannot judge anything: it says so rather than passing.
 */
export function referenceParams<S extends z.ZodType>(schema: S, params: CheckParams, what: string): Parsed<z.infer<S>> {
  if (!Object.keys(params).length) {
    return { ok: false, outcome: [notEvaluated(`no reference ${what} in the profile: take one with "vigie baseline" (this check reads the profile written by it)`)] };
  }
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, outcome: [notEvaluated(`the profile's reference ${what} is malformed at ${issue.path.join('.') || '(top level)'}: ${issue.message}`)] };
  }
  return { ok: true, params: parsed.data };
}

/** "a, b and 3 more" — findings stay short; the evidence note holds the full lists. */
export function listShort(items: readonly string[], max = 6): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function difference(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(b);
  return a.filter((x) => !set.has(x));
}

/** A short summary of the baseline checks' references. */
export const BASELINE_RATIONALE_TAIL = {
  en: 'The reference is a device of the same model that the engineer hardened by hand and that passed the commissioning profile; every new device of that model must match it.',
  fr: "La référence est un équipement du même modèle durci à la main par l'ingénieur et conforme au profil de mise en service ; chaque nouvel équipement de ce modèle doit lui être identique.",
} as const;
