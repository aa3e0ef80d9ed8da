/**
 * The command line of the history store: the options every scanning command
 * shares (--store, --no-store, --key-file, --site-name), saving a scan and
 * recording vigie's own actions, and the commands init, status, history,
 * export, import, purge, diff and kpi. `vigie supervise` is in supervise.ts.
 */
import { Command, Option } from 'commander';
import { EXIT, UsageError } from '../core/errors.ts';
import { readSiteFile } from '../core/site-file.ts';
import type { Result } from '../core/model.ts';
import { defaultLang, parseLang, type Lang } from '../../reports/i18n.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { renderHtml } from '../../reports/html.ts';
import { describeScrypt, keyFromEnvironment, type KeySource } from '../store/crypto.ts';
import { Store, WORKSPACE_KINDS, defaultWorkspaceDir, storeFileInfo, withStore, type OpenOptions, type WorkspaceKind } from '../store/store.ts';
import { credentialIdsUsed, osUser, redactArgv } from '../store/audit.ts';
import { retentionStatus, storeNotices, type Notice } from '../store/retention.ts';
import { readBundle, writeBundle } from '../store/bundle.ts';
import { diffResults, renderDiffMarkdown, renderDiffText } from '../supervise/diff.ts';
import { computeKpis, renderKpiText, type Granularity } from '../supervise/kpi.ts';

const LANG: Lang = defaultLang();
const L = (en: string, fr: string) => (LANG === 'fr' ? fr : en);

export interface StoreCliOptions {
  /** The workspace directory; `false` with --no-store. */
  store?: string | false;
  keyFile?: string;
  siteName?: string;
  progress?: 'auto' | 'tty' | 'json' | 'none';
}

/** --store, --no-store, --key-file, --site-name: for scan, demo, verify and supervise. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option('--store <dir>', L('workspace directory of the history store (default: $XDG_DATA_HOME/vigie or ~/.local/share/vigie)', 'répertoire de l’espace de travail de l’historique (défaut : $XDG_DATA_HOME/vigie ou ~/.local/share/vigie)'))
    .option('--no-store', L('do not save the result in the history store', 'ne pas enregistrer le résultat dans l’historique'))
    .option('--key-file <file>', L('key of the encrypted store: 32 raw bytes or 64 hex digits (else the VIGIE_KEY passphrase; else the store is in clear)', 'clé de l’historique chiffré : 32 octets bruts ou 64 chiffres hexadécimaux (sinon la phrase de passe VIGIE_KEY ; sinon en clair)'))
    .option('--site-name <name>', L('the site this scan belongs to, for history and diffs (default: the site file’s name, else the scope)', 'le site auquel ce scan appartient, pour l’historique et les comparaisons (défaut : le nom du fichier de site, sinon le périmètre)'));
}

/** Options of the commands that only work on the store. */
function workspaceOptions(cmd: Command): Command {
  return cmd
    .option('--store <dir>', L('workspace directory (default: $XDG_DATA_HOME/vigie or ~/.local/share/vigie)', 'répertoire de l’espace de travail (défaut : $XDG_DATA_HOME/vigie ou ~/.local/share/vigie)'))
    .option('--key-file <file>', L('key file: 32 raw bytes or 64 hex digits (else VIGIE_KEY)', 'fichier de clé : 32 octets bruts ou 64 chiffres hexadécimaux (sinon VIGIE_KEY)'))
    .option('--debug', L('print stack traces on errors', 'afficher les piles d’appel en cas d’erreur'));
}

export function keyOf(opts: Pick<StoreCliOptions, 'keyFile'>): KeySource | undefined {
  return keyFromEnvironment(opts.keyFile ? { keyFile: opts.keyFile } : {});
}

export function openOptions(opts: StoreCliOptions, extra: Partial<OpenOptions> = {}): OpenOptions {
  const key = keyOf(opts);
  return { dir: typeof opts.store === 'string' ? opts.store : defaultWorkspaceDir(), ...(key ? { key } : {}), ...extra };
}

/** A store notice on stderr: a JSON line when progress is JSON (stderr stays machine-readable), else one plain line. */
export function emitNotice(n: Notice, progress?: StoreCliOptions['progress']): void {
  if (progress === 'json') process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), type: 'notice', code: n.code, message: n.message })}\n`);
  // On a terminal, clear the live status line first (it is redrawn at the next progress event).
  else process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}vigie: ${n.message}\n`);
}

