/**
 * The three KPIs of POL-CYB-001 §05, per site and per period (quarter or
 * month), from the store's history:
 * - configuration compliance rate: devices without an open finding at or
 *   above the threshold (the profile's commissioning `failAt`, else `high`)
 *   ÷ devices, in the last scan of the period;
 * - mean time to fix, per severity: first seen → first scan where the
 *   finding is gone (its device reached to the end), for the fixes observed
 *   in the period;
 * - firmware updates done: firmware version changes per device observed in
 *   the period.
 */
import type { Severity } from '../core/model.ts';
import { SEVERITIES, atLeast } from '../core/model.ts';
import { walkHistory, type FirmwareChange, type Snapshot } from '../store/snapshot.ts';
import type { Store } from '../store/store.ts';

export type Granularity = 'quarter' | 'month';
export const FIX_SEVERITIES = SEVERITIES.filter((s) => s !== 'info') as Exclude<Severity, 'info'>[];
const DAY_MS = 86_400_000;

export interface MeanTime {
  fixed: number;
  /** Exact mean in milliseconds; null when nothing was fixed. */
  meanMs: number | null;
  /** The same in days, rounded to 0.01. */
  meanDays: number | null;
}

export interface Compliance {
  scan: string;
  at: string;
  threshold: Severity;
  devices: number;
  compliant: number;
  /** compliant ÷ devices, 0–1 (null without devices). */
  rate: number | null;
}

export interface KpiPeriod {
  period: string;
  from: string;
  to: string;
  scans: number;
  compliance: Compliance;
  meanTimeToFix: Record<Exclude<Severity, 'info'>, MeanTime> & { all: MeanTime };
  firmwareUpdates: { count: number; devices: number; changes: FirmwareChange[] };
  /** The site's hardening score in the last scan of the period (src/score; docs/scoring.md); absent for scans saved before it existed. */
  hardeningScore?: HardeningScore;
}

/** The site grade (A–F, or `incomplete` with no score) of one scan. */
export interface HardeningScore {
  scan: string;
  at: string;
  grade: string;
  score?: number;
}

export function hardeningScoreOf(s: Snapshot): HardeningScore | undefined {
  if (!s.siteScore) return undefined;
  return { scan: s.id, at: s.started, grade: s.siteScore.grade, ...(s.siteScore.score !== undefined ? { score: s.siteScore.score } : {}) };
}

export interface KpiReport {
  site: string;
  by: Granularity;
  periods: KpiPeriod[];
  /** Over the whole history kept. */
  total: Omit<KpiPeriod, 'period' | 'from' | 'to' | 'compliance' | 'hardeningScore'> & { compliance?: Compliance; hardeningScore?: HardeningScore };
}

export function periodOf(iso: string, by: Granularity): { period: string; from: string; to: string } {
  const d = new Date(iso);
  const y = d.getUTCFullYear();
  if (by === 'month') {
    const m = d.getUTCMonth();
    return { period: `${y}-${String(m + 1).padStart(2, '0')}`, from: new Date(Date.UTC(y, m, 1)).toISOString(), to: new Date(Date.UTC(y, m + 1, 1)).toISOString() };
  }
  const q = Math.floor(d.getUTCMonth() / 3);
  return { period: `${y}-Q${q + 1}`, from: new Date(Date.UTC(y, 3 * q, 1)).toISOString(), to: new Date(Date.UTC(y, 3 * q + 3, 1)).toISOString() };
}

export function complianceOf(s: Snapshot): Compliance {
  const failing = new Set(s.findings.filter((f) => f.status === 'open' && atLeast(f.severity, s.threshold)).map((f) => f.host));
  const devices = s.devices.length;
  const compliant = s.devices.filter((d) => !failing.has(d.address)).length;
  return { scan: s.id, at: s.started, threshold: s.threshold, devices, compliant, rate: devices ? compliant / devices : null };
}

function meanTime(durations: number[]): MeanTime {
  if (!durations.length) return { fixed: 0, meanMs: null, meanDays: null };
  const meanMs = durations.reduce((a, b) => a + b, 0) / durations.length;
  return { fixed: durations.length, meanMs, meanDays: Math.round((meanMs / DAY_MS) * 100) / 100 };
}

function summarize(steps: ReturnType<typeof walkHistory>) {
  const fixes = steps.flatMap((s) => s.fixes);
  const changes = steps.flatMap((s) => s.firmwareChanges);
  const mttf = Object.fromEntries(FIX_SEVERITIES.map((sev) => [sev, meanTime(fixes.filter((f) => f.severity === sev).map((f) => f.durationMs))])) as KpiPeriod['meanTimeToFix'];
  mttf.all = meanTime(fixes.map((f) => f.durationMs));
  return { scans: steps.length, meanTimeToFix: mttf, firmwareUpdates: { count: changes.length, devices: new Set(changes.map((c) => c.address)).size, changes } };
}

