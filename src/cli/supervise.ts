/**
 * `vigie supervise`: the unattended run (systemd timer or cron, docs/supervision.md).
 * Scan, save in the (supervision) workspace, diff with the previous scan of
 * the site, KPIs; optionally a Prometheus textfile and a JSON notification.
 *
 * Exit codes: 0 no regression · 1 regressions (new open findings) · 2 usage ·
 * 3 runtime error, or the notification failed without regressions · 130 interrupted.
 */
import { Option, type Command } from 'commander';
import { readSiteFile } from '../core/site-file.ts';
import type { Mode } from '../core/model.ts';
import { EXIT, UsageError } from '../core/errors.ts';
import { defaultLang } from '../../reports/i18n.ts';
import { parseFormats, writeOutputs } from './output.ts';
import { scanFromCli, type ScanCliOptions } from './scan.ts';
import { commandLine, emitNotice, openOptions, storeOptions, type StoreCliOptions } from './store-cli.ts';
import { supervise } from '../supervise/run.ts';
import { renderDiffText } from '../supervise/diff.ts';
import { safeUrl } from '../supervise/notify.ts';
import type { Granularity } from '../supervise/kpi.ts';

export interface SuperviseCliOptions extends ScanCliOptions, Omit<StoreCliOptions, 'progress'> {
  /** The site file (`--site vigie.site.yaml`). */
  site?: string;
  notify?: string;
  prometheus?: string;
  /** Write result and reports here too (default: nothing but the store). */
  out: string;
  by: Granularity;
}

export async function runSuperviseCommand(args: string[], opts: SuperviseCliOptions): Promise<number> {
  if (opts.store === false) throw new UsageError('supervise saves every run: it cannot run with --no-store');
  const formats = opts.out ? parseFormats(opts.format) : [];
  if (opts.notify) {
    try {
      const u = new URL(opts.notify);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      throw new UsageError(`--notify needs an http(s) URL`);
    }
  }
  const siteFile = opts.site ? readSiteFile(opts.site) : undefined;
  if (!args.length && !siteFile?.site.inventory.length) throw new UsageError('no targets: give them on the command line, or a site file with an inventory (--site vigie.site.yaml)');
  const targets = args.length ? args : siteFile!.site.inventory.map((d) => d.address);
  const scope = { include: opts.scope?.length ? opts.scope : (siteFile?.site.scope?.include ?? targets), exclude: [...(opts.exclude ?? []), ...(siteFile?.site.scope?.exclude ?? [])] };
  const site = opts.siteName ?? siteFile?.site.name ?? scope.include.join(',');
  const lang = opts.lang ?? defaultLang();

  const out = await supervise({
    store: openOptions(opts, { kind: 'supervision' }),
    site,
    // The start is recorded by supervise() itself: scanFromCli must not record a second one.
    scan: () => scanFromCli(args, { ...opts, store: false, ...(opts.site ? { siteFile: opts.site } : {}) } as ScanCliOptions),
    audit: { command: commandLine(), targets, scope, mode: opts.mode },
    by: opts.by,
    ...(opts.prometheus ? { prometheus: opts.prometheus } : {}),
    ...(opts.notify ? { notifyUrl: opts.notify } : {}),
    onNotice: (n) => emitNotice(n, opts.progress),
  });

  if (formats.length) writeOutputs(out.result, opts.out, formats, lang, undefined, { history: out.history });
  if (!opts.quiet) {
    process.stdout.write(`Site "${site}": scan ${out.result.scan.id} saved${out.result.scan.partial ? ' (PARTIAL)' : ''}\n`);
    process.stdout.write(out.diff ? `${renderDiffText(out.diff, site)}\n` : 'First scan of this site: nothing to compare with yet.\n');
    const c = out.kpi.total.compliance;
    if (c) process.stdout.write(`Compliance: ${c.compliant}/${c.devices} devices without an open finding at or above ${c.threshold}\n`);
    if (opts.prometheus) process.stdout.write(`  → ${opts.prometheus}\n`);
  }
  if (out.notified && !out.notified.ok) {
    process.stderr.write(`vigie: notification to ${safeUrl(opts.notify!)} failed after ${out.notified.attempts} attempt(s): ${out.notified.error ?? `HTTP ${out.notified.status}`}\n`);
    return out.exitCode === EXIT.ok ? EXIT.runtime : out.exitCode;
  }
  return out.exitCode;
}

type TargetOptions = (cmd: Command, d: { profile: string; mode: Mode; modeHelp: string; out: string; format: string }) => Command;

/** Registered from main.ts with its shared option builders. */
export function addSuperviseCommand(program: Command, h: { L: (en: string, fr: string) => string; targetOptions: TargetOptions; commonOutputOptions: (cmd: Command) => Command }): void {
  const { L } = h;
  const cmd = h
    .targetOptions(
      program
        .command('supervise')
        .description(
          L(
            'unattended supervision run: scan, save in the (supervision) workspace, diff with the previous scan of the site; exit 1 on regressions',
            'passage de supervision sans surveillance : scan, enregistrement dans l’espace de supervision, comparaison avec le scan précédent du site ; code 1 en cas de régression',
          ),
        ),
      {
        profile: 'anssi-base',
        mode: 'safe',
        modeHelp: L('passive, safe (default) or credentials', 'passive, safe (défaut) ou credentials'),
        out: '',
        format: 'json,html',
      },
    )
    .option('--site <file>', L('the site file (vigie.site.yaml): name, inventory, scope, credentials, waivers', 'le fichier de site (vigie.site.yaml) : nom, inventaire, périmètre, identifiants, dérogations'))
    .option('--notify <url>', L('POST a JSON summary (no secrets) to this http(s) URL; 10 s time-out, 2 retries', 'envoyer un résumé JSON (sans secret) à cette URL http(s) ; délai 10 s, 2 nouvelles tentatives'))
    .option('--prometheus <file>', L('write the KPIs in the Prometheus text format (node_exporter textfile collector), atomically', 'écrire les indicateurs au format texte Prometheus (collecteur textfile de node_exporter), de façon atomique'))
    .addOption(new Option('--by <period>', L('KPI period: quarter or month', 'période des indicateurs : quarter ou month')).choices(['quarter', 'month']).default('quarter'));
  // Targets may come from the site file's inventory.
  cmd.registeredArguments[0]?.argOptional();
  storeOptions(h.commonOutputOptions(cmd));
  cmd.addHelpText(
    'after',
    L(
      `
Examples:
  vigie supervise --site /etc/vigie/site-a.site.yaml --store /var/lib/vigie --prometheus /var/lib/node_exporter/textfile/vigie.prom
  vigie supervise 192.0.2.10-40 --site-name "Site A" --notify https://hooks.example.invalid/vigie --quiet

Schedule it with a systemd timer or cron (docs/supervision.md); vigie itself listens on no port.`,
      `
Exemples :
  vigie supervise --site /etc/vigie/site-a.site.yaml --store /var/lib/vigie --prometheus /var/lib/node_exporter/textfile/vigie.prom
  vigie supervise 192.0.2.10-40 --site-name "Site A" --notify https://hooks.example.invalid/vigie --quiet

À planifier avec un timer systemd ou cron (docs/supervision.md) ; vigie n’écoute sur aucun port.`,
    ),
  );
  cmd.action(async (targets: string[], opts: SuperviseCliOptions) => {
    process.exitCode = await runSuperviseCommand(targets ?? [], opts);
  });
}
