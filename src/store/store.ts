/**
 * The history store: one SQLite database (sql.js, in memory) per workspace,
 * read whole from one file and written back whole, atomically (temp file,
 * fsync, rename, fsync of the directory), encrypted whole with AES-256-GCM
 * when a key is configured. One writer at a time: a lock file is held from
 * `open` to `close`, so commands open the store after their scan, not during.
 * Format, parameters and what remains on disk after a purge: docs/store.md.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';
import type { Result, Severity } from '../core/model.ts';
import { isSealed, readHeader, seal, unseal, type KeySource, type ScryptParams, type ContainerInfo, DEFAULT_SCRYPT } from './crypto.ts';
import { migrate, schemaVersion } from './migrations.ts';
import { snapshotOf, walkHistory, type Snapshot, type SnapshotDevice, type SnapshotFinding } from './snapshot.ts';

export const WORKSPACE_KINDS = ['field', 'supervision'] as const;
export type WorkspaceKind = (typeof WORKSPACE_KINDS)[number];
export const DB_FILE = 'vigie.db';
/** Field workspaces: results older than this must be exported, then purged (POL-INT-001). */
export const FIELD_RETENTION_MS = 48 * 3600 * 1000;

/** `$XDG_DATA_HOME/vigie`, else `~/.local/share/vigie`. */
export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(env.HOME || '/', '.local', 'share');
  return join(base, 'vigie');
}

let sqlPromise: Promise<SqlJsStatic> | undefined;
function sql(): Promise<SqlJsStatic> {
  sqlPromise ??= initSqlJs();
  return sqlPromise;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

export interface OpenOptions {
  /** The workspace directory (the database is `<dir>/vigie.db`). */
  dir: string;
  key?: KeySource;
  /** Create the workspace when it does not exist (default true), with this kind (default field). */
  create?: boolean;
  kind?: WorkspaceKind;
  /** Wait this long for another vigie holding the store (default 30 s). */
  lockTimeoutMs?: number;
  /** Test-only: a lower scrypt cost for new files. The CLI never sets it. */
  scryptForTests?: ScryptParams;
}

export interface ScanRow {
  id: string;
  site: string;
  started: string;
  finished: string;
  profile: string;
  mode: string;
  partial: boolean;
  threshold: Severity;
  savedAt: string;
  exportedAt?: string;
}

export interface AuditEntry {
  action: string;
  command: string;
  site?: string;
  targets: string[];
  scope: { include: string[]; exclude: string[] };
  mode?: string;
  credentialIds: string[];
  scanId?: string;
  outcome: string;
}

export interface AuditRow extends AuditEntry {
  id: number;
  at: string;
  osUser: string;
  pid: number;
}

export interface PurgeReport {
  deleted: ScanRow[];
  /** Deleted without ever having been exported. */
  neverExported: ScanRow[];
  bytesBefore: number;
  bytesAfter: number;
}

function rows(db: Database, query: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const stmt = db.prepare(query);
  try {
    stmt.bind(params);
    const out: Record<string, SqlValue>[] = [];
    while (stmt.step()) out.push(stmt.getAsObject());
    return out;
  } finally {
    stmt.free();
  }
}

const str = (v: SqlValue | undefined): string | undefined => (v === null || v === undefined ? undefined : String(v));

function scanRow(r: Record<string, SqlValue>): ScanRow {
  return {
    id: String(r.id),
    site: String(r.site),
    started: String(r.started),
    finished: String(r.finished),
    profile: String(r.profile),
    mode: String(r.mode),
    partial: Number(r.partial) === 1,
    threshold: String(r.threshold) as Severity,
    savedAt: String(r.saved_at),
    ...(r.exported_at ? { exportedAt: String(r.exported_at) } : {}),
  };
}

/**
 * A result as stored: gzip of its JSON. The database lives in memory whole, and a
 * supervision workspace keeps years of nightly results; JSON compresses about tenfold.
 */
export function packResult(result: Result): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(result), 'utf8'));
}

export function unpackResult(blob: Uint8Array): Result {
  const bytes = Buffer.from(blob);
  // Plain JSON is read too (a store written before results were compressed).
  const json = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return JSON.parse(json.toString('utf8')) as Result;
}