export function computeKpis(site: string, snapshots: readonly Snapshot[], by: Granularity = 'quarter'): KpiReport {
  const steps = walkHistory(snapshots);
  const groups = new Map<string, typeof steps>();
  for (const s of steps) {
    const p = periodOf(s.snapshot.started, by).period;
    groups.set(p, [...(groups.get(p) ?? []), s]);
  }
  const withScore = (s: Snapshot) => {
    const h = hardeningScoreOf(s);
    return h ? { hardeningScore: h } : {};
  };
  const periods: KpiPeriod[] = [...groups].map(([, list]) => ({
    ...periodOf(list[0]!.snapshot.started, by),
    ...summarize(list),
    compliance: complianceOf(list[list.length - 1]!.snapshot),
    ...withScore(list[list.length - 1]!.snapshot),
  }));
  const last = steps[steps.length - 1];
  return { site, by, periods, total: { ...summarize(steps), ...(last ? { compliance: complianceOf(last.snapshot), ...withScore(last.snapshot) } : {}) } };
}

/**
 * One point per stored scan of a site, for the HTML report's trend chart:
 * `date` and `counts` (open findings per severity) are the shape of
 * reports/view.ts `HistoryPoint`; compliance and cumulated KPIs ride along.
 */
export interface KpiHistoryPoint {
  date: string;
  scan: string;
  counts: Record<Severity, number>;
  compliance: Compliance;
  fixesSoFar: number;
  firmwareUpdatesSoFar: number;
  /** The site's hardening score and grade (reports/view.ts HistoryPoint reads them for the score trend). */
  score?: number;
  grade?: string;
}

export function kpiHistoryOf(snapshots: readonly Snapshot[]): KpiHistoryPoint[] {
  let fixes = 0;
  let updates = 0;
  return walkHistory(snapshots).map((s) => {
    fixes += s.fixes.length;
    updates += s.firmwareChanges.length;
    const counts = Object.fromEntries(SEVERITIES.map((sev) => [sev, 0])) as Record<Severity, number>;
    for (const f of s.snapshot.findings) if (f.status === 'open') counts[f.severity]++;
    const site = s.snapshot.siteScore;
    return {
      date: s.snapshot.started,
      scan: s.snapshot.id,
      counts,
      compliance: complianceOf(s.snapshot),
      fixesSoFar: fixes,
      firmwareUpdatesSoFar: updates,
      ...(site ? { grade: site.grade, ...(site.score !== undefined ? { score: site.score } : {}) } : {}),
    };
  });
}

/** The trend of a site as the store holds it (what `vigie supervise --out` gives the HTML report). */
export function kpiHistory(store: Store, site: string): KpiHistoryPoint[] {
  return kpiHistoryOf(store.snapshots(site));
}

const pct = (r: number | null) => (r === null ? '—' : `${(Math.round(r * 1000) / 10).toFixed(1)} %`);
const days = (m: MeanTime) => (m.meanDays === null ? '—' : `${m.meanDays.toFixed(2)} d (${m.fixed})`);

export function renderKpiText(k: KpiReport): string {
  const head = ['period', 'scans', 'devices', 'compliant', 'rate', 'grade', ...FIX_SEVERITIES.map((s) => `MTTF ${s}`), 'MTTF all', 'firmware updates'];
  const grade = (h: HardeningScore | undefined) => (h ? `${h.grade}${h.score !== undefined ? ` (${h.score})` : ''}` : '—');
  const row = (name: string, p: Omit<KpiPeriod, 'period' | 'from' | 'to' | 'compliance' | 'hardeningScore'> & { compliance?: Compliance; hardeningScore?: HardeningScore }) => [
    name,
    String(p.scans),
    String(p.compliance?.devices ?? '—'),
    String(p.compliance?.compliant ?? '—'),
    pct(p.compliance?.rate ?? null),
    grade(p.hardeningScore),
    ...FIX_SEVERITIES.map((s) => days(p.meanTimeToFix[s])),
    days(p.meanTimeToFix.all),
    `${p.firmwareUpdates.count} (${p.firmwareUpdates.devices} device${p.firmwareUpdates.devices === 1 ? '' : 's'})`,
  ];
  const table = [head, ...k.periods.map((p) => row(p.period, p)), row('all', k.total)];
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const threshold = k.total.compliance?.threshold;
  return [
    `KPIs of site "${k.site}" by ${k.by} (POL-CYB-001 §05)`,
    `compliance: devices without an open finding at or above ${threshold ?? 'the threshold'}, in the last scan of the period; grade: the site's hardening score then (docs/scoring.md); MTTF: mean days from first seen to fixed (fixes counted)`,
    ...table.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()),
  ].join('\n');
}
