/**
 * The data-protection notices of every run that opens the store: data in
 * clear (once per run), the 48 h rule of field workspaces (POL-INT-001), and
 * a supervision workspace kept without encryption.
 */
import { FIELD_RETENTION_MS, type ScanRow, type Store } from './store.ts';

export interface Notice {
  code: 'store-clear' | 'retention-48h' | 'supervision-clear';
  message: string;
}

let clearNoticeGiven = false;

/** For tests that open several stores in one process. */
export function resetNoticesForTests(): void {
  clearNoticeGiven = false;
}

export interface RetentionStatus {
  overdue: ScanRow[];
  exported: ScanRow[];
  notExported: ScanRow[];
}

export function retentionStatus(store: Store, now: Date = new Date()): RetentionStatus | undefined {
  if (store.kind !== 'field') return undefined;
  const overdue = store.overdue(now, FIELD_RETENTION_MS);
  return { overdue, exported: overdue.filter((s) => s.exportedAt), notExported: overdue.filter((s) => !s.exportedAt) };
}

export function storeNotices(store: Store, now: Date = new Date()): Notice[] {
  const out: Notice[] = [];
  if (!store.encrypted) {
    if (store.kind === 'supervision') {
      out.push({
        code: 'supervision-clear',
        message: `supervision workspace ${store.dir} keeps its history in clear: configure a key (VIGIE_KEY or --key-file) so it is encrypted (AES-256-GCM)`,
      });
      clearNoticeGiven = true;
    } else if (!clearNoticeGiven) {
      out.push({ code: 'store-clear', message: `results are stored in clear in ${store.file} (no key configured: set VIGIE_KEY or --key-file to encrypt them with AES-256-GCM)` });
      clearNoticeGiven = true;
    }
  }
  const r = retentionStatus(store, now);
  if (r && r.overdue.length) {
    const parts: string[] = [];
    if (r.exported.length) parts.push(`${r.exported.length} already exported: purge them now (vigie purge --exported-only)`);
    if (r.notExported.length) {
      const ids = r.notExported.slice(0, 3).map((s) => s.id).join(', ');
      parts.push(`${r.notExported.length} not exported yet (${ids}${r.notExported.length > 3 ? ', …' : ''}): export them (vigie export --scan ID --out FILE), then purge (vigie purge)`);
    }
    out.push({
      code: 'retention-48h',
      message: `WARNING: ${r.overdue.length} result(s) in this field workspace are older than 48 h (POL-INT-001: transfer, then delete within 48 h) — ${parts.join('; ')}`,
    });
  }
  return out;
}
