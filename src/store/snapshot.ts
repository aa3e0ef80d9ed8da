/**
 * What history needs of one scan — devices and findings by key — whether it
 * comes from a full result or from the store's index tables, and the walk
 * over a site's scans in time order that follows each finding from the scan
 * it was first seen in to the scan where it is gone (first_seen, fixes,
 * firmware changes). Pure functions: the diff, the KPIs and the store's
 * `first_seen` column all use this one walk.
 */
import type { Result, Severity } from '../core/model.ts';
import { findingKey } from '../plan/keys.ts';

export interface SnapshotDevice {
  address: string;
  name?: string;
  class: string;
  vendor?: string;
  model?: string;
  firmware?: string;
  serial?: string;
  incomplete: boolean;
}

export interface SnapshotFinding {
  key: string;
  check: string;
  host: string;
  severity: Severity;
  status: 'open' | 'waived';
}

export interface Snapshot {
  id: string;
  started: string;
  /** Open findings at or above this make a device non-compliant. */
  threshold: Severity;
  devices: SnapshotDevice[];
  /** Findings that count for history: not the inventory line, not `info`. */
  findings: SnapshotFinding[];
  /** The site's hardening score (src/score): grade A–F or `incomplete` (then no score). Absent for scans saved before it existed. */
  siteScore?: { score?: number; grade: string };
}

/** The compliance threshold of a result: the commissioning `failAt` when the profile has one, else `high`. */
export function thresholdOf(result: Pick<Result, 'plan'>): Severity {
  return result.plan?.verdicts?.failAt ?? 'high';
}

/** Findings that are something to fix: the inventory line and `info` severities are observations, not problems. */
export function countsForHistory(f: { check: string; severity: Severity }): boolean {
  return f.check !== 'inventory.device' && f.severity !== 'info';
}

/** A serial number some scanner read for the host (ONVIF, SNMP …). */
function serialOf(result: Pick<Result, 'facts'>, host: string): string | undefined {
  for (const f of result.facts) {
    if (f.host !== host) continue;
    const s = (f.data as Record<string, unknown>).serialNumber;
    if (typeof s === 'string' && s.trim()) return s.trim();
  }
  return undefined;
}

export function snapshotOf(result: Result): Snapshot {
  return {
    id: result.scan.id,
    started: result.scan.started,
    threshold: thresholdOf(result),
    devices: result.hosts.map((h) => {
      const serial = serialOf(result, h.address);
      return {
        address: h.address,
        ...(h.name ? { name: h.name } : {}),
        class: h.class,
        ...(h.vendor ? { vendor: h.vendor } : {}),
        ...(h.model ? { model: h.model } : {}),
        ...(h.firmware ? { firmware: h.firmware } : {}),
        ...(serial ? { serial } : {}),
        incomplete: Boolean(h.incomplete),
      };
    }),
    findings: dedupe(
      result.findings.filter(countsForHistory).map((f) => ({ key: findingKey(f), check: f.check, host: f.host, severity: f.severity, status: f.status })),
    ),
    ...(result.score ? { siteScore: { grade: result.score.site.grade, ...(result.score.site.score !== undefined ? { score: result.score.site.score } : {}) } } : {}),
  };
}

/** One key per scan: the most severe wins, open over waived. */
function dedupe(list: SnapshotFinding[]): SnapshotFinding[] {
  const byKey = new Map<string, SnapshotFinding>();
  const rank = (s: Severity) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(s);
  for (const f of list) {
    const old = byKey.get(f.key);
    if (!old || (old.status === 'waived' && f.status === 'open') || (old.status === f.status && rank(f.severity) < rank(old.severity))) byKey.set(f.key, f);
  }
  return [...byKey.values()];
}

/** A finding seen open, then gone from a later scan that reached its device to the end. */
export interface FixEvent {
  key: string;
  check: string;
  host: string;
  severity: Severity;
  firstSeen: string;
  /** The first scan where it is gone. */
  fixedIn: string;
  fixedAt: string;
  /** fixedAt − firstSeen, in milliseconds. */
  durationMs: number;
}

export interface FirmwareChange {
  address: string;
  name?: string;
  vendor?: string;
  model?: string;
  from: string;
  to: string;
  /** The scan that saw the new version. */
  scan: string;
  at: string;
}

export interface WalkStep {
  snapshot: Snapshot;
  /** First-seen time of each finding key present in this scan. */
  firstSeen: Map<string, string>;
  fixes: FixEvent[];
  firmwareChanges: FirmwareChange[];
}

/** Same device, other firmware: same address, and serial and model equal whenever both scans know them. */
function sameUnit(a: SnapshotDevice, b: SnapshotDevice): boolean {
  if (a.serial && b.serial && a.serial !== b.serial) return false;
  if (a.model && b.model && a.model !== b.model) return false;
  return true;
}

/**
 * Walk a site's snapshots in time order. A finding's streak starts the first
 * time its key is seen and lasts while it is seen again, or while its device
 * is missing or incomplete (not verified is not fixed); it ends with a fix
 * when a scan reaches the device to the end without it (open before, gone
 * now: a finding that became waived is settled, not fixed).
 */
export function walkHistory(snapshots: readonly Snapshot[]): WalkStep[] {
  const ordered = [...snapshots].sort((a, b) => a.started.localeCompare(b.started) || a.id.localeCompare(b.id));
  const streaks = new Map<string, { firstSeen: string; last: SnapshotFinding }>();
  const lastDevice = new Map<string, SnapshotDevice>();
  const steps: WalkStep[] = [];
  for (const snap of ordered) {
    const present = new Map(snap.findings.map((f) => [f.key, f]));
    const verified = new Set(snap.devices.filter((d) => !d.incomplete).map((d) => d.address));
    const fixes: FixEvent[] = [];
    for (const [key, s] of streaks) {
      if (present.has(key) || !verified.has(s.last.host)) continue;
      streaks.delete(key);
      if (s.last.status !== 'open') continue;
      fixes.push({
        key,
        check: s.last.check,
        host: s.last.host,
        severity: s.last.severity,
        firstSeen: s.firstSeen,
        fixedIn: snap.id,
        fixedAt: snap.started,
        durationMs: Date.parse(snap.started) - Date.parse(s.firstSeen),
      });
    }
    const firstSeen = new Map<string, string>();
    for (const f of snap.findings) {
      const s = streaks.get(f.key);
      if (s) s.last = f;
      else streaks.set(f.key, { firstSeen: snap.started, last: f });
      firstSeen.set(f.key, streaks.get(f.key)!.firstSeen);
    }
    const firmwareChanges: FirmwareChange[] = [];
    for (const d of snap.devices) {
      const before = lastDevice.get(d.address);
      if (before?.firmware && d.firmware && before.firmware !== d.firmware && sameUnit(before, d)) {
        firmwareChanges.push({
          address: d.address,
          ...(d.name ? { name: d.name } : {}),
          ...(d.vendor ? { vendor: d.vendor } : {}),
          ...(d.model ? { model: d.model } : {}),
          from: before.firmware,
          to: d.firmware,
          scan: snap.id,
          at: snap.started,
        });
      }
      // Keep the last version known: a scan that could not read it does not forget it.
      lastDevice.set(d.address, d.firmware || !before ? d : { ...d, firmware: before.firmware });
    }
    steps.push({ snapshot: snap, firstSeen, fixes, firmwareChanges });
  }
  return steps;
}
