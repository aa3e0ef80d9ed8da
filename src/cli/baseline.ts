/**
 * `vigie baseline TARGET --name NAME --out FILE`: audit one device the
 * engineer hardened by hand and write a profile that extends the
 * commissioning profile with that device's observed safe state
 * (src/baseline/). Refuses, exit 2, when the base profile already rejects the
 * device, listing why.
 *
 * Exit codes: 0 profile written · 2 usage error, or the device is not a
 * reference (nothing written) · 3 runtime error · 130 interrupted.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Option, type Command } from 'commander';
import { EXIT, UsageError } from '../core/errors.ts';
import { loadCatalogueProfile } from '../checks/profiles.ts';
import { MODES, type Mode } from '../core/model.ts';
import { PROFILES_DIR, VERSION } from '../core/paths.ts';
import { buildBaseline, profileIdFrom } from '../baseline/baseline.ts';
import { defaultLang } from '../../reports/i18n.ts';
import { writeOutputs } from './output.ts';
import { scanFromCli, type ScanCliOptions } from './scan.ts';

export interface BaselineCliOptions {
  name: string;
  out: string;
  id?: string;
  profile?: string;
  force?: boolean;
  results?: string;
  scope?: string[];
  exclude?: string[];
  ports?: number[];
  mode: Mode;
  perHost?: number;
  ca?: string;
  credentials?: string;
  lang?: 'en' | 'fr';
  progress: 'auto' | 'tty' | 'json' | 'none';
  quiet?: boolean;
  debug?: boolean;
}

/** The commissioning profile when it exists, else the base profile. */
export function defaultBaseProfile(): string {
  return existsSync(join(PROFILES_DIR, 'anssi-commissioning.yaml')) ? 'anssi-commissioning' : 'anssi-base';
}

export async function runBaselineCommand(target: string, opts: BaselineCliOptions): Promise<number> {
  if (!opts.name.trim()) throw new UsageError('--name must not be empty (e.g. --name "Axis P3245 site standard")');
  if (!/\.ya?ml$/i.test(opts.out)) throw new UsageError(`--out must name a .yaml file (e.g. profiles/site-axis.yaml), not "${opts.out}"`);
  if (existsSync(opts.out) && !opts.force) throw new UsageError(`"${opts.out}" exists: choose another --out, or --force to replace it`);
  const baseRef = opts.profile ?? defaultBaseProfile();
  const base = loadCatalogueProfile(baseRef);
  const id = opts.id ?? profileIdFrom(opts.out);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new UsageError(`--id "${id}": lower-case letters, digits and dashes`);
  if (base.lineage.includes(id)) throw new UsageError(`the baseline's id "${id}" is already in the chain of "${base.id}": choose another --id`);
  // `extends:` names a profile of profiles/ by id, or a file relative to the new profile.
  const isFile = /[/\\]/.test(baseRef) || /\.ya?ml$/i.test(baseRef);
  const extendsRef = isFile ? relative(dirname(resolve(opts.out)), resolve(baseRef)).split(sep).join('/') : base.id;

  const scanOpts: ScanCliOptions = { ...opts, profile: base.id, out: opts.results ?? '', format: 'json' };
  const result = await scanFromCli([target], scanOpts, base);
  if (result.scan.partial) return EXIT.interrupted;
  const lang = opts.lang ?? defaultLang();
  if (opts.results) writeOutputs(result, opts.results, ['json', 'md'], lang);

  const outcome = buildBaseline(result, { name: opts.name.trim(), id, base, extendsRef, date: new Date().toISOString(), vigieVersion: VERSION });
  if (outcome.kind === 'refused') {
    process.stderr.write(`vigie: baseline refused — nothing written.\n${outcome.reasons.join('\n')}\n`);
    return EXIT.usage;
  }
  mkdirSync(dirname(opts.out) || '.', { recursive: true });
  const tmp = join(dirname(opts.out), `.${basename(opts.out)}.${process.pid}.tmp.yaml`);
  writeFileSync(tmp, outcome.text, { mode: 0o644 });
  try {
    // It must load as a profile before it takes the name: a baseline that cannot be used is never left behind.
    loadCatalogueProfile(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`the baseline profile did not validate (a bug: please report it): ${(err as Error).message}`);
  }
  renameSync(tmp, opts.out);
  for (const w of outcome.warnings) process.stderr.write(`vigie: warning: ${w}\n`);
  if (!opts.quiet) {
    const r = outcome.recorded;
    const h = outcome.host;
    process.stdout.write(
      [
        `Baseline "${opts.name.trim()}" (${id}) written: ${relative(process.cwd(), opts.out) || opts.out}`,
        `  reference ${h.address} — ${h.class}${h.vendor ? ` ${h.vendor}` : ''}${h.model ? ` ${h.model}` : ''}${h.firmware ? ` ${h.firmware}` : ''}, passed "${base.id}"`,
        `  recorded: ${r.services} service(s), TLS on ${r.tlsEndpoints} port(s), SSH on ${r.sshEndpoints}, ${r.onvifUsers === undefined ? 'ONVIF accounts not read' : `${r.onvifUsers} ONVIF account(s)`}, SNMP ${r.snmpVersions.length ? r.snmpVersions.join('/') : 'none'}`,
        `  next: vigie verify NEW-DEVICES --profile ${opts.out}`,
      ].join('\n') + '\n',
    );
  }
  return EXIT.ok;
}

