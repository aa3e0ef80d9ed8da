/**
 * KPIs in the Prometheus text exposition format (version 0.0.4), for
 * node_exporter's textfile collector: vigie writes a `.prom` file atomically
 * and node_exporter serves it; vigie itself listens on nothing.
 */
import { writeFileAtomic } from '../store/store.ts';
import type { KpiReport } from './kpi.ts';
import { FIX_SEVERITIES } from './kpi.ts';
import type { ScanDiff } from './diff.ts';
import type { Severity } from '../core/model.ts';

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const num = (n: number) => (Number.isFinite(n) ? String(Math.round(n * 1e6) / 1e6) : 'NaN');

export interface PromInput {
  site: string;
  kpi: KpiReport;
  /** Open findings per severity in the latest scan. */
  open: Record<Severity, number>;
  diff?: ScanDiff;
  lastScan: { started: string; partial: boolean };
}

export function renderPrometheus(x: PromInput): string {
  const site = `site="${escapeLabel(x.site)}"`;
  const out: string[] = [];
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: [string, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) out.push(`${name}{${labels}} ${num(v)}`);
  };
  const c = x.kpi.total.compliance;
  metric('vigie_compliance_ratio', 'gauge', 'Devices without an open finding at or above the threshold, divided by devices (last scan).', c?.rate !== null && c?.rate !== undefined ? [[site, c.rate]] : []);
  metric('vigie_devices', 'gauge', 'Devices found by the last scan.', [[site, c?.devices ?? 0]]);
  const hs = x.kpi.total.hardeningScore;
  metric('vigie_site_hardening_score', 'gauge', 'Hardening score of the site, 0-100, in the last scan (absent when the grade is withheld: incomplete).', hs?.score !== undefined ? [[site, hs.score]] : []);
  metric('vigie_site_hardening_grade', 'gauge', 'Site grade of the last scan (A-F, or incomplete), as a label with value 1.', hs ? [[`${site},grade="${escapeLabel(hs.grade)}"`, 1]] : []);
  metric('vigie_devices_compliant', 'gauge', 'Compliant devices in the last scan.', [[site, c?.compliant ?? 0]]);
  metric(
    'vigie_open_findings',
    'gauge',
    'Open findings of the last scan, per severity.',
    Object.entries(x.open)
      .filter(([s]) => s !== 'info')
      .map(([s, n]) => [`${site},severity="${s}"`, n]),
  );
  if (x.diff) {
    metric('vigie_regressions', 'gauge', 'Findings open now and not in the previous scan, on devices the previous scan had.', [[site, x.diff.regressions]]);
    metric('vigie_new_device_findings', 'gauge', 'Findings open now on devices the previous scan did not have.', [[site, x.diff.newDeviceFindings]]);
    metric('vigie_fixed_findings', 'gauge', 'Findings of the previous scan gone now.', [[site, x.diff.fixedFindings.length]]);
    metric('vigie_new_devices', 'gauge', 'Devices found now and not in the previous scan.', [[site, x.diff.newDevices.length]]);
    metric('vigie_disappeared_devices', 'gauge', 'Devices of the previous scan not found now.', [[site, x.diff.disappearedDevices.length]]);
  }
  const mttf = x.kpi.total.meanTimeToFix;
  metric(
    'vigie_mean_time_to_fix_seconds',
    'gauge',
    'Mean time from first seen to fixed, over the history kept, per severity.',
    FIX_SEVERITIES.filter((s) => mttf[s].meanMs !== null).map((s) => [`${site},severity="${s}"`, mttf[s].meanMs! / 1000]),
  );
  metric('vigie_fixes_total', 'counter', 'Findings fixed over the history kept, per severity.', FIX_SEVERITIES.map((s) => [`${site},severity="${s}"`, mttf[s].fixed]));
  metric('vigie_firmware_updates_total', 'counter', 'Firmware version changes observed over the history kept.', [[site, x.kpi.total.firmwareUpdates.count]]);
  metric('vigie_last_scan_timestamp_seconds', 'gauge', 'Start of the last scan (Unix time).', [[site, Date.parse(x.lastScan.started) / 1000]]);
  metric('vigie_last_scan_partial', 'gauge', '1 when the last scan was interrupted (partial result).', [[site, x.lastScan.partial ? 1 : 0]]);
  return `${out.join('\n')}\n`;
}

/** Atomic (temp + rename in the same directory): node_exporter never reads half a file. */
export function writePrometheus(file: string, text: string): void {
  writeFileAtomic(file, Buffer.from(text, 'utf8'), 0o644);
}
