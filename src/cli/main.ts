/**
 * The `vigie` command line. Parses arguments, turns mistakes into one clear
 * line with exit code 2, and hands the work to the engine.
 *
 * Exit codes: 0 done · 1 findings at or above --fail-on · 2 usage or scope
 * error · 3 runtime error · 130 interrupted (partial result written).
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, ScopeViolation, UsageError, errorMessage } from '../core/errors.ts';
import { defaultLang, parseLang, type Lang } from '../../reports/i18n.ts';
import { SEVERITIES, MODES, type Mode } from '../core/model.ts';
import { VERSION } from '../core/paths.ts';
import { runScanCommand, type ScanCliOptions } from './scan.ts';
import { runDemoCommand, type DemoCliOptions } from './demo.ts';
import { runVerifyCommand, type VerifyCliOptions } from './verify.ts';
import { runReportCommand, type ReportCliOptions } from './report.ts';
import { addBaselineCommand } from './baseline.ts';
import { addProfileCommands } from './profile-commands.ts';
import { registerStoreCommands, storeOptions } from './store-cli.ts';
import { addSuperviseCommand } from './supervise.ts';

const LANG: Lang = defaultLang();
const L = (en: string, fr: string) => (LANG === 'fr' ? fr : en);

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function parsePorts(value: string): number[] {
  const out: number[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const a = Number(m?.[1]);
    const b = Number(m?.[2] ?? m?.[1]);
    if (!m || a < 1 || b > 65535 || b < a || b - a > 4096) throw new UsageError(`not a port or port range: "${part}" (example: 22,80,443,8000-8100)`);
    for (let p = a; p <= b; p++) out.push(p);
  }
  return out;
}

function positiveInt(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a whole number ≥ 1, not "${value}"`);
    return n;
  };
}

function commonOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--lang <lang>', L('report language: en or fr (default: from the locale)', 'langue du rapport : en ou fr (par défaut : selon la locale)')).argParser(parseLang))
    .addOption(new Option('--progress <how>', L('progress display: auto, tty, json (JSON lines on stderr) or none', 'affichage de la progression : auto, tty, json (lignes JSON sur stderr) ou none')).choices(['auto', 'tty', 'json', 'none']).default('auto'))
    .option('-q, --quiet', L('no progress display and no summary', 'ni progression ni synthèse'))
    .option('--show-secrets', L('write the default passwords that worked into the local Markdown report (never into result.json, logs or progress)', 'écrire les mots de passe par défaut trouvés dans le rapport Markdown local (jamais dans result.json, les journaux ou la progression)'))
    .option('--debug', L('print stack traces on errors', 'afficher les piles d’appel en cas d’erreur'));
}

/** The options of every command that scans targets (scan, verify); defaults differ per command. */
function targetOptions(cmd: Command, d: { profile: string; mode: Mode; modeHelp: string; out: string; format: string }): Command {
  return cmd
    // Optional: `scan --site` takes the targets from the site file's inventory; without either, a usage error.
    .argument('[targets...]', L('addresses, CIDR blocks, ranges (192.0.2.1-20) or inventory files (.csv, .yaml)', 'adresses, blocs CIDR, plages (192.0.2.1-20) ou fichiers d’inventaire (.csv, .yaml)'))
    .option('--scope <cidr>', L('allowed addresses (repeatable or comma-separated); default: exactly the targets', 'adresses autorisées (répétable ou séparé par des virgules) ; par défaut : exactement les cibles'), collect)
    .option('--exclude <spec>', L('addresses never to contact (repeatable)', 'adresses à ne jamais contacter (répétable)'), collect)
    .option('--ports <list>', L('TCP ports to probe, replacing the profile list (e.g. 22,80,443,8000-8100)', 'ports TCP à sonder, à la place de la liste du profil (ex. 22,80,443,8000-8100)'), parsePorts)
    .option('--profile <id|file>', L('hardening profile', 'profil de durcissement'), d.profile)
    .addOption(new Option('--mode <mode>', d.modeHelp).choices([...MODES]).default(d.mode))
    .option('-o, --out <dir>', L('output directory', 'répertoire de sortie'), d.out)
    .option('--format <list>', L('output formats: json, md, html, csv (the plan)', 'formats de sortie : json, md, html, csv (le plan)'), d.format)
    .option('--per-host <n>', L('concurrent connections per device (default 2)', 'connexions simultanées par équipement (défaut 2)'), positiveInt('--per-host'))
    .option('--ca <file>', L('PEM file of the CA certificates your clients trust (site PKI): TLS chains reaching them are trusted', 'fichier PEM des certificats d’AC auxquels vos clients font confiance (IGC du site) : les chaînes TLS qui y mènent sont reconnues'))
    .option('--interface <name|address>', L('also send one multicast WS-Discovery Probe (239.255.255.250, TTL 1) on this local interface; answers from inside the scope become hosts (default: unicast Probe to each target only)', 'envoyer aussi une sonde WS-Discovery multicast (239.255.255.250, TTL 1) sur cette interface locale ; les réponses venant du périmètre deviennent des équipements (par défaut : sonde unicast vers chaque cible seulement)'))
    .option('--credentials <file>', L('your own credentials to verify (YAML: id, user, password or passwordEnv, protocols); tried in modes safe and credentials', 'vos propres identifiants à vérifier (YAML : id, user, password ou passwordEnv, protocols) ; essayés en modes safe et credentials'))
    .option('--max-hosts <n>', L('refuse more target addresses than this (default 65536)', 'refuser plus d’adresses cibles que cela (défaut 65536)'), positiveInt('--max-hosts'));
}

