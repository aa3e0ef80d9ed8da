/**
 * The history store: migrations, encryption at rest (round trip, any flipped
 * byte refused), export bundles, the 48 h rule and the purge (what must go is
 * gone from the file's bytes, the rest stays), the audit log, the lock, and no
 * password in the database after a credentials-mode scan.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { Store, withStore, DB_FILE, defaultWorkspaceDir, StoreError, unpackResult } from '../src/store/store.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../src/store/migrations.ts';
import { DEFAULT_SCRYPT, HEADER_LENGTH, SealedFileError, readHeader, readKeyFile, seal, unseal, type KeySource } from '../src/store/crypto.ts';
import { readBundle, writeBundle } from '../src/store/bundle.ts';
import { credentialIdsUsed, redactArgv } from '../src/store/audit.ts';
import { resetNoticesForTests, storeNotices } from '../src/store/retention.ts';
import { fakeResult } from './store-fixtures.ts';
import { runCli, scanSite, withSite } from './helpers.ts';
import { LAB_SECRETS, labPasswords } from '../src/lab/secrets.ts';

const FAST = { log2N: 10, r: 8, p: 1 };
const PASS: KeySource = { kind: 'passphrase', passphrase: 'store test passphrase ✓', label: 'the test passphrase' };
const tmp = (tag = 'store') => mkdtempSync(join(tmpdir(), `vigie-${tag}-`));
const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const who = { osUser: 'tester' };
const scanOf = (id: string, started: string, marker: string) =>
  fakeResult({ id, started, marker, hosts: [{ address: '192.0.2.10', firmware: '1.0' }], findings: [{ check: 'proto.telnet-enabled', host: '192.0.2.10', port: 23, severity: 'high' }] });

describe('migrations', () => {
  it('a new store is at the latest version with every table, and records each migration', async () => {
    const dir = tmp();
    await withStore({ dir }, (store) => {
      expect(store.schemaVersion).toBe(SCHEMA_VERSION);
      expect(store.kind).toBe('field');
    });
    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(join(dir, DB_FILE)));
    const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")[0]!.values.flat();
    expect(tables).toEqual(expect.arrayContaining(['migrations', 'settings', 'sites', 'scans', 'findings', 'devices', 'audit_log']));
    expect(db.exec('SELECT version FROM migrations ORDER BY version')[0]!.values.flat()).toEqual(MIGRATIONS.map((m) => m.version));
    const scanColumns = db.exec('PRAGMA table_info(scans)')[0]!.values.map((r) => r[1]);
    expect(scanColumns).toEqual(expect.arrayContaining(['id', 'site_id', 'started', 'finished', 'profile', 'mode', 'partial', 'exported_at', 'result']));
    expect(db.exec('PRAGMA table_info(devices)')[0]!.values.map((r) => r[1])).toEqual(expect.arrayContaining(['scan_id', 'address', 'vendor', 'model', 'firmware', 'serial']));
    expect(db.exec('PRAGMA table_info(findings)')[0]!.values.map((r) => r[1])).toEqual(expect.arrayContaining(['scan_id', 'key', 'check_id', 'host', 'severity', 'status', 'first_seen']));
  });

  it('upgrades a version-1 database in place, keeping its data; a failing migration is rolled back', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    expect(migrate(db, 'v1.db', MIGRATIONS.slice(0, 1))).toEqual([1]);
    db.run("INSERT INTO settings (key, value) VALUES ('kind', 'supervision')");
    db.run("INSERT INTO sites (name, created) VALUES ('Site A', '2026-01-01T00:00:00.000Z')");
    const dir = tmp();
    writeFileSync(join(dir, DB_FILE), db.export());
    await withStore({ dir }, (store) => {
      expect(store.schemaVersion).toBe(SCHEMA_VERSION);
      expect(store.kind).toBe('supervision');
      expect(store.sites().map((s) => s.name)).toEqual(['Site A']);
    });
    const again = new SQL.Database(readFileSync(join(dir, DB_FILE)));
    expect(migrate(again, 'again.db')).toEqual([]); // idempotent
    expect(() => migrate(again, 'broken.db', [...MIGRATIONS, { version: 999, name: 'broken', sql: 'CREATE TABLE broken (' }])).toThrow(/broken\.db: migration 999 \(broken\) failed/);
    expect(schemaVersion(again)).toBe(SCHEMA_VERSION);
  });

  it('refuses a database written by a newer vigie', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    migrate(db, 'x');
    db.run("INSERT INTO migrations (version, name, applied_at) VALUES (9999, 'future', '2030-01-01')");
    const dir = tmp();
    writeFileSync(join(dir, DB_FILE), db.export());
    await expect(Store.open({ dir })).rejects.toThrow(/store schema version 9999 is newer than this vigie knows/);
    expect(existsSync(join(dir, `${DB_FILE}.lock`))).toBe(false); // the lock is released on failure
  });
});

describe('encryption at rest', () => {
  async function encryptedStore(): Promise<{ dir: string; file: string }> {
    const dir = tmp('enc');
    await withStore({ dir, key: PASS, scryptForTests: FAST }, (s) => {
      s.saveScan(scanOf('scan-enc-1', ago(HOUR), 'marker-encrypted-XJ4'), 'Site A');
    });
    return { dir, file: join(dir, DB_FILE) };
  }

  it('round-trips; the file holds neither SQLite nor the data in clear; the header records the KDF', async () => {
    const { dir, file } = await encryptedStore();
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('VIGIEC');
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(bytes.includes(Buffer.from('marker-encrypted-XJ4'))).toBe(false);
    expect(readHeader(bytes, file)).toMatchObject({ version: 1, content: 'store', keySource: 'passphrase', scrypt: FAST });
    const result = await withStore({ dir, key: PASS }, (s) => s.result('scan-enc-1'));
    expect(result.hosts[0]!.name).toBe('marker-encrypted-XJ4');
  });

  it('the default KDF is scrypt N=2^17, r=8, p=1 with a random 16-byte salt, recorded in the header', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ log2N: 17, r: 8, p: 1 });
    const a = await seal(Buffer.from('x'), PASS, { content: 'bundle' });
    const b = await seal(Buffer.from('x'), PASS, { content: 'bundle' });
    expect(readHeader(a, 'a')).toMatchObject({ scrypt: { log2N: 17, r: 8, p: 1 } });
    expect(readHeader(a, 'a').salt.equals(readHeader(b, 'b').salt)).toBe(false);
    expect((await unseal(a, PASS, 'bundle', 'a')).plain.toString()).toBe('x');
  });

  // Magic, version, content, key source, log2 N, r, p, salt, nonce, then ciphertext and tag.
  it.each([
    ['magic', 0],
    ['version', 6],
    ['content type', 7],
    ['key source', 8],
    ['scrypt N', 9],
    ['scrypt r', 13],
    ['scrypt p', 17],
    ['salt', 25],
    ['nonce', 40],
    ['first ciphertext byte', HEADER_LENGTH],
    ['middle of the ciphertext', -2000],
    ['tag', -1],
  ])('a flipped byte (%s) is refused with an error naming the file', async (_what, offset) => {
    const { dir, file } = await encryptedStore();
    const bytes = readFileSync(file);
    const at = offset < 0 ? bytes.length + offset : offset;
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(file, bytes);
    const err = await Store.open({ dir, key: PASS }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toContain(file);
    expect(err!.message).toMatch(/authentication failed|altered|not a vigie|neither a vigie encrypted store|not supported|out of bounds|encrypted with|not a store/);
  });

  it('a wrong key, no key, or the other kind of key: clear errors', async () => {
    const { dir, file } = await encryptedStore();
    await expect(Store.open({ dir, key: { ...PASS, passphrase: 'wrong' } })).rejects.toThrow(`${file}: authentication failed (AES-256-GCM tag): the key is wrong or the file was altered`);
    await expect(Store.open({ dir })).rejects.toThrow(`${file} is encrypted: set the passphrase in VIGIE_KEY or give the key file with --key-file`);
    await expect(Store.open({ dir, key: { kind: 'key-file', key: Buffer.alloc(32, 7), label: 'the key file k' } })).rejects.toThrow(/encrypted with a passphrase \(VIGIE_KEY\), but the key file k was given/);
  });

  it('key files: 64 hex digits or 32 raw bytes; anything else is refused', async () => {
    const dir = tmp('keyfile');
    const hex = join(dir, 'hex.key');
    const raw = join(dir, 'raw.key');
    const bad = join(dir, 'bad.key');
    writeFileSync(hex, `${'ab'.repeat(32)}\n`);
    writeFileSync(raw, Buffer.alloc(32, 0xab));
    writeFileSync(bad, 'short');
    expect(readKeyFile(hex)).toMatchObject({ kind: 'key-file' });
    expect(() => readKeyFile(bad)).toThrow(/must hold exactly 32 raw bytes or 64 hex digits/);
    const ws = join(dir, 'ws');
    await withStore({ dir: ws, key: readKeyFile(hex) }, (s) => void s.saveScan(scanOf('k1', ago(HOUR), 'marker-keyfile'), 'S'));
    expect(readHeader(readFileSync(join(ws, DB_FILE)), 'f')).toMatchObject({ keySource: 'key-file' });
    // The same 32 bytes, raw, open it.
    expect(await withStore({ dir: ws, key: readKeyFile(raw) }, (s) => s.scans().length)).toBe(1);
  });

  it('a store kept in clear is encrypted at its next write once a key is configured; the clear notice is given once per run', async () => {
    const dir = tmp('upgrade');
    resetNoticesForTests();
    await withStore({ dir }, (s) => {
      s.saveScan(scanOf('c1', ago(HOUR), 'marker-clear-then-encrypted'), 'S');
      expect(storeNotices(s).map((n) => n.code)).toEqual(['store-clear']);
      expect(storeNotices(s)).toEqual([]); // once per run
    });
    expect(readFileSync(join(dir, DB_FILE)).includes(Buffer.from('marker-clear-then-encrypted'))).toBe(true);
    await withStore({ dir, key: PASS, scryptForTests: FAST }, (s) => expect(s.scans()).toHaveLength(1));
    const bytes = readFileSync(join(dir, DB_FILE));
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('VIGIEC');
    expect(bytes.includes(Buffer.from('marker-clear-then-encrypted'))).toBe(false);
  });
});

describe('export bundles', () => {
  it('round-trip (library): the bundle is encrypted, authenticated, and refused with a wrong key or a flipped byte', async () => {
    const dir = tmp('bundle');
    const file = join(dir, 'scan.vigie');
    const result = scanOf('b1', ago(HOUR), 'marker-bundle-7Q');
    await writeBundle(file, { exportedAt: '2026-11-20T10:00:00.000Z', site: 'Site B', result, reports: { 'report.md': '# report' } }, PASS, { scryptForTests: FAST });
    expect(readFileSync(file).includes(Buffer.from('marker-bundle-7Q'))).toBe(false);
    const back = await readBundle(file, PASS);
    expect(back).toEqual({ exportedAt: '2026-11-20T10:00:00.000Z', site: 'Site B', result, reports: { 'report.md': '# report' } });
    await expect(readBundle(file, { ...PASS, passphrase: 'nope' })).rejects.toThrow(SealedFileError);
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0x80;
    writeFileSync(file, bytes);
    await expect(readBundle(file, PASS)).rejects.toThrow(`${file}: authentication failed`);
  });

  it('vigie export refuses without a key; with one it writes the bundle, marks the scan exported, and vigie import reads it back', async () => {
    const a = tmp('export-a');
    const b = tmp('export-b');
    const out = join(a, 'bundle.vigie');
    await withStore({ dir: a }, (s) => void s.saveScan(scanOf('e1-0000-aaaa', ago(HOUR), 'marker-export'), 'Site E'));
    const refused = await runCli(['export', '--store', a, '--scan', 'e1', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/export needs a key: a bundle is always encrypted/);
    // A key file (HKDF): the passphrase path and its scrypt cost are covered above.
    const keyFile = join(a, 'bundle.key');
    writeFileSync(keyFile, `${'5a'.repeat(32)}\n`);
    const key = readKeyFile(keyFile);
    const exported = await runCli(['export', '--store', a, '--scan', 'e1', '--out', out, '--key-file', keyFile]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/Exported e1-0000-aaaa → .*bundle\.vigie \(\d+ bytes, AES-256-GCM, report\.md \+ report\.html\)/);
    expect(readHeader(readFileSync(out), out)).toMatchObject({ content: 'bundle', keySource: 'key-file' });
    const imported = await runCli(['import', out, '--store', b, '--key-file', keyFile]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/Imported e1-0000-aaaa \(site "Site E"/);
    const bundle = await readBundle(out, key);
    expect(bundle.reports['report.md']).toMatch(/192\.0\.2\.10/);
    // Store a was in clear and is now encrypted (the key was configured for the export); both know the scan as exported.
    const rowA = await withStore({ dir: a, key }, (s) => s.scan('e1-0000-aaaa'));
    const rowB = await withStore({ dir: b, key }, (s) => ({ row: s.scan('e1-0000-aaaa'), result: s.result('e1-0000-aaaa') }));
    expect(rowA?.exportedAt).toBe(bundle.exportedAt);
    expect(rowB.row?.exportedAt).toBe(bundle.exportedAt);
    expect(rowB.result).toEqual(scanOf('e1-0000-aaaa', rowB.result.scan.started, 'marker-export'));
  });
});

describe('the 48 h rule and the purge', () => {
  async function threeScans(dir: string): Promise<void> {
    await withStore({ dir }, (s) => {
      s.saveScan(scanOf('old-exported', ago(72 * HOUR), 'marker-old-exported-1A'), 'Site Old');
      s.markExported('old-exported');
      s.saveScan(scanOf('old-pending', ago(50 * HOUR), 'marker-old-pending-2B'), 'Site Pending');
      s.saveScan(scanOf('recent', ago(2 * HOUR), 'marker-recent-3C'), 'Site Old');
      s.appendAudit({ action: 'scan', command: 'vigie scan 192.0.2.10', targets: ['192.0.2.10'], scope: { include: ['192.0.2.10'], exclude: [] }, credentialIds: [], outcome: 'saved' }, who);
    });
  }
  const has = (file: string, marker: string) => readFileSync(file).includes(Buffer.from(marker));

  it('warns on every run about results older than 48 h in a field workspace, never in a supervision one', async () => {
    const dir = tmp('retention');
    await threeScans(dir);
    const notices = await withStore({ dir }, (s) => storeNotices(s).filter((n) => n.code === 'retention-48h'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toMatch(/2 result\(s\) in this field workspace are older than 48 h .*1 already exported: purge them now .*1 not exported yet \(old-pending\): export them .* then purge/);
    const sup = tmp('retention-sup');
    await withStore({ dir: sup, kind: 'supervision' }, (s) => void s.saveScan(scanOf('old', ago(500 * HOUR), 'm'), 'S'));
    expect(await withStore({ dir: sup }, (s) => storeNotices(s).map((n) => n.code))).toEqual(['supervision-clear']);
  });

  it('--exported-only deletes the old exported scan only; then the rest of the old; the file keeps no byte of them; the audit log stays', async () => {
    const dir = tmp('purge');
    const file = join(dir, DB_FILE);
    await threeScans(dir);
    // Markers sit in clear in the devices index; the results themselves are compressed blobs: look for those bytes too.
    for (const m of ['marker-old-exported-1A', 'marker-old-pending-2B', 'marker-recent-3C']) expect(has(file, m)).toBe(true);
    const SQL = await initSqlJs();
    const blobs = Object.fromEntries(new SQL.Database(readFileSync(file)).exec('SELECT id, result FROM scans')[0]!.values.map(([id, blob]) => [String(id), Buffer.from(blob as Uint8Array)]));
    expect(unpackResult(blobs['old-pending']!).hosts[0]!.name).toBe('marker-old-pending-2B');
    const hasBlob = (id: string) => readFileSync(file).includes(blobs[id]!);
    expect(['old-exported', 'old-pending', 'recent'].map(hasBlob)).toEqual([true, true, true]);

    const first = await withStore({ dir }, (s) => s.purge({ olderThanMs: 48 * HOUR, exportedOnly: true }));
    expect(first.deleted.map((x) => x.id)).toEqual(['old-exported']);
    expect(first.neverExported).toEqual([]);
    expect(has(file, 'marker-old-exported-1A')).toBe(false);
    expect(has(file, 'marker-old-pending-2B')).toBe(true);
    expect(has(file, 'marker-recent-3C')).toBe(true);
    expect(['old-exported', 'old-pending', 'recent'].map(hasBlob)).toEqual([false, true, true]);

    const cli = await runCli(['purge', '--store', dir]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/Purged: 1 scan\(s\) — 1 had never been exported; database \d+ → \d+ bytes \(VACUUM\), file rewritten/);
    expect(has(file, 'marker-old-pending-2B')).toBe(false);
    expect(has(file, 'marker-recent-3C')).toBe(true);
    expect(['old-exported', 'old-pending', 'recent'].map(hasBlob)).toEqual([false, false, true]);

    await withStore({ dir }, (s) => {
      expect(s.scans().map((x) => x.id)).toEqual(['recent']);
      expect(s.sites().map((x) => x.name)).toEqual(['Site Old']); // "Site Pending" had no scan left
      expect(s.findingsIndex('old-pending')).toEqual([]);
      expect(s.audit().map((a) => a.action)).toEqual(['scan', 'purge']);
      expect(s.audit()[1]!.outcome).toBe('1 scan(s) deleted (1 never exported): old-pending');
      expect(storeNotices(s).filter((n) => n.code === 'retention-48h')).toEqual([]);
    });
    // The SQLite file itself: no free page keeps them (VACUUM), and no temporary or lock file is left behind.
    const db = new SQL.Database(readFileSync(file));
    expect(db.exec('PRAGMA freelist_count')[0]!.values[0]![0]).toBe(0);
    expect(readdirSync(dir)).toEqual([DB_FILE]);
  });

  it('the audit log is append-only in the database itself', async () => {
    const dir = tmp('audit');
    await withStore({ dir }, (s) => s.appendAudit({ action: 'scan', command: 'vigie scan x', targets: [], scope: { include: [], exclude: [] }, credentialIds: ['cam-admin'], outcome: 'saved' }, who));
    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(join(dir, DB_FILE)));
    expect(() => db.run("UPDATE audit_log SET outcome = 'changed'")).toThrow(/append-only/);
    expect(() => db.run('DELETE FROM audit_log')).toThrow(/append-only/);
  });
});

describe('one writer at a time', () => {
  it('a second vigie waits for the lock, then gives up with a clear error; a lock left by a dead process is taken over', async () => {
    const dir = tmp('lock');
    const first = await Store.open({ dir });
    const err = await Store.open({ dir, lockTimeoutMs: 300 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect(err!.message).toMatch(new RegExp(`the store is in use by another vigie \\(pid ${process.pid}, lock file .*vigie\\.db\\.lock\\)`));
    await first.commit();
    first.close();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, `${DB_FILE}.lock`), `${dead}\n`);
    const second = await Store.open({ dir, lockTimeoutMs: 300 });
    second.close();
  });
});

describe('what the store keeps of secrets', () => {
  it('the command line is recorded without secret values or URL credentials', () => {
    expect(redactArgv(['scan', '192.0.2.0/24', '--password', 'hunter2', '--community=public-x', '--key-file', 'k.key', '--notify', 'https://user:tok@hooks.example.invalid/p?token=abc&x=1'])).toBe(
      'scan 192.0.2.0/24 --password [redacted] --community=[redacted] --key-file k.key --notify https://[redacted]@hooks.example.invalid/p?token=[redacted]&x=[redacted]',
    );
  });

  it('no password of the simulated site appears in the database file after a credentials-mode scan', async () => {
    const dir = tmp('secrets');
    await withSite(
      [
        { name: 'cam-entrance', personality: 'legacy-camera' },
        { name: 'cam-lobby', personality: 'digest-camera' },
        { name: 'door-1', personality: 'access-controller' },
        { name: 'cam-parking', personality: 'hardened-camera' },
      ],
      async (site) => {
        const result = await scanSite(site, {
          mode: 'credentials',
          siteCredentials: [{ id: 'site:cam-parking', user: LAB_SECRETS.hardenedCamera.user, password: LAB_SECRETS.hardenedCamera.password, protocols: ['onvif'], source: 'test', origin: 'site' }],
        });
        expect(result.findings.some((f) => f.check === 'cred.default-accepted')).toBe(true);
        const ids = credentialIdsUsed(result);
        expect(ids).toEqual(expect.arrayContaining(['hikvision-1', 'site:cam-parking']));
        await withStore({ dir }, (s) => {
          s.saveScan(result, 'Secrets');
          s.appendAudit(
            { action: 'scan', command: `vigie ${redactArgv(['scan', '127.42.0.0/24', '--mode', 'credentials', '--password', LAB_SECRETS.hardenedCamera.password])}`, targets: result.scan.targets, scope: result.scan.scope, mode: 'credentials', credentialIds: ids, outcome: 'saved' },
            who,
          );
        });
      },
    );
    const bytes = readFileSync(join(dir, DB_FILE));
    expect(bytes.includes(Buffer.from('cred.default-accepted'))).toBe(true); // the findings index is there, in clear
    // The file's bytes, and the stored result decompressed (its blob is gzip).
    const stored = await withStore({ dir }, (s) => JSON.stringify(s.result(s.scans()[0]!.id)));
    expect(stored).toMatch(/"credential\.accepted"/);
    const text = `${bytes.toString('latin1')}\n${stored}`;
    for (const password of labPasswords()) {
      expect(new RegExp(`(^|[^\\w])${password}($|[^\\w])`).test(text), password).toBe(false);
      for (const user of ['admin', 'root', LAB_SECRETS.hardenedCamera.user]) expect(text.includes(Buffer.from(`${user}:${password}`).toString('base64')), `base64 ${user}:${password}`).toBe(false);
    }
  });
});

describe('the command line', () => {
  it('init chooses the kind once; status shows kind, path, encryption, scans, oldest, 48 h; --no-store writes nothing; the default store honours XDG_DATA_HOME', async () => {
    const dir = tmp('cli');
    const init = await runCli(['init', '--kind', 'supervision', '--store', dir]);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/Created supervision workspace: .*vigie\.db \(in clear\)/);
    expect(init.stderr).toMatch(/keeps its history in clear: configure a key/);
    expect((await runCli(['init', '--store', dir])).code).toBe(2);
    const status = await runCli(['status', '--store', dir]);
    expect(status.stdout).toMatch(/kind: +supervision \(keeps history\)/);
    expect(status.stdout).toMatch(/encryption: +off — data stored in clear/);
    expect(status.stdout).toMatch(/scans: +0 in 0 site\(s\)/);
    expect(status.stdout).toMatch(/48 h rule: +not applicable/);
    expect(status.stdout).toMatch(/audit log: +1 entries/);

    const home = tmp('xdg');
    await withSite([{ name: 'nvr', personality: 'supervised-recorder' }], async (site) => {
      const d = site.devices[0]!;
      const base = ['scan', d.address, '--ports', String(d.ports.ssh), '--out', join(home, 'out'), '--quiet'];
      const none = await runCli([...base, '--no-store'], { env: { XDG_DATA_HOME: home } });
      expect(none.code).toBe(0);
      expect(existsSync(join(home, 'vigie'))).toBe(false);
      const saved = await runCli([...base, '--site-name', 'Depot'], { env: { XDG_DATA_HOME: home } });
      expect(saved.code).toBe(0);
      expect(saved.stderr.match(/stored in clear/g)).toHaveLength(1); // once per run
      expect(defaultWorkspaceDir({ XDG_DATA_HOME: home })).toBe(join(home, 'vigie'));
      const { kind, sites, audit } = await withStore({ dir: join(home, 'vigie') }, (s) => ({ kind: s.kind, sites: s.sites(), audit: s.audit() }));
      expect(kind).toBe('field');
      expect(sites.map((x) => [x.name, x.scans])).toEqual([['Depot', 1]]);
      expect(audit.map((a) => [a.action, a.site, a.mode])).toEqual([
        ['scan-start', 'Depot', 'safe'],
        ['scan', 'Depot', 'safe'],
      ]);
      expect(audit[1]!.command).toMatch(/^vigie scan 127\.42\.\d+\.10 --ports \d+ --out .* --quiet --site-name Depot$/);
    });
  });
});
