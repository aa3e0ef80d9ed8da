/**
 * The commands of the catalogue and of offline evaluation: `vigie checks`,
 * `vigie checks show ID`, `vigie profiles`, `vigie profiles show ID`,
 * `vigie evaluate result.json`. Logic in catalogue.ts and evaluate.ts.
 */
import { Option, type Command } from 'commander';
import { SEVERITIES } from '../core/model.ts';
import { parseLang, type Lang } from '../../reports/i18n.ts';
import { checkDetail, checksTable, profileDetail, profilesTable, type CatalogueCliOptions } from './catalogue.ts';
import { parseDay, runEvaluateCommand, type EvaluateCliOptions } from './evaluate.ts';

interface Helpers {
  L: (en: string, fr: string) => string;
  lang: Lang;
}

function langOption(L: Helpers['L']): Option {
  return new Option('--lang <lang>', L('language: en or fr (default: from the locale)', 'langue : en ou fr (par défaut : selon la locale)')).argParser(parseLang);
}

export function addProfileCommands(program: Command, h: Helpers): void {
  const { L } = h;
  const print = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };

  const checks = program
    .command('checks')
    .description(L('list the check catalogue: id, severity, device classes, references', 'lister le catalogue des contrôles : id, sévérité, classes d’équipements, références'))
    .option('--profile <id|file>', L('show severities and classes under this profile', 'afficher sévérités et classes selon ce profil'), 'anssi-base')
    .option('--json', L('JSON instead of a table', 'JSON au lieu d’un tableau'))
    .addOption(langOption(L));
  checks.addHelpText(
    'after',
    L(
      `
Examples:
  vigie checks                                 the catalogue under anssi-base
  vigie checks --profile nis2                  severities as the NIS2 profile sets them
  vigie checks show firmware.known-vulnerable  one check in full (text, references, parameters)
  vigie checks show proto.telnet-enabled --lang fr`,
      `
Exemples :
  vigie checks                                 le catalogue selon anssi-base
  vigie checks --profile nis2                  les sévérités du profil NIS2
  vigie checks show firmware.known-vulnerable  un contrôle en entier (textes, références, paramètres)
  vigie checks show proto.telnet-enabled --lang fr`,
    ),
  );
  checks.action((opts: CatalogueCliOptions) => print(checksTable({ ...opts, lang: opts.lang ?? h.lang })));
  checks
    .command('show')
    .description(L('one check in full: text in French and English, references, profile parameters, severity per profile', 'un contrôle en entier : textes en français et en anglais, références, paramètres de profil, sévérité par profil'))
    .argument('<id>', L('a check id (e.g. proto.telnet-enabled)', 'un identifiant de contrôle (ex. proto.telnet-enabled)'))
    .addOption(langOption(L))
    // The parent also declares --lang and commander gives it the option wherever it is written: read both.
    .action((id: string, opts: CatalogueCliOptions) => print(checkDetail(id, { ...opts, lang: opts.lang ?? (checks.opts() as CatalogueCliOptions).lang ?? h.lang })));

  const profiles = program
    .command('profiles')
    .description(L('list the hardening profiles of profiles/', 'lister les profils de durcissement de profiles/'))
    .addOption(langOption(L));
  profiles.addHelpText(
    'after',
    L(
      `
Examples:
  vigie profiles                               anssi-base, anssi-commissioning, nis2 …
  vigie profiles show nis2                     the profile after extends, as YAML
  vigie profiles show ./site-profile.yaml      check your own profile (errors give file:line:column)`,
      `
Exemples :
  vigie profiles                               anssi-base, anssi-commissioning, nis2 …
  vigie profiles show nis2                     le profil après extends, en YAML
  vigie profiles show ./profil-site.yaml       vérifier votre propre profil (erreurs en fichier:ligne:colonne)`,
    ),
  );
  profiles.action((opts: CatalogueCliOptions) => print(profilesTable({ ...opts, lang: opts.lang ?? h.lang })));
  profiles
    .command('show')
    .description(L('a profile resolved after extends, as YAML (every check with its severity, classes and parameters)', 'un profil résolu après extends, en YAML (chaque contrôle avec sa sévérité, ses classes et ses paramètres)'))
    .argument('<id|file>', L('a profile id or a YAML file', 'un identifiant de profil ou un fichier YAML'))
    .option('--json', L('JSON instead of YAML', 'JSON au lieu de YAML'))
    .action((id: string, opts: CatalogueCliOptions) => print(profileDetail(id, opts)));

  const evaluate = program
    .command('evaluate')
    .description(
      L(
        'judge the facts of a saved result.json again, offline, under another profile and the site file’s waivers; no packet is sent',
        'rejuger hors ligne les faits d’un result.json enregistré, selon un autre profil et les dérogations du fichier de site ; aucun paquet n’est envoyé',
      ),
    )
    .argument('<result.json>', L('a result written by vigie', 'un résultat écrit par vigie'))
    .option('--profile <id|file>', L('the profile to judge with (default: the scan’s)', 'le profil de jugement (défaut : celui du scan)'))
    .option('--site <file>', L('site file whose waivers apply (vigie.site.yaml)', 'fichier de site dont les dérogations s’appliquent (vigie.site.yaml)'))
    .option('--as-of <date>', L('judge waiver expiry on this day (YYYY-MM-DD; default: the scan’s day)', 'apprécier l’échéance des dérogations à cette date (AAAA-MM-JJ ; défaut : le jour du scan)'), parseDay)
    .option('-o, --out <dir>', L('output directory', 'répertoire de sortie'), 'vigie-evaluated')
    .option('--format <list>', L('output formats: json, md, html, csv (the plan)', 'formats de sortie : json, md, html, csv (le plan)'), 'json,md')
    .addOption(new Option('--fail-on <severity>', L('exit 1 when an open finding is at or above this severity', 'code 1 si un constat ouvert atteint cette sévérité')).choices([...SEVERITIES]))
    .addOption(langOption(L))
    .option('-q, --quiet', L('print nothing', 'ne rien afficher'))
    .option('--debug', L('print stack traces on errors', 'afficher les piles d’appel en cas d’erreur'));
  evaluate.addHelpText(
    'after',
    L(
      `
Examples:
  vigie evaluate vigie-results/result.json --profile nis2 --out audit-nis2
  vigie evaluate vigie-results/result.json --profile anssi-commissioning --site vigie.site.yaml
  vigie evaluate vigie-results/result.json --site vigie.site.yaml --as-of 2026-12-31   which waivers will have expired

The same facts and profile always give the same findings. Advisories (profiles/advisories/) are read
as they are today: an old scan re-evaluated later may show firmware advisories published since.`,
      `
Exemples :
  vigie evaluate vigie-results/result.json --profile nis2 --out audit-nis2
  vigie evaluate vigie-results/result.json --profile anssi-commissioning --site vigie.site.yaml
  vigie evaluate vigie-results/result.json --site vigie.site.yaml --as-of 2026-12-31   quelles dérogations auront expiré

Les mêmes faits et le même profil donnent toujours les mêmes constats. Les avis (profiles/advisories/) sont lus
tels qu’ils sont aujourd’hui : un ancien scan réévalué plus tard peut montrer des avis publiés depuis.`,
    ),
  );
  evaluate.action(async (file: string, opts: EvaluateCliOptions) => {
    process.exitCode = await runEvaluateCommand(file, opts);
  });
}