/** Write bytes so that the file is either the old one or the new one, never half of each. */
export function writeFileAtomic(path: string, bytes: Uint8Array, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  // The rename itself must reach the disk too.
  try {
    const dfd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquireLock(lockFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    } catch {
      continue; // released between our two calls
    }
    if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
      // Left by a vigie that died: the database file itself is intact (atomic rewrite).
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new StoreError(`the store is in use by another vigie (pid ${Number.isNaN(holder) ? '?' : holder}, lock file ${lockFile}); try again when it has finished`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class Store {
  private dirty = false;
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly file: string,
    private readonly lockFile: string,
    private db: Database,
    private readonly key: KeySource | undefined,
    /** The container the file was read from (undefined: clear, or new). */
    private readonly container: ContainerInfo | undefined,
    readonly created: boolean,
    private readonly scryptForTests: ScryptParams | undefined,
  ) {}

  /** Open (or create) the workspace's database; holds the lock until `close()`. */
  static async open(opts: OpenOptions): Promise<Store> {
    const file = join(opts.dir, DB_FILE);
    const exists = existsSync(file);
    if (!exists && opts.create === false) throw new StoreError(`no vigie store at ${file} (it is created by the first saved scan, or by \`vigie init\`)`);
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    const lockFile = `${file}.lock`;
    await acquireLock(lockFile, opts.lockTimeoutMs ?? 30_000);
    try {
      const SQL = await sql();
      let db: Database;
      let container: ContainerInfo | undefined;
      if (exists) {
        const bytes = readFileSync(file);
        if (isSealed(bytes)) {
          if (!opts.key) throw new StoreError(`${file} is encrypted: set the passphrase in VIGIE_KEY or give the key file with --key-file`);
          const opened = await unseal(bytes, opts.key, 'store', file);
          container = opened.info;
          db = new SQL.Database(opened.plain);
        } else {
          if (bytes.length && !bytes.subarray(0, 16).toString('latin1').startsWith('SQLite format 3')) {
            throw new StoreError(`${file} is neither a vigie encrypted store nor an SQLite database`);
          }
          db = new SQL.Database(bytes);
        }
      } else {
        db = new SQL.Database();
      }
      const store = new Store(opts.dir, file, lockFile, db, opts.key, container, !exists, opts.scryptForTests);
      const applied = migrate(db, file);
      if (!exists) {
        db.run('INSERT INTO settings (key, value) VALUES (?, ?), (?, ?)', ['kind', opts.kind ?? 'field', 'created_at', new Date().toISOString()]);
      }
      // Clear the content of deleted rows in place too (VACUUM then drops the pages).
      db.run('PRAGMA secure_delete = ON');
      // A new store, a migrated one, or a clear one that now has a key (it is encrypted on this write).
      if (!exists || applied.length || (opts.key && !container)) store.dirty = true;
      return store;
    } catch (err) {
      rmSync(lockFile, { force: true });
      throw err;
    }
  }

  get kind(): WorkspaceKind {
    return (this.setting('kind') as WorkspaceKind | undefined) ?? 'field';
  }
  get createdAt(): string | undefined {
    return this.setting('created_at');
  }
  /** Encrypted on disk after the next write (a key is configured). */
  get encrypted(): boolean {
    return Boolean(this.key);
  }
  /** The scrypt parameters of the file on disk (undefined when clear or keyed by a key file). */
  get kdf(): ScryptParams | undefined {
    if (!this.key || this.key.kind !== 'passphrase') return undefined;
    return this.container?.scrypt ?? this.scryptForTests ?? DEFAULT_SCRYPT;
  }
  get schemaVersion(): number {
    return schemaVersion(this.db);
  }
  get keySource(): KeySource['kind'] | undefined {
    return this.key?.kind;
  }

  private setting(key: string): string | undefined {
    return str(rows(this.db, 'SELECT value FROM settings WHERE key = ?', [key])[0]?.value);
  }

  private siteId(name: string): number {
    const found = rows(this.db, 'SELECT id FROM sites WHERE name = ?', [name])[0];
    if (found) return Number(found.id);
    this.db.run('INSERT INTO sites (name, created) VALUES (?, ?)', [name, new Date().toISOString()]);
    return Number(rows(this.db, 'SELECT last_insert_rowid() AS id')[0]!.id);
  }

  /** Save a scan's result under a site; refuses an id already stored. */
  saveScan(result: Result, site: string, opts: { exportedAt?: string } = {}): ScanRow {
    if (this.hasScan(result.scan.id)) throw new StoreError(`scan ${result.scan.id} is already in the store`);
    const snap = snapshotOf(result);
    const siteId = this.siteId(site);
    const savedAt = new Date().toISOString();
    this.db.run('BEGIN');
    try {
      this.db.run(
        'INSERT INTO scans (id, site_id, started, finished, profile, mode, partial, threshold, saved_at, exported_at, result, site_score, site_grade) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          result.scan.id,
          siteId,
          result.scan.started,
          result.scan.finished,
          result.scan.profile,
          result.scan.mode,
          result.scan.partial ? 1 : 0,
          snap.threshold,
          savedAt,
          opts.exportedAt ?? null,
          packResult(result),
          snap.siteScore?.score ?? null,
          snap.siteScore?.grade ?? null,
        ],
      );
      for (const d of snap.devices) {
        this.db.run('INSERT INTO devices (scan_id, address, name, class, vendor, model, firmware, serial, incomplete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
          snap.id,
          d.address,
          d.name ?? null,
          d.class,
          d.vendor ?? null,
          d.model ?? null,
          d.firmware ?? null,
          d.serial ?? null,
          d.incomplete ? 1 : 0,
        ]);
      }
      for (const f of snap.findings) {
        this.db.run('INSERT INTO findings (scan_id, key, check_id, host, severity, status, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?)', [snap.id, f.key, f.check, f.host, f.severity, f.status, snap.started]);
      }
      this.refreshFirstSeen(siteId);
      this.db.run('COMMIT');
    } catch (err) {
      this.db.run('ROLLBACK');
      throw err;
    }
    this.dirty = true;
    return this.scan(result.scan.id)!;
  }

  /** first_seen of every finding of a site, from the walk over its scans (an older scan imported late changes later ones). */
  private refreshFirstSeen(siteId: number): void {
    const snaps = this.snapshotsOfSiteId(siteId);
    const stored = new Map(
      rows(this.db, 'SELECT f.scan_id AS scan_id, f.key AS key, f.first_seen AS first_seen FROM findings f JOIN scans s ON s.id = f.scan_id WHERE s.site_id = ?', [siteId]).map((r) => [`${String(r.scan_id)}\0${String(r.key)}`, String(r.first_seen)]),
    );
    // Only rows whose value changes are written: usually just the new scan's.
    for (const step of walkHistory(snaps)) {
      for (const [key, first] of step.firstSeen) {
        if (stored.get(`${step.snapshot.id}\0${key}`) !== first) this.db.run('UPDATE findings SET first_seen = ? WHERE scan_id = ? AND key = ?', [first, step.snapshot.id, key]);
      }
    }
  }

  hasScan(id: string): boolean {
    return rows(this.db, 'SELECT 1 FROM scans WHERE id = ?', [id]).length > 0;
  }

  scan(id: string): ScanRow | undefined {
    const r = rows(this.db, 'SELECT s.*, t.name AS site FROM scans s JOIN sites t ON t.id = s.site_id WHERE s.id = ?', [id])[0];
    return r ? scanRow(r) : undefined;
  }

  /** Scans in time order, of one site or all. */
  scans(filter: { site?: string } = {}): ScanRow[] {
    const where = filter.site !== undefined ? 'WHERE t.name = ?' : '';
    return rows(this.db, `SELECT s.*, t.name AS site FROM scans s JOIN sites t ON t.id = s.site_id ${where} ORDER BY s.started, s.id`, filter.site !== undefined ? [filter.site] : []).map(scanRow);
  }

  sites(): { name: string; scans: number; last?: string }[] {
    return rows(this.db, 'SELECT t.name AS name, COUNT(s.id) AS n, MAX(s.started) AS last FROM sites t LEFT JOIN scans s ON s.site_id = t.id GROUP BY t.id ORDER BY t.name').map((r) => ({
      name: String(r.name),
      scans: Number(r.n),
      ...(r.last ? { last: String(r.last) } : {}),
    }));
  }

  /** The full result of a stored scan. */
  result(id: string): Result {
    const r = rows(this.db, 'SELECT result FROM scans WHERE id = ?', [id])[0];
    if (!r) throw new StoreError(`no scan ${id} in the store ${this.file}`);
    return unpackResult(r.result as Uint8Array);
  }

  private snapshotsOfSiteId(siteId: number): Snapshot[] {
    const scans = rows(this.db, 'SELECT id, started, threshold, site_score, site_grade FROM scans WHERE site_id = ? ORDER BY started, id', [siteId]);
    return scans.map((s) => {
      const snap = this.snapshotOfRow(String(s.id), String(s.started), String(s.threshold) as Severity);
      if (s.site_grade !== null && s.site_grade !== undefined) snap.siteScore = { grade: String(s.site_grade), ...(s.site_score !== null && s.site_score !== undefined ? { score: Number(s.site_score) } : {}) };
      return snap;
    });
  }

  private snapshotOfRow(id: string, started: string, threshold: Severity): Snapshot {
    const devices: SnapshotDevice[] = rows(this.db, 'SELECT * FROM devices WHERE scan_id = ? ORDER BY address', [id]).map((d) => ({
      address: String(d.address),
      ...(d.name ? { name: String(d.name) } : {}),
      class: String(d.class),
      ...(d.vendor ? { vendor: String(d.vendor) } : {}),
      ...(d.model ? { model: String(d.model) } : {}),
      ...(d.firmware ? { firmware: String(d.firmware) } : {}),
      ...(d.serial ? { serial: String(d.serial) } : {}),
      incomplete: Number(d.incomplete) === 1,
    }));
    const findings: SnapshotFinding[] = rows(this.db, 'SELECT * FROM findings WHERE scan_id = ? ORDER BY key', [id]).map((f) => ({
      key: String(f.key),
      check: String(f.check_id),
      host: String(f.host),
      severity: String(f.severity) as Severity,
      status: String(f.status) as 'open' | 'waived',
    }));
    return { id, started, threshold, devices, findings };
  }

  /** A site's history from the index tables (no result is parsed): for the KPIs. */
  snapshots(site: string): Snapshot[] {
    const r = rows(this.db, 'SELECT id FROM sites WHERE name = ?', [site])[0];
    return r ? this.snapshotsOfSiteId(Number(r.id)) : [];
  }

  /** The findings index of one scan, with first_seen. */
  findingsIndex(scanId: string): (SnapshotFinding & { firstSeen: string })[] {
    return rows(this.db, 'SELECT * FROM findings WHERE scan_id = ? ORDER BY key', [scanId]).map((f) => ({
      key: String(f.key),
      check: String(f.check_id),
      host: String(f.host),
      severity: String(f.severity) as Severity,
      status: String(f.status) as 'open' | 'waived',
      firstSeen: String(f.first_seen),
    }));
  }

  markExported(id: string, at: string = new Date().toISOString()): void {
    if (!this.hasScan(id)) throw new StoreError(`no scan ${id} in the store ${this.file}`);
    this.db.run('UPDATE scans SET exported_at = ? WHERE id = ?', [at, id]);
    this.dirty = true;
  }

  /** Append one line to the audit log (the only write the log ever gets). */
  appendAudit(entry: AuditEntry, who: { osUser: string; at?: string }): void {
    this.db.run('INSERT INTO audit_log (at, os_user, pid, action, command, site, targets, scope, mode, credential_ids, scan_id, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      who.at ?? new Date().toISOString(),
      who.osUser,
      process.pid,
      entry.action,
      entry.command,
      entry.site ?? null,
      JSON.stringify(entry.targets),
      JSON.stringify(entry.scope),
      entry.mode ?? null,
      JSON.stringify(entry.credentialIds),
      entry.scanId ?? null,
      entry.outcome,
    ]);
    this.dirty = true;
  }

  audit(): AuditRow[] {
    return rows(this.db, 'SELECT * FROM audit_log ORDER BY id').map((r) => ({
      id: Number(r.id),
      at: String(r.at),
      osUser: String(r.os_user),
      pid: Number(r.pid),
      action: String(r.action),
      command: String(r.command),
      ...(r.site ? { site: String(r.site) } : {}),
      targets: JSON.parse(String(r.targets)) as string[],
      scope: JSON.parse(String(r.scope)) as AuditEntry['scope'],
      ...(r.mode ? { mode: String(r.mode) } : {}),
      credentialIds: JSON.parse(String(r.credential_ids)) as string[],
      ...(r.scan_id ? { scanId: String(r.scan_id) } : {}),
      outcome: String(r.outcome),
    }));
  }

  /** Scans older than the field retention (48 h) — what the warning of every run is about. */
  overdue(now: Date = new Date(), olderThanMs = FIELD_RETENTION_MS): ScanRow[] {
    const limit = new Date(now.getTime() - olderThanMs).toISOString();
    return this.scans().filter((s) => s.finished < limit);
  }

  /**
   * Delete scans older than `olderThanMs` (all of them, or only those already
   * exported), their index rows, and sites left empty; then VACUUM, so that
   * the next write (atomic, whole file) holds no page of them. The audit log
   * is kept.
   */
  purge(opts: { olderThanMs: number; exportedOnly?: boolean; now?: Date }): PurgeReport {
    const candidates = this.overdue(opts.now ?? new Date(), opts.olderThanMs).filter((s) => !opts.exportedOnly || s.exportedAt);
    const bytesBefore = this.db.export().length;
    this.db.run('PRAGMA secure_delete = ON');
    this.db.run('BEGIN');
    try {
      for (const s of candidates) {
        this.db.run('DELETE FROM findings WHERE scan_id = ?', [s.id]);
        this.db.run('DELETE FROM devices WHERE scan_id = ?', [s.id]);
        this.db.run('DELETE FROM scans WHERE id = ?', [s.id]);
      }
      this.db.run('DELETE FROM sites WHERE id NOT IN (SELECT DISTINCT site_id FROM scans)');
      this.db.run('COMMIT');
    } catch (err) {
      this.db.run('ROLLBACK');
      throw err;
    }
    this.db.run('VACUUM');
    this.dirty = true;
    return { deleted: candidates, neverExported: candidates.filter((s) => !s.exportedAt), bytesBefore, bytesAfter: this.db.export().length };
  }

  /** The database bytes as they would be written (clear). */
  exportBytes(): Uint8Array {
    const bytes = this.db.export();
    // sql.js re-opens the database on export: pragmas return to their defaults.
    this.db.run('PRAGMA secure_delete = ON');
    return bytes;
  }

  /** Write the database back (atomically) if anything changed. */
  async commit(): Promise<void> {
    if (this.closed) throw new StoreError('store already closed');
    if (!this.dirty) return;
    const plain = this.exportBytes();
    const bytes = this.key
      ? await seal(plain, this.key, {
          content: 'store',
          // Same salt as the file read (same derived key, new nonce); a new salt when the file was clear or keyed otherwise.
          ...(this.container && this.container.keySource === this.key.kind ? { salt: this.container.salt } : {}),
          ...(this.scryptForTests ? { scryptForTests: this.scryptForTests } : {}),
        })
      : plain;
    writeFileAtomic(this.file, bytes);
    this.dirty = false;
  }

  /** Release the lock (without writing: call `commit()` first). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    try {
      unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
  }

  /** Size of the database file on disk (0 before the first write). */
  fileSize(): number {
    try {
      return statSync(this.file).size;
    } catch {
      return 0;
    }
  }
}

/** Open, run `fn`, write back if it changed anything, close — the lock is held only for that. */
export async function withStore<T>(opts: OpenOptions, fn: (store: Store) => T | Promise<T>): Promise<T> {
  const store = await Store.open(opts);
  try {
    const out = await fn(store);
    await store.commit();
    return out;
  } finally {
    store.close();
  }
}

/** Read the header of an encrypted store without a key (for `vigie status`). */
export function storeFileInfo(dir: string): { file: string; exists: boolean; sealed: boolean; header?: ContainerInfo; size: number } {
  const file = join(dir, DB_FILE);
  if (!existsSync(file)) return { file, exists: false, sealed: false, size: 0 };
  const bytes = readFileSync(file);
  const sealed = isSealed(bytes);
  return { file, exists: true, sealed, size: bytes.length, ...(sealed ? { header: readHeader(bytes, file) } : {}) };
}
