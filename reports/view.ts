/**
 * What the reports derive from the canonical result, in one place so that
 * Markdown, HTML and CSV say the same thing. Reads the result only.
 */
import type { DeviceClass, Finding, Plan, PlanAction, PlanPhase, Result, Severity } from '../src/core/model.ts';
import { PLAN_PHASES, SEVERITIES, atLeast } from '../src/core/model.ts';

/** Open findings that count (the inventory line is not a finding to fix). */
export function openFindings(result: Pick<Result, 'findings'>): Finding[] {
  return result.findings.filter((f) => f.status === 'open' && f.check !== 'inventory.device');
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function actionsByPhase(plan: Plan | undefined): [PlanPhase, PlanAction[]][] {
  return PLAN_PHASES.map((p) => [p, (plan?.actions ?? []).filter((a) => a.phase === p)]);
}

/** The localized title of a check, from any finding of it in the result. */
export function checkTitles(result: Pick<Result, 'findings'>): Map<string, Finding['title']> {
  return new Map(result.findings.map((f) => [f.check, f.title]));
}

/** A serial number some scanner read (ONVIF GetDeviceInformation, SNMP …), if any. */
export function serialOf(result: Pick<Result, 'facts'>, host: string): string | undefined {
  for (const f of result.facts) {
    if (f.host !== host) continue;
    const s = (f.data as Record<string, unknown>).serialNumber;
    if (typeof s === 'string' && s.trim()) return s.trim();
  }
  return undefined;
}

/**
 * Compliance per device class: with commissioning verdicts, the share of
 * devices that pass; otherwise the share with no open finding at medium or above.
 */
export function complianceByClass(result: Pick<Result, 'hosts' | 'findings' | 'plan'>): { cls: DeviceClass; compliant: number; total: number }[] {
  const verdicts = result.plan?.verdicts;
  const open = openFindings(result);
  const byClass = new Map<DeviceClass, { compliant: number; total: number }>();
  for (const h of result.hosts) {
    const ok = verdicts
      ? verdicts.devices.find((d) => d.host === h.address)?.verdict === 'pass'
      : !open.some((f) => f.host === h.address && atLeast(f.severity, 'medium'));
    const c = byClass.get(h.class) ?? { compliant: 0, total: 0 };
    c.total++;
    if (ok) c.compliant++;
    byClass.set(h.class, c);
  }
  return [...byClass.entries()].map(([cls, c]) => ({ cls, ...c }));
}

/** One point of the trend chart: when, and how many open findings of each severity. */
export interface HistoryPoint {
  date: string;
  counts: Record<Severity, number>;
  /** The site's hardening score and grade then (results written before the score have none). */
  score?: number | undefined;
  grade?: string | undefined;
}

export function historyPoint(result: Pick<Result, 'findings' | 'scan'> & Partial<Pick<Result, 'score'>>): HistoryPoint {
  const site = result.score?.site;
  return { date: result.scan.started, counts: countBySeverity(openFindings(result)), ...(site ? { score: site.score ?? site.best?.score, grade: site.grade } : {}) };
}