export function buildProgram(): Command {
  const program = new Command('vigie')
    .version(VERSION)
    .description(
      L(
        'Audit the hardening of physical-security networks: IP cameras, NVR/DVR, VMS, access control, intercoms and their switches.',
        'Audit du durcissement des réseaux de sûreté : caméras IP, NVR/DVR, VMS, contrôle d’accès, interphones et leurs commutateurs.',
      ),
    )
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();

  program.addHelpText(
    'after',
    L(
      `
Examples:
  vigie demo                                  audit a simulated site on loopback, end to end
  vigie scan 192.0.2.0/24                     audit a subnet (the scope is exactly the targets)
  vigie scan 192.0.2.1-40 --scope 192.0.2.0/24 --exclude 192.0.2.7
  vigie scan site-inventory.csv --fail-on high
  vigie verify 192.0.2.10-19 --site "Site A"  commissioning: a verdict per device and a hand-over record
  vigie report vigie-results/result.json --format html,csv --lang fr
  vigie evaluate vigie-results/result.json --profile nis2   the same facts judged by another profile, offline
  vigie checks · vigie profiles show nis2   the catalogue and the profiles
  vigie help scan                             every option of scan, with examples

Exit codes: 0 done · 1 findings at or above --fail-on · 2 usage or scope error · 3 runtime error · 130 interrupted
Language: --lang fr|en, or VIGIE_LANG / LANG (fr_FR.UTF-8 gives French).`,
      `
Exemples :
  vigie demo                                  audite un site simulé sur la boucle locale, de bout en bout
  vigie scan 192.0.2.0/24                     audite un sous-réseau (le périmètre est exactement les cibles)
  vigie scan 192.0.2.1-40 --scope 192.0.2.0/24 --exclude 192.0.2.7
  vigie scan inventaire-site.csv --fail-on high
  vigie verify 192.0.2.10-19 --site "Site A"  mise en service : un verdict par équipement et un procès-verbal
  vigie report vigie-results/result.json --format html,csv --lang fr
  vigie evaluate vigie-results/result.json --profile nis2   les mêmes faits jugés par un autre profil, hors ligne
  vigie checks · vigie profiles show nis2   le catalogue et les profils
  vigie help scan                             toutes les options de scan, avec exemples

Codes de sortie : 0 terminé · 1 constats au moins --fail-on · 2 erreur d’usage ou de périmètre · 3 erreur d’exécution · 130 interrompu
Langue : --lang fr|en, ou VIGIE_LANG / LANG (fr_FR.UTF-8 donne le français).`,
    ),
  );

  const scan = targetOptions(
    program
      .command('scan')
      .description(L('audit devices: discover services, probe them, judge them against a profile', 'auditer des équipements : découvrir les services, les sonder, les juger selon un profil')),
    {
      profile: 'anssi-base',
      mode: 'safe',
      modeHelp: L('passive (banners only), safe (default) or credentials (default-credential tests, announced)', 'passive (bannières), safe (défaut) ou credentials (tests d’identifiants par défaut, annoncés)'),
      out: 'vigie-results',
      format: 'json,md',
    },
  ).addOption(new Option('--fail-on <severity>', L('exit 1 when a finding is at or above this severity', 'code 1 si un constat atteint cette sévérité')).choices([...SEVERITIES]));
  storeOptions(commonOutputOptions(scan));
  scan.addHelpText(
    'after',
    L(
      `
Examples:
  vigie scan 192.0.2.10                                one camera
  vigie scan 192.0.2.0/24 --exclude 192.0.2.1          a subnet, leaving the gateway alone
  vigie scan 192.0.2.1-40 --scope 192.0.2.0/24         a range, checked against the declared scope
  vigie scan devices.csv --out audit-site-a --lang fr  an inventory (CSV: address,name,class)
  vigie scan 192.0.2.0/24 --progress json 2>progress.jsonl --quiet

Scope: every target must lie inside --scope, or nothing is sent at all (exit 2).
Politeness: at most --per-host connections per device, bounded rate and time-outs.
Ctrl-C stops new probes, waits a few seconds, and writes the result marked "partial": true.`,
      `
Exemples :
  vigie scan 192.0.2.10                                une caméra
  vigie scan 192.0.2.0/24 --exclude 192.0.2.1          un sous-réseau, sans toucher la passerelle
  vigie scan 192.0.2.1-40 --scope 192.0.2.0/24         une plage, vérifiée contre le périmètre déclaré
  vigie scan equipements.csv --out audit-site-a --lang fr  un inventaire (CSV : address,name,class)
  vigie scan 192.0.2.0/24 --progress json 2>progression.jsonl --quiet

Périmètre : chaque cible doit être dans --scope, sinon rien n’est envoyé (code 2).
Politesse : au plus --per-host connexions par équipement, débit borné, délais bornés.
Ctrl-C arrête les nouvelles sondes, attend quelques secondes et écrit le résultat marqué "partial": true.`,
    ),
  );
  scan.option('--site <file>', L('site file (vigie.site.yaml): inventory, scope, credentials and waivers; the command line wins', 'fichier de site (vigie.site.yaml) : inventaire, périmètre, identifiants et dérogations ; la ligne de commande prime'));
  scan.addHelpText(
    'after',
    L(
      `
Site file:
  vigie scan --site vigie.site.yaml                    targets, scope, credentials and waivers from the file
  vigie scan 192.0.2.10 --site vigie.site.yaml         one device of the site, with the site's waivers`,
      `
Fichier de site :
  vigie scan --site vigie.site.yaml                    cibles, périmètre, identifiants et dérogations du fichier
  vigie scan 192.0.2.10 --site vigie.site.yaml         un équipement du site, avec les dérogations du site`,
    ),
  );
  scan.action(async (targets: string[], opts: ScanCliOptions & { site?: string }) => {
    const { site, ...rest } = opts;
    process.exitCode = await runScanCommand(targets, site ? { ...rest, siteFile: site } : rest);
  });

  const demo = program
    .command('demo')
    .description(L('start a simulated site on loopback (127.42.x.y), audit it, write the report, stop the site', 'démarrer un site simulé sur la boucle locale (127.42.x.y), l’auditer, écrire le rapport, arrêter le site'))
    .option('-o, --out <dir>', L('output directory', 'répertoire de sortie'), 'vigie-demo')
    .option('--format <list>', L('output formats: json, md, html, csv (the plan)', 'formats de sortie : json, md, html, csv (le plan)'), 'json,md,html,csv')
    .addOption(new Option('--mode <mode>', L('scan mode (the simulated site is ours: default credentials are tried)', 'mode de scan (le site simulé est à nous : les identifiants par défaut sont essayés)')).choices([...MODES]).default('credentials'))
    .option('--profile <id|file>', L('hardening profile (anssi-base, anssi-commissioning, nis2 …): the same site judged differently', 'profil de durcissement (anssi-base, anssi-commissioning, nis2 …) : le même site jugé autrement'), 'anssi-base');
  storeOptions(commonOutputOptions(demo));
  demo.addHelpText(
    'after',
    L(
      `
Example:
  vigie demo --lang fr        the same, reported in French

Nothing leaves the machine: the devices listen on 127.42.N.x only.`,
      `
Exemple :
  vigie demo --lang en        la même chose, rapport en anglais

Rien ne sort de la machine : les équipements écoutent sur 127.42.N.x uniquement.`,
    ),
  );
  demo.action(async (opts: DemoCliOptions) => {
    process.exitCode = await runDemoCommand(opts);
  });

  const verify = targetOptions(
    program
      .command('verify')
      .description(
        L(
          'commissioning verification: scan, then a pass/fail verdict per device and a hand-over record ready to sign (handover.md)',
          'vérification de mise en service : scan, puis un verdict conforme/non conforme par équipement et un procès-verbal prêt à signer (handover.md)',
        ),
      ),
    {
      profile: 'anssi-commissioning',
      mode: 'credentials',
      modeHelp: L(
        'credentials (default: default credentials are tried, announced — the point of commissioning), safe or passive (then the credential checks cannot conclude: INCOMPLETE)',
        'credentials (défaut : identifiants par défaut essayés, annoncés — c’est l’objet de la mise en service), safe ou passive (les contrôles d’identifiants ne peuvent alors pas conclure : INCOMPLET)',
      ),
      out: 'vigie-verify',
      format: 'json,md,html',
    },
  )
    .option('--operator <name>', L('who runs the verification, for the hand-over record (default: the OS user)', 'qui réalise la vérification, pour le procès-verbal (défaut : l’utilisateur du système)'))
    .option('--site <name>', L('site name for the hand-over record (default: the scope)', 'nom du site pour le procès-verbal (défaut : le périmètre)'));
  storeOptions(commonOutputOptions(verify));
  verify.addHelpText(
    'after',
    L(
      `
Examples:
  vigie verify 192.0.2.10-19 --site "Warehouse B" --operator "J. Martin"
  vigie verify devices.csv --lang fr --out reception-site-a
  vigie scan 192.0.2.10-19 --profile anssi-commissioning --mode credentials   the same verdicts, scan's exit codes

A device FAILS on an open finding at or above the profile's threshold (anssi-commissioning: medium);
it is INCOMPLETE when a required check could not conclude or it did not answer — INCOMPLETE is not a pass.
Writes result.json, the reports and handover.md (with the SHA-256 of result.json).
Exit codes: 0 every device passes · 1 a device fails or is incomplete · 2 usage · 3 runtime · 130 interrupted`,
      `
Exemples :
  vigie verify 192.0.2.10-19 --site "Entrepôt B" --operator "J. Martin"
  vigie verify equipements.csv --lang fr --out reception-site-a
  vigie scan 192.0.2.10-19 --profile anssi-commissioning --mode credentials   les mêmes verdicts, codes de sortie de scan

Un équipement est NON CONFORME sur un constat ouvert au moins égal au seuil du profil (anssi-commissioning : moyenne) ;
il est INCOMPLET quand un contrôle requis n’a pas pu conclure ou qu’il n’a pas répondu — INCOMPLET ne vaut pas conformité.
Écrit result.json, les rapports et handover.md (avec le SHA-256 de result.json).
Codes de sortie : 0 tous conformes · 1 un équipement non conforme ou incomplet · 2 usage · 3 erreur d’exécution · 130 interrompu`,
    ),
  );
  verify.action(async (targets: string[], opts: VerifyCliOptions) => {
    process.exitCode = await runVerifyCommand(targets, opts);
  });

  const report = program
    .command('report')
    .description(L('render a saved result.json again: other formats, other language', 'refaire les rapports d’un result.json enregistré : autres formats, autre langue'))
    .argument('<result.json>', L('a result written by vigie (validated against the vigie.result/1 schema)', 'un résultat écrit par vigie (validé selon le schéma vigie.result/1)'))
    .option('--format <list>', L('json, md, html, csv (the plan)', 'json, md, html, csv (le plan)'), 'html,md')
    .option('-o, --out <dir>', L('output directory (default: the directory of the result)', 'répertoire de sortie (défaut : celui du résultat)'))
    .option('--history <file>', L('an earlier result.json of the same site, for the trend chart (repeatable)', 'un result.json antérieur du même site, pour la courbe d’évolution (répétable)'), collect)
    .addOption(new Option('--lang <lang>', L('report language: en or fr (default: from the locale)', 'langue du rapport : en ou fr (par défaut : selon la locale)')).argParser(parseLang))
    .option('-q, --quiet', L('print nothing', 'ne rien afficher'))
    .option('--debug', L('print stack traces on errors', 'afficher les piles d’appel en cas d’erreur'));
  report.addHelpText(
    'after',
    L(
      `
Examples:
  vigie report vigie-results/result.json --format html,md,csv --lang fr
  vigie report audit-2026-06/result.json --history audit-2026-01/result.json --out rapport-juin`,
      `
Exemples :
  vigie report vigie-results/result.json --format html,md,csv --lang fr
  vigie report audit-2026-06/result.json --history audit-2026-01/result.json --out rapport-juin`,
    ),
  );
  report.action(async (file: string, opts: ReportCliOptions) => {
    process.exitCode = await runReportCommand(file, opts);
  });

  addBaselineCommand(program, { L, collect, parsePorts, positiveInt, commonOutputOptions });
  addProfileCommands(program, { L, lang: LANG });
  // History store, export/import/purge, diff, KPIs (src/cli/store-cli.ts) and the supervision run.
  registerStoreCommands(program);
  addSuperviseCommand(program, { L, targetOptions, commonOutputOptions });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      // commander already printed its one-line message.
      return EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof ScopeViolation) {
      process.stderr.write(`vigie: ${err.message}\n`);
      if (debug) process.stderr.write(`${err.stack}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`vigie: ${errorMessage(err)}\n`);
    if (debug) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    else process.stderr.write(L('(run again with --debug for details)\n', '(relancer avec --debug pour le détail)\n'));
    return EXIT.runtime;
  }
}