/**
 * The site a scan belongs to in the history: --site-name, else the site
 * file's name, else verify's --site (its hand-over name), else the scope.
 */
export function siteNameOf(opts: { siteName?: string; siteFile?: string; site?: unknown }, scopeInclude: readonly string[]): string {
  if (opts.siteName) return opts.siteName;
  if (opts.siteFile) return readSiteFile(opts.siteFile).site.name;
  if (typeof opts.site === 'string' && opts.site) return opts.site;
  return scopeInclude.join(',');
}

/** What the audit log records of a scan, from its result. */
export function scanContextOf(action: ScanContext['action'], opts: { siteName?: string; siteFile?: string; site?: unknown }, result: Result): ScanContext {
  return { action, site: siteNameOf(opts, result.scan.scope.include), targets: result.scan.targets, scope: result.scan.scope, mode: result.scan.mode };
}

/** The command line as the audit log records it. */
export function commandLine(): string {
  return `vigie ${redactArgv(process.argv.slice(2))}`;
}

export interface ScanContext {
  action: 'scan' | 'demo' | 'verify';
  site: string;
  targets: string[];
  scope: { include: string[]; exclude: string[] };
  mode: string;
  /** Ids of the site credentials given (--credentials): never their secrets. */
  declaredCredentialIds?: string[];
}

/**
 * Before scanning: open the store (a missing key or an altered file stops
 * here, before any packet), say what must be said, and log the start.
 */
export async function recordScanStart(opts: StoreCliOptions, ctx: ScanContext): Promise<void> {
  if (opts.store === false) return;
  await withStore(openOptions(opts), (store) => {
    for (const n of storeNotices(store)) emitNotice(n, opts.progress);
    store.appendAudit(
      { action: `${ctx.action}-start`, command: commandLine(), site: ctx.site, targets: ctx.targets, scope: ctx.scope, mode: ctx.mode, credentialIds: ctx.declaredCredentialIds ?? [], outcome: 'started' },
      { osUser: osUser() },
    );
  });
}

/** After scanning: save the result under its site and log it. Returns the stored scan id, or undefined with --no-store. */
export async function saveScanFromCli(result: Result, opts: StoreCliOptions & { quiet?: boolean }, ctx: ScanContext): Promise<string | undefined> {
  if (opts.store === false) return undefined;
  const saved = await withStore(openOptions(opts), (store) => {
    const row = store.saveScan(result, ctx.site);
    const open = result.findings.filter((f) => f.status === 'open' && f.check !== 'inventory.device').length;
    store.appendAudit(
      {
        action: ctx.action,
        command: commandLine(),
        site: ctx.site,
        targets: ctx.targets,
        scope: ctx.scope,
        mode: ctx.mode,
        credentialIds: credentialIdsUsed(result),
        scanId: row.id,
        outcome: `saved${result.scan.partial ? ' (partial)' : ''}: ${result.hosts.length} device(s), ${open} open finding(s)`,
      },
      { osUser: osUser() },
    );
    return { id: row.id, file: store.file, encrypted: store.encrypted };
  });
  if (!opts.quiet) process.stdout.write(`${L('Saved in the history store', 'Enregistré dans l’historique')}: ${L('scan', 'scan')} ${saved.id} (${L('site', 'site')} "${ctx.site}", ${saved.encrypted ? L('encrypted', 'chiffré') : L('in clear', 'en clair')})\n`);
  return saved.id;
}

/** Save, but never lose the outputs of a scan to a store problem: the error is printed and the run ends with exit 3. */
export async function saveOrWarn(result: Result, opts: StoreCliOptions & { quiet?: boolean }, ctx: ScanContext): Promise<boolean> {
  try {
    await saveScanFromCli(result, opts, ctx);
    return true;
  } catch (err) {
    process.stderr.write(`vigie: the result could not be saved in the history store: ${(err as Error).message}\n`);
    return false;
  }
}

/** `48h`, `2d`, `90m`, `0`: milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?$/.exec(value.trim());
  if (!m) throw new UsageError(`not a duration: "${value}" (examples: 48h, 2d, 90m, 0)`);
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[(m[2] ?? 'h') as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/** A stored scan by full id or unique prefix. */
function resolveScan(store: Store, id: string): string {
  if (store.hasScan(id)) return id;
  const matches = store.scans().filter((s) => s.id.startsWith(id));
  if (matches.length === 1) return matches[0]!.id;
  if (!matches.length) throw new UsageError(`no scan "${id}" in the store ${store.file} (list them with: vigie history)`);
  throw new UsageError(`"${id}" matches ${matches.length} scans: give more of the id`);
}