interface Helpers {
  L: (en: string, fr: string) => string;
  collect: (value: string, previous?: string[]) => string[];
  parsePorts: (value: string) => number[];
  positiveInt: (name: string) => (value: string) => number;
  commonOutputOptions: (cmd: Command) => Command;
}

/** Registers `baseline` on the program (called from main.ts with its option parsers). */
export function addBaselineCommand(program: Command, h: Helpers): void {
  const { L } = h;
  const cmd = program
    .command('baseline')
    .description(L('audit one device hardened by hand and write a profile of its safe state, extending the commissioning profile', 'auditer un équipement durci à la main et écrire un profil de son état sûr, qui étend le profil de mise en service'))
    .argument('<target>', L('the reference device (one address)', 'l’équipement de référence (une adresse)'))
    .requiredOption('--name <name>', L('the baseline’s name, e.g. "Axis P3245 site standard"', 'nom de la référence, ex. "Axis P3245 standard du site"'))
    .requiredOption('--out <file.yaml>', L('where to write the profile (e.g. profiles/site-axis.yaml)', 'où écrire le profil (ex. profiles/site-axis.yaml)'))
    .option('--id <id>', L('profile id (default: from the file name)', 'identifiant du profil (par défaut : d’après le nom du fichier)'))
    .option('--profile <id|file>', L('the profile the reference must pass and the baseline extends (default: anssi-commissioning)', 'le profil auquel la référence doit être conforme et que la référence étend (défaut : anssi-commissioning)'))
    .option('--force', L('replace --out if it exists', 'remplacer --out s’il existe'))
    .option('--results <dir>', L('also write the reference scan (result.json, report.md) there', 'écrire aussi le scan de la référence (result.json, report.md) dans ce répertoire'))
    .option('--scope <cidr>', L('allowed addresses; default: exactly the target', 'adresses autorisées ; par défaut : exactement la cible'), h.collect)
    .option('--exclude <spec>', L('addresses never to contact', 'adresses à ne jamais contacter'), h.collect)
    .option('--ports <list>', L('TCP ports to probe, replacing the profile list', 'ports TCP à sonder, à la place de la liste du profil'), h.parsePorts)
    .addOption(new Option('--mode <mode>', L('scan mode (credentials: also prove no default credential works)', 'mode de scan (credentials : prouver aussi qu’aucun identifiant par défaut ne fonctionne)')).choices([...MODES]).default('safe'))
    .option('--per-host <n>', L('concurrent connections to the device (default 2)', 'connexions simultanées vers l’équipement (défaut 2)'), h.positiveInt('--per-host'))
    .option('--ca <file>', L('PEM file of the site’s CA certificates', 'fichier PEM des certificats d’AC du site'))
    .option('--credentials <file>', L('the device’s site accounts (YAML), to read its ONVIF users', 'les comptes du site pour l’équipement (YAML), pour lire ses utilisateurs ONVIF'));
  h.commonOutputOptions(cmd);
  cmd.addHelpText(
    'after',
    L(
      `
Example:
  vigie baseline 192.0.2.10 --name "Axis P3245 site standard" --out profiles/site-axis.yaml --credentials site.yaml --ca site-ca.pem
  vigie verify 192.0.2.11-40 --profile profiles/site-axis.yaml --credentials site.yaml --ca site-ca.pem

The reference must pass the profile first: a device with any finding at or above its
commissioning threshold is refused (exit 2) and nothing is written.`,
      `
Exemple :
  vigie baseline 192.0.2.10 --name "Axis P3245 standard du site" --out profiles/site-axis.yaml --credentials site.yaml --ca ac-site.pem
  vigie verify 192.0.2.11-40 --profile profiles/site-axis.yaml --credentials site.yaml --ca ac-site.pem

La référence doit d’abord être conforme au profil : un équipement ayant un constat au moins égal
au seuil de mise en service est refusé (code 2) et rien n’est écrit.`,
    ),
  );
  cmd.action(async (target: string, opts: BaselineCliOptions) => {
    process.exitCode = await runBaselineCommand(target, opts);
  });
}
