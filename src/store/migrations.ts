/**
 * Schema migrations of the store, applied in order inside one transaction
 * each and recorded in `migrations`. A migration is never edited once
 * released: a change of schema is a new entry at the end.
 */
import type { Database } from 'sql.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sites, scans, findings index, devices, audit log, settings',
    sql: `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE sites (
        id      INTEGER PRIMARY KEY,
        name    TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
      );
      CREATE TABLE scans (
        id          TEXT PRIMARY KEY,
        site_id     INTEGER NOT NULL REFERENCES sites(id),
        started     TEXT NOT NULL,
        finished    TEXT NOT NULL,
        profile     TEXT NOT NULL,
        mode        TEXT NOT NULL,
        partial     INTEGER NOT NULL,
        -- Open findings at or above this severity make a device non-compliant (KPIs).
        threshold   TEXT NOT NULL,
        saved_at    TEXT NOT NULL,
        exported_at TEXT,
        result      BLOB NOT NULL
      );
      CREATE INDEX scans_by_site ON scans(site_id, started);
      CREATE TABLE findings (
        scan_id    TEXT NOT NULL REFERENCES scans(id),
        key        TEXT NOT NULL,
        check_id   TEXT NOT NULL,
        host       TEXT NOT NULL,
        severity   TEXT NOT NULL,
        status     TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (scan_id, key)
      );
      CREATE TABLE devices (
        scan_id  TEXT NOT NULL REFERENCES scans(id),
        address  TEXT NOT NULL,
        name     TEXT,
        class    TEXT NOT NULL,
        vendor   TEXT,
        model    TEXT,
        firmware TEXT,
        serial   TEXT,
        -- Not scanned to the end: its missing findings are not fixes.
        incomplete INTEGER NOT NULL,
        PRIMARY KEY (scan_id, address)
      );
      CREATE TABLE audit_log (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        at             TEXT NOT NULL,
        os_user        TEXT NOT NULL,
        pid            INTEGER NOT NULL,
        action         TEXT NOT NULL,
        command        TEXT NOT NULL,
        site           TEXT,
        targets        TEXT NOT NULL,
        scope          TEXT NOT NULL,
        mode           TEXT,
        credential_ids TEXT NOT NULL,
        scan_id        TEXT,
        outcome        TEXT NOT NULL
      );
      -- Append-only, enforced by the database itself as well as by the code.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'site hardening score of each scan (src/score), for the KPIs',
    sql: `
      -- NULL for scans saved before the score existed; the score is NULL when the site grade is withheld.
      ALTER TABLE scans ADD COLUMN site_score INTEGER;
      ALTER TABLE scans ADD COLUMN site_grade TEXT;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The version the database is at (0 for an empty one). */
export function schemaVersion(db: Database): number {
  const has = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'");
  if (!has.length) return 0;
  const r = db.exec('SELECT MAX(version) FROM migrations');
  return Number(r[0]?.values[0]?.[0] ?? 0);
}

/**
 * Bring the database to the latest version; returns the versions applied.
 * A database from a newer vigie is refused rather than guessed at.
 */
export function migrate(db: Database, file: string, migrations: readonly Migration[] = MIGRATIONS, now: () => string = () => new Date().toISOString()): number[] {
  db.run('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const current = schemaVersion(db);
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) throw new Error(`${file}: store schema version ${current} is newer than this vigie knows (${latest}): upgrade vigie`);
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.run('BEGIN');
    try {
      db.exec(m.sql);
      db.run('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now()]);
      db.run('COMMIT');
    } catch (err) {
      db.run('ROLLBACK');
      throw new Error(`${file}: migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
    }
    applied.push(m.version);
  }
  return applied;
}