/** The site to work on: --site-name, or the only site of the store. */
function resolveSite(store: Store, name?: string): string {
  const sites = store.sites();
  if (name !== undefined) {
    if (!sites.some((s) => s.name === name)) throw new UsageError(`no site "${name}" in the store ${store.file} (sites: ${sites.map((s) => `"${s.name}"`).join(', ') || 'none'})`);
    return name;
  }
  if (sites.length === 1) return sites[0]!.name;
  throw new UsageError(sites.length ? `several sites in the store: choose one with --site-name (${sites.map((s) => `"${s.name}"`).join(', ')})` : `no scan in the store ${store.file} yet`);
}

interface WorkspaceCliOptions {
  store?: string;
  keyFile?: string;
}

function reportNotices(store: Store): void {
  for (const n of storeNotices(store)) emitNotice(n);
}

export function registerStoreCommands(program: Command): void {
  workspaceOptions(
    program
      .command('init')
      .description(L('create the workspace (history store) and choose its kind: field (48 h rule, the default) or supervision (keeps history)', 'créer l’espace de travail (historique) et choisir son type : field (règle des 48 h, par défaut) ou supervision (garde l’historique)'))
      .addOption(new Option('--kind <kind>', L('field or supervision', 'field ou supervision')).choices([...WORKSPACE_KINDS]).default('field')),
  ).action(async (opts: WorkspaceCliOptions & { kind: WorkspaceKind }) => {
    const info = storeFileInfo(openOptions(opts).dir);
    if (info.exists) throw new UsageError(`a workspace already exists at ${info.file}; its kind is chosen at creation`);
    await withStore(openOptions(opts, { kind: opts.kind }), (store) => {
      store.appendAudit({ action: 'init', command: commandLine(), targets: [], scope: { include: [], exclude: [] }, credentialIds: [], outcome: `created (${opts.kind})` }, { osUser: osUser() });
      reportNotices(store);
      process.stdout.write(`${L('Created', 'Créé')} ${opts.kind} workspace: ${store.file} (${store.encrypted ? `AES-256-GCM, ${store.kdf ? describeScrypt(store.kdf) : 'key file + HKDF-SHA256'}` : L('in clear', 'en clair')})\n`);
    });
    process.exitCode = EXIT.ok;
  });

  workspaceOptions(
    program
      .command('status')
      .description(L('the workspace: kind, path, encryption, scans, oldest scan, pending 48 h warning', 'l’espace de travail : type, chemin, chiffrement, scans, plus ancien scan, alerte 48 h en attente'))
      .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text')),
  ).action(async (opts: WorkspaceCliOptions & { format: 'text' | 'json' }) => {
    const o = openOptions(opts);
    const info = storeFileInfo(o.dir);
    if (!info.exists) {
      const doc = { path: info.file, exists: false };
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `${L('No workspace at', 'Pas d’espace de travail à')} ${info.file} ${L('(created by the first saved scan, or by vigie init --kind field|supervision)', '(créé par le premier scan enregistré, ou par vigie init --kind field|supervision)')}\n`);
      process.exitCode = EXIT.ok;
      return;
    }
    if (info.sealed && !o.key) {
      // What the header tells without the key.
      const h = info.header!;
      const doc = { path: info.file, encryption: { on: true, cipher: 'AES-256-GCM', key: h.keySource === 'passphrase' ? `passphrase, ${describeScrypt(h.scrypt!)}` : 'key file, HKDF-SHA256' }, sizeBytes: info.size, locked: 'give the key (VIGIE_KEY or --key-file) to read kind, scans and the 48 h status' };
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `workspace:   ${doc.path}\nencryption:  on (${doc.encryption.cipher}, ${doc.encryption.key}), ${doc.sizeBytes} bytes\n${doc.locked}\n`);
      process.exitCode = EXIT.ok;
      return;
    }
    const doc = await withStore({ ...o, create: false }, (store) => {
      const scans = store.scans();
      const oldest = scans.reduce<(typeof scans)[number] | undefined>((a, s) => (!a || s.started < a.started ? s : a), undefined);
      const r = retentionStatus(store);
      return {
        path: store.file,
        kind: store.kind,
        created: store.createdAt,
        schemaVersion: store.schemaVersion,
        scans: scans.length,
        sites: store.sites(),
        oldestScan: oldest ? { id: oldest.id, site: oldest.site, started: oldest.started, exported: Boolean(oldest.exportedAt) } : null,
        retention48h: r ? { pending: r.overdue.length, exported: r.exported.length, notExported: r.notExported.map((s) => s.id) } : 'not applicable (supervision workspace keeps history)',
        auditEntries: store.audit().length,
      };
    });
    // Read the file after the store was closed: a clear store opened with a key has just been encrypted.
    const now = storeFileInfo(o.dir);
    const encryption = now.sealed ? { on: true, cipher: 'AES-256-GCM', key: now.header?.keySource === 'passphrase' ? `passphrase, ${describeScrypt(now.header.scrypt!)}` : 'key file, HKDF-SHA256' } : { on: false };
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify({ ...doc, encryption, sizeBytes: now.size }, null, 2)}\n`);
    else {
      const r = doc.retention48h;
      process.stdout.write(
        [
          `workspace:   ${doc.path}`,
          `kind:        ${doc.kind}${doc.kind === 'field' ? ' (48 h rule)' : ' (keeps history)'}`,
          `encryption:  ${encryption.on ? `on (${encryption.cipher}, ${encryption.key})` : 'off — data stored in clear'}`,
          `schema:      version ${doc.schemaVersion}, ${now.size} bytes`,
          `scans:       ${doc.scans} in ${doc.sites.length} site(s)${doc.sites.length ? `: ${doc.sites.map((s) => `"${s.name}" (${s.scans})`).join(', ')}` : ''}`,
          `oldest scan: ${doc.oldestScan ? `${doc.oldestScan.started} ${doc.oldestScan.id} (site "${doc.oldestScan.site}", ${doc.oldestScan.exported ? 'exported' : 'not exported'})` : '—'}`,
          `48 h rule:   ${typeof r === 'string' ? r : r.pending ? `WARNING ${r.pending} result(s) older than 48 h: ${r.exported} exported (purge them), ${r.notExported.length} not exported (export, then purge)` : 'nothing pending'}`,
          `audit log:   ${doc.auditEntries} entries`,
        ].join('\n') + '\n',
      );
    }
    process.exitCode = EXIT.ok;
  });

  workspaceOptions(
    program
      .command('history')
      .description(L('list the stored scans (id, site, date, exported)', 'lister les scans enregistrés (id, site, date, exporté)'))
      .option('--site-name <name>', L('only this site', 'seulement ce site'))
      .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text')),
  ).action(async (opts: WorkspaceCliOptions & { siteName?: string; format: 'text' | 'json' }) => {
    const scans = await withStore({ ...openOptions(opts), create: false }, (store) => {
      reportNotices(store);
      return store.scans(opts.siteName !== undefined ? { site: opts.siteName } : {});
    });
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(scans, null, 2)}\n`);
    else for (const s of scans) process.stdout.write(`${s.id}  ${s.started}  ${s.mode.padEnd(11)} ${s.profile.padEnd(20)} ${s.exportedAt ? `exported ${s.exportedAt}` : 'not exported'}${s.partial ? '  [partial]' : ''}  "${s.site}"\n`);
    process.exitCode = EXIT.ok;
  });

  workspaceOptions(
    program
      .command('export')
      .description(L('write one stored scan as an encrypted bundle (AES-256-GCM) for the document platform; a key is required', 'écrire un scan enregistré en paquet chiffré (AES-256-GCM) pour la plateforme documentaire ; une clé est requise'))
      .requiredOption('--scan <id>', L('the scan id (or a unique prefix; see vigie history)', 'l’identifiant du scan (ou un préfixe unique ; voir vigie history)'))
      .requiredOption('--out <file>', L('the bundle file to write', 'le fichier paquet à écrire'))
      .option('--no-report', L('the result only, without the Markdown and HTML reports', 'le résultat seul, sans les rapports Markdown et HTML'))
      .addOption(new Option('--lang <lang>', L('language of the reports in the bundle', 'langue des rapports du paquet')).argParser(parseLang)),
  ).action(async (opts: WorkspaceCliOptions & { scan: string; out: string; report: boolean; lang?: Lang }) => {
    const key = keyOf(opts);
    if (!key) throw new UsageError('export needs a key: a bundle is always encrypted (set VIGIE_KEY or give --key-file FILE)');
    const lang = opts.lang ?? defaultLang();
    await withStore({ ...openOptions(opts), create: false }, async (store) => {
      reportNotices(store);
      const id = resolveScan(store, opts.scan);
      const result = store.result(id);
      const row = store.scan(id)!;
      const reports: Record<string, string> = opts.report ? { 'report.md': renderMarkdown(result, lang), 'report.html': renderHtml(result, lang) } : {};
      const exportedAt = new Date().toISOString();
      const size = await writeBundle(opts.out, { exportedAt, site: row.site, result, reports }, key);
      store.markExported(id, exportedAt);
      store.appendAudit(
        { action: 'export', command: commandLine(), site: row.site, targets: result.scan.targets, scope: result.scan.scope, mode: result.scan.mode, credentialIds: [], scanId: id, outcome: `bundle written (${size} bytes)` },
        { osUser: osUser() },
      );
      process.stdout.write(`${L('Exported', 'Exporté')} ${id} → ${opts.out} (${size} bytes, AES-256-GCM${Object.keys(reports).length ? `, ${Object.keys(reports).join(' + ')}` : ''})\n`);
      if (store.kind === 'field') process.stdout.write(L('Once the bundle is on the document platform: vigie purge --exported-only\n', 'Une fois le paquet déposé sur la plateforme documentaire : vigie purge --exported-only\n'));
    });
    process.exitCode = EXIT.ok;
  });

  workspaceOptions(
    program
      .command('import')
      .description(L('read an encrypted bundle back into the store', 'relire un paquet chiffré dans l’historique'))
      .argument('<file>', L('a bundle written by vigie export', 'un paquet écrit par vigie export'))
      .option('--site-name <name>', L('store it under this site (default: the site in the bundle)', 'l’enregistrer sous ce site (défaut : celui du paquet)')),
  ).action(async (file: string, opts: WorkspaceCliOptions & { siteName?: string }) => {
    const key = keyOf(opts);
    if (!key) throw new UsageError('import needs the key the bundle was written with (VIGIE_KEY or --key-file FILE)');
    const bundle = await readBundle(file, key);
    const site = opts.siteName ?? bundle.site;
    await withStore(openOptions(opts), (store) => {
      reportNotices(store);
      if (store.hasScan(bundle.result.scan.id)) {
        process.stdout.write(`${L('Already in the store', 'Déjà dans l’historique')}: ${bundle.result.scan.id}\n`);
        return;
      }
      store.saveScan(bundle.result, site, { exportedAt: bundle.exportedAt });
      store.appendAudit(
        { action: 'import', command: commandLine(), site, targets: bundle.result.scan.targets, scope: bundle.result.scan.scope, mode: bundle.result.scan.mode, credentialIds: [], scanId: bundle.result.scan.id, outcome: `imported from a bundle exported ${bundle.exportedAt}` },
        { osUser: osUser() },
      );
      process.stdout.write(`${L('Imported', 'Importé')} ${bundle.result.scan.id} (${L('site', 'site')} "${site}", ${bundle.result.scan.started})\n`);
    });
    process.exitCode = EXIT.ok;
  });

  workspaceOptions(
    program
      .command('purge')
      .description(L('delete stored results older than a duration (default 48 h), then VACUUM and rewrite the file atomically; the audit log is kept', 'supprimer les résultats plus anciens qu’une durée (48 h par défaut), puis VACUUM et réécriture atomique du fichier ; le journal d’audit est conservé'))
      .option('--older-than <duration>', L('48h, 2d, 90m, 0 (everything)', '48h, 2d, 90m, 0 (tout)'), '48h')
      .option('--exported-only', L('only results already exported', 'seulement les résultats déjà exportés')),
  ).action(async (opts: WorkspaceCliOptions & { olderThan: string; exportedOnly?: boolean }) => {
    const olderThanMs = parseDuration(opts.olderThan);
    const info = storeFileInfo(openOptions(opts).dir);
    if (!info.exists) {
      process.stdout.write(`${L('No workspace at', 'Pas d’espace de travail à')} ${info.file}: ${L('nothing to purge', 'rien à purger')}\n`);
      process.exitCode = EXIT.ok;
      return;
    }
    await withStore({ ...openOptions(opts), create: false }, (store) => {
      const r = store.purge({ olderThanMs, ...(opts.exportedOnly ? { exportedOnly: true } : {}) });
      store.appendAudit(
        {
          action: 'purge',
          command: commandLine(),
          targets: [],
          scope: { include: [], exclude: [] },
          credentialIds: [],
          outcome: `${r.deleted.length} scan(s) deleted (${r.neverExported.length} never exported): ${r.deleted.map((s) => s.id).join(', ') || 'none'}`,
        },
        { osUser: osUser() },
      );
      process.stdout.write(`${L('Purged', 'Purgé')}: ${r.deleted.length} scan(s)${r.neverExported.length ? ` — ${r.neverExported.length} ${L('had never been exported', 'n’avaient jamais été exportés')}` : ''}; ${L('database', 'base')} ${r.bytesBefore} → ${r.bytesAfter} bytes (VACUUM), ${L('file rewritten', 'fichier réécrit')}: ${store.file}\n`);
      for (const n of storeNotices(store)) if (n.code !== 'retention-48h') emitNotice(n);
    });
    process.exitCode = EXIT.ok;
  });

  workspaceOptions(
    program
      .command('diff')
      .description(L('compare two stored scans of a site (default: its last two): devices, regressions, fixes, firmware, plan actions', 'comparer deux scans enregistrés d’un site (défaut : les deux derniers) : équipements, régressions, corrections, micrologiciels, actions du plan'))
      .argument('[scanA]', L('the earlier scan (id or unique prefix)', 'le scan le plus ancien (id ou préfixe unique)'))
      .argument('[scanB]', L('the later scan (default: the latest of the same site)', 'le plus récent (défaut : le dernier du même site)'))
      .option('--site-name <name>', L('the site (default: the only one in the store)', 'le site (défaut : le seul de l’historique)'))
      .addOption(new Option('--format <format>', 'text, json or md').choices(['text', 'json', 'md']).default('text')),
  ).action(async (scanA: string | undefined, scanB: string | undefined, opts: WorkspaceCliOptions & { siteName?: string; format: 'text' | 'json' | 'md' }) => {
    const { a, b, site } = await withStore({ ...openOptions(opts), create: false }, (store) => {
      reportNotices(store);
      let idA: string;
      let idB: string;
      let site: string;
      if (scanA) {
        idA = resolveScan(store, scanA);
        site = store.scan(idA)!.site;
        if (scanB) idB = resolveScan(store, scanB);
        else {
          const list = store.scans({ site });
          idB = list[list.length - 1]!.id;
          if (idB === idA) throw new UsageError(`${idA} is the latest scan of site "${site}": give the scan to compare it with`);
        }
      } else {
        site = resolveSite(store, opts.siteName);
        const list = store.scans({ site });
        if (list.length < 2) throw new UsageError(`site "${site}" has ${list.length} stored scan: a diff needs two`);
        idA = list[list.length - 2]!.id;
        idB = list[list.length - 1]!.id;
      }
      return { a: store.result(idA), b: store.result(idB), site };
    });
    const d = diffResults(a, b);
    process.stdout.write(opts.format === 'json' ? `${JSON.stringify({ site, ...d }, null, 2)}\n` : opts.format === 'md' ? renderDiffMarkdown(d, site) : `${renderDiffText(d, site)}\n`);
    process.exitCode = EXIT.ok;
  });

  workspaceOptions(
    program
      .command('kpi')
      .description(L('the KPIs of POL-CYB-001 §05 per period: compliance rate, mean time to fix, firmware updates', 'les indicateurs de POL-CYB-001 §05 par période : taux de conformité, délai moyen de correction, mises à jour de micrologiciel'))
      .option('--site-name <name>', L('the site (default: the only one in the store)', 'le site (défaut : le seul de l’historique)'))
      .addOption(new Option('--by <period>', 'quarter or month').choices(['quarter', 'month']).default('quarter'))
      .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text')),
  ).action(async (opts: WorkspaceCliOptions & { siteName?: string; by: Granularity; format: 'text' | 'json' }) => {
    const report = await withStore({ ...openOptions(opts), create: false }, (store) => {
      reportNotices(store);
      const site = resolveSite(store, opts.siteName);
      return computeKpis(site, store.snapshots(site), opts.by);
    });
    process.stdout.write(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${renderKpiText(report)}\n`);
    process.exitCode = EXIT.ok;
  });
}
