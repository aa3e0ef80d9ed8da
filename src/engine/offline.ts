/**
 * Offline re-evaluation: a saved result's facts judged again under another
 * profile (and the site file's waivers), without the network. This module
 * imports no scanner and no `Net`: it cannot open a socket. Deterministic:
 * the same facts, profile, waivers and `asOf` give the same findings.
 */
import type { Finding, Result } from '../core/model.ts';
import type { Profile } from '../core/profile.ts';
import type { Waiver } from '../core/site-file.ts';
import { evaluate } from '../checks/evaluate.ts';
import { applyWaivers } from '../checks/waivers.ts';
import { buildPlan } from '../plan/planner.ts';
import { applyScore, type SiteManualAnswers } from '../score/index.ts';

export interface ReevaluateOptions {
  /** The site file's waivers; without them, the waivers the result already carries are kept for the findings they covered. */
  waivers?: readonly Waiver[];
  /** YYYY-MM-DD waivers are judged against; default: the day the scan started. */
  asOf?: string;
  site?: string;
  siteManual?: SiteManualAnswers;
  /** The evaluation's timestamp (recorded, never judged with). */
  now?: Date;
}

export interface Reevaluation {
  result: Result;
  expiredWaivers: Waiver[];
  unusedWaivers: Waiver[];
}

/** The waivers a result recorded, narrowed to the finding each covered (same check, host and port). */
export function recordedWaivers(findings: readonly Finding[]): Waiver[] {
  const out: Waiver[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const w = f.waiver;
    if (!w) continue;
    const key = JSON.stringify([f.check, f.host, w.port, w.expires, w.id, w.justification]);
    if (seen.has(key)) continue;
    seen.add(key);
    const waiver: Waiver = { check: f.check, host: f.host, justification: w.justification, approver: w.approver, expires: w.expires };
    if (w.id) waiver.id = w.id;
    if (w.port !== undefined) waiver.port = w.port;
    out.push(waiver);
  }
  return out;
}

export function reevaluate(source: Result, profile: Profile, opts: ReevaluateOptions = {}): Reevaluation {
  const asOf = opts.asOf ?? source.scan.started.slice(0, 10);
  const waivers = opts.waivers ?? recordedWaivers(source.findings);
  const { findings, notEvaluated } = evaluate(source.hosts, source.facts, profile);
  const applied = applyWaivers(findings, source.hosts, waivers, asOf);
  const { plan: _oldPlan, score: _oldScore, ...rest } = source as Result & { score?: unknown };
  const result: Result = {
    ...rest,
    scan: {
      ...source.scan,
      profile: profile.id,
      reevaluated: { at: (opts.now ?? new Date()).toISOString(), fromProfile: source.scan.profile, asOf, ...(opts.site ? { site: opts.site } : {}) },
    },
    findings: applied.findings,
    notEvaluated,
  };
  result.plan = buildPlan(result, profile);
  applyScore(result, profile, opts.siteManual);
  return { result, expiredWaivers: applied.expired, unusedWaivers: applied.unused };
}
