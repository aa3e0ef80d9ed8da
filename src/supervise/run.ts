/**
 * The unattended supervision run, without the command line around it: scan,
 * save, diff with the previous scan of the site, KPIs, Prometheus file,
 * notification. `vigie supervise` (src/cli/supervise.ts) and the tests call it.
 * The store is locked only to record the start and to save at the end, never
 * during the scan.
 */
import type { Result, Severity } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';
import { withStore, type OpenOptions } from '../store/store.ts';
import { credentialIdsUsed, osUser } from '../store/audit.ts';
import { storeNotices, type Notice } from '../store/retention.ts';
import { diffResults, type ScanDiff } from './diff.ts';
import { computeKpis, kpiHistoryOf, type Granularity, type KpiHistoryPoint, type KpiReport } from './kpi.ts';
import { notify, safeUrl, type NotifyOptions, type NotifyOutcome } from './notify.ts';
import { renderPrometheus, writePrometheus } from './prometheus.ts';

export interface SuperviseOptions {
  store: OpenOptions;
  site: string;
  scan: () => Promise<Result>;
  /** For the audit log. */
  audit: { command: string; targets: string[]; scope: { include: string[]; exclude: string[] }; mode: string; declaredCredentialIds?: string[] };
  by?: Granularity;
  prometheus?: string;
  notifyUrl?: string;
  notifyOptions?: NotifyOptions;
  onNotice?: (n: Notice) => void;
}

export interface SuperviseOutcome {
  result: Result;
  previous?: string;
  diff?: ScanDiff;
  kpi: KpiReport;
  /** The site's points before this scan (for the HTML trend chart). */
  history: KpiHistoryPoint[];
  notified?: NotifyOutcome;
  /** 1 on new open findings (regressions, or findings of new devices), 130 on a partial scan, 0 otherwise. */
  exitCode: number;
}

/** What is posted to --notify: counts, keys and titles; no evidence, no fact, no secret. */
export function notificationBody(site: string, result: Result, diff: ScanDiff | undefined, kpi: KpiReport, exitCode: number) {
  const c = kpi.total.compliance;
  return {
    schema: 'vigie.supervise/1',
    site,
    scan: { id: result.scan.id, started: result.scan.started, finished: result.scan.finished, partial: result.scan.partial, profile: result.scan.profile, mode: result.scan.mode },
    previousScan: diff?.a.id ?? null,
    regressions: diff?.regressions ?? 0,
    newDeviceFindings: diff?.newDeviceFindings ?? 0,
    newFindings: (diff?.newFindings ?? []).map((f) => ({ key: f.key, check: f.check, host: f.host, severity: f.severity, title: f.title, ...(f.newDevice ? { newDevice: true } : {}) })),
    fixedFindings: (diff?.fixedFindings ?? []).map((f) => ({ key: f.key, check: f.check, host: f.host, severity: f.severity })),
    newDevices: (diff?.newDevices ?? []).map((d) => ({ address: d.address, class: d.class, ...(d.name ? { name: d.name } : {}) })),
    disappearedDevices: (diff?.disappearedDevices ?? []).map((d) => ({ address: d.address, class: d.class, ...(d.name ? { name: d.name } : {}) })),
    firmwareChanges: diff?.firmwareChanges ?? [],
    compliance: c ? { devices: c.devices, compliant: c.compliant, rate: c.rate, threshold: c.threshold } : null,
    exitCode,
  };
}

function openCounts(result: Result): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of result.findings) if (f.status === 'open' && f.check !== 'inventory.device') counts[f.severity]++;
  return counts;
}

export async function supervise(opts: SuperviseOptions): Promise<SuperviseOutcome> {
  const who = { osUser: osUser() };
  const base = { command: opts.audit.command, site: opts.site, targets: opts.audit.targets, scope: opts.audit.scope, mode: opts.audit.mode };
  await withStore({ kind: 'supervision', ...opts.store }, (store) => {
    for (const n of storeNotices(store)) opts.onNotice?.(n);
    if (store.kind !== 'supervision') {
      opts.onNotice?.({ code: 'retention-48h', message: `${store.dir} is a field workspace: its results fall under the 48 h rule; supervision history belongs in a supervision workspace (vigie init --kind supervision --store DIR)` });
    }
    store.appendAudit({ ...base, action: 'supervise-start', credentialIds: opts.audit.declaredCredentialIds ?? [], outcome: 'started' }, who);
  });

  const result = await opts.scan();

  const saved = await withStore({ kind: 'supervision', ...opts.store }, (store) => {
    const before = store.scans({ site: opts.site }).filter((s) => s.started < result.scan.started || (s.started === result.scan.started && s.id < result.scan.id));
    const prevRow = before[before.length - 1];
    const previous = prevRow ? store.result(prevRow.id) : undefined;
    store.saveScan(result, opts.site);
    const diff = previous ? diffResults(previous, result) : undefined;
    const snapshots = store.snapshots(opts.site);
    const kpi = computeKpis(opts.site, snapshots, opts.by ?? 'quarter');
    const history = kpiHistoryOf(snapshots).filter((p) => p.scan !== result.scan.id && p.date <= result.scan.started);
    const exitCode = result.scan.partial ? 130 : diff && diff.newFindings.length > 0 ? 1 : 0;
    store.appendAudit(
      {
        ...base,
        action: 'supervise',
        credentialIds: credentialIdsUsed(result),
        scanId: result.scan.id,
        outcome: `saved; ${diff ? `diff with ${diff.a.id}: ${diff.regressions} regression(s), ${diff.newDeviceFindings} finding(s) of new devices, ${diff.fixedFindings.length} fixed` : 'first scan of the site'}${opts.notifyUrl ? `; notify ${safeUrl(opts.notifyUrl)}` : ''}`,
      },
      who,
    );
    return { previous: prevRow?.id, diff, kpi, history, exitCode };
  });

  if (opts.prometheus) {
    writePrometheus(opts.prometheus, renderPrometheus({ site: opts.site, kpi: saved.kpi, open: openCounts(result), ...(saved.diff ? { diff: saved.diff } : {}), lastScan: { started: result.scan.started, partial: result.scan.partial } }));
  }
  let notified: NotifyOutcome | undefined;
  if (opts.notifyUrl) notified = await notify(opts.notifyUrl, notificationBody(opts.site, result, saved.diff, saved.kpi, saved.exitCode), opts.notifyOptions);
  return {
    result,
    ...(saved.previous ? { previous: saved.previous } : {}),
    ...(saved.diff ? { diff: saved.diff } : {}),
    kpi: saved.kpi,
    history: saved.history,
    ...(notified ? { notified } : {}),
    exitCode: saved.exitCode,
  };
}
