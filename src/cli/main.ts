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
import { SEVERITIES, MODES } from '../core/model.ts';
import { VERSION } from '../core/paths.ts';
import { runScanCommand, type ScanCliOptions } from './scan.ts';
import { runDemoCommand, type DemoCliOptions } from './demo.ts';

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
  vigie help scan                             every option of scan, with examples

Exit codes: 0 done · 1 findings at or above --fail-on · 2 usage or scope error · 3 runtime error · 130 interrupted
Language: --lang fr|en, or VIGIE_LANG / LANG (fr_FR.UTF-8 gives French).`,
      `
Exemples :
  vigie demo                                  audite un site simulé sur la boucle locale, de bout en bout
  vigie scan 192.0.2.0/24                     audite un sous-réseau (le périmètre est exactement les cibles)
  vigie scan 192.0.2.1-40 --scope 192.0.2.0/24 --exclude 192.0.2.7
  vigie scan inventaire-site.csv --fail-on high
  vigie help scan                             toutes les options de scan, avec exemples

Codes de sortie : 0 terminé · 1 constats au moins --fail-on · 2 erreur d’usage ou de périmètre · 3 erreur d’exécution · 130 interrompu
Langue : --lang fr|en, ou VIGIE_LANG / LANG (fr_FR.UTF-8 donne le français).`,
    ),
  );

  const scan = program
    .command('scan')
    .description(L('audit devices: discover services, probe them, judge them against a profile', 'auditer des équipements : découvrir les services, les sonder, les juger selon un profil'))
    .argument('<targets...>', L('addresses, CIDR blocks, ranges (192.0.2.1-20) or inventory files (.csv, .yaml)', 'adresses, blocs CIDR, plages (192.0.2.1-20) ou fichiers d’inventaire (.csv, .yaml)'))
    .option('--scope <cidr>', L('allowed addresses (repeatable or comma-separated); default: exactly the targets', 'adresses autorisées (répétable ou séparé par des virgules) ; par défaut : exactement les cibles'), collect)
    .option('--exclude <spec>', L('addresses never to contact (repeatable)', 'adresses à ne jamais contacter (répétable)'), collect)
    .option('--ports <list>', L('TCP ports to probe, replacing the profile list (e.g. 22,80,443,8000-8100)', 'ports TCP à sonder, à la place de la liste du profil (ex. 22,80,443,8000-8100)'), parsePorts)
    .option('--profile <id|file>', L('hardening profile', 'profil de durcissement'), 'anssi-base')
    .addOption(new Option('--mode <mode>', L('passive (banners only), safe (default) or credentials (default-credential tests, announced)', 'passive (bannières), safe (défaut) ou credentials (tests d’identifiants par défaut, annoncés)')).choices([...MODES]).default('safe'))
    .option('-o, --out <dir>', L('output directory', 'répertoire de sortie'), 'vigie-results')
    .option('--format <list>', L('output formats: json, md', 'formats de sortie : json, md'), 'json,md')
    .addOption(new Option('--fail-on <severity>', L('exit 1 when a finding is at or above this severity', 'code 1 si un constat atteint cette sévérité')).choices([...SEVERITIES]))
    .option('--per-host <n>', L('concurrent connections per device (default 2)', 'connexions simultanées par équipement (défaut 2)'), positiveInt('--per-host'))
    .option('--ca <file>', L('PEM file of the CA certificates your clients trust (site PKI): TLS chains reaching them are trusted', 'fichier PEM des certificats d’AC auxquels vos clients font confiance (IGC du site) : les chaînes TLS qui y mènent sont reconnues'))
    .option('--interface <name|address>', L('also send one multicast WS-Discovery Probe (239.255.255.250, TTL 1) on this local interface; answers from inside the scope become hosts (default: unicast Probe to each target only)', 'envoyer aussi une sonde WS-Discovery multicast (239.255.255.250, TTL 1) sur cette interface locale ; les réponses venant du périmètre deviennent des équipements (par défaut : sonde unicast vers chaque cible seulement)'))
    .option('--credentials <file>', L('your own credentials to verify (YAML: id, user, password or passwordEnv, protocols); tried in modes safe and credentials', 'vos propres identifiants à vérifier (YAML : id, user, password ou passwordEnv, protocols) ; essayés en modes safe et credentials'))
    .option('--max-hosts <n>', L('refuse more target addresses than this (default 65536)', 'refuser plus d’adresses cibles que cela (défaut 65536)'), positiveInt('--max-hosts'));
  commonOutputOptions(scan);
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
  scan.action(async (targets: string[], opts: ScanCliOptions) => {
    process.exitCode = await runScanCommand(targets, opts);
  });

  const demo = program
    .command('demo')
    .description(L('start a simulated site on loopback (127.42.x.y), audit it, write the report, stop the site', 'démarrer un site simulé sur la boucle locale (127.42.x.y), l’auditer, écrire le rapport, arrêter le site'))
    .option('-o, --out <dir>', L('output directory', 'répertoire de sortie'), 'vigie-demo')
    .option('--format <list>', L('output formats: json, md', 'formats de sortie : json, md'), 'json,md')
    .addOption(new Option('--mode <mode>', L('scan mode (the simulated site is ours: default credentials are tried)', 'mode de scan (le site simulé est à nous : les identifiants par défaut sont essayés)')).choices([...MODES]).default('credentials'));
  commonOutputOptions(demo);
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
