/**
 * The commissioning hand-over record (`handover.md`), ready to sign: site,
 * devices with serial numbers and firmware, verdicts, profile and version,
 * date, operator, and the SHA-256 of the result file it summarises (anyone can
 * recompute it: `sha256sum result.json`). Rendered from the canonical result.
 */
import type { Result } from '../src/core/model.ts';
import { mdText } from './markdown.ts';
import { classLabel, severityLabel, t, verdictLabel, type Lang } from './i18n.ts';
import { checkTitles, serialOf } from './view.ts';

export interface HandoverInfo {
  /** Site name (`--site`), else the scope. */
  site: string;
  operator: string;
  /** Hex SHA-256 of the result file, and its name. */
  resultSha256: string;
  resultFile: string;
}

const W = {
  title: { en: 'Commissioning hand-over record', fr: 'Procès-verbal de mise en service' },
  site: { en: 'Site', fr: 'Site' },
  date: { en: 'Date of the verification', fr: 'Date de la vérification' },
  operator: { en: 'Operator', fr: 'Opérateur' },
  result: { en: 'Result file', fr: 'Fichier de résultat' },
  outcome: { en: 'Outcome', fr: 'Conclusion' },
  allPass: { en: 'every device passes: the installation may be handed over', fr: 'tous les équipements sont conformes : l’installation peut être réceptionnée' },
  notAll: { en: 'some devices do not pass: hand-over with reservations, or after correction and a new verification', fr: 'des équipements ne sont pas conformes : réception avec réserves, ou après correction et nouvelle vérification' },
  rule: {
    en: 'No device goes into service with its factory configuration. A device fails on an open finding at or above the threshold; INCOMPLETE (a required check could not conclude, or the device did not answer) is not a pass.',
    fr: 'Aucun équipement n’est mis en service avec sa configuration d’usine. Un équipement échoue sur un constat ouvert au moins égal au seuil ; INCOMPLET (un contrôle requis n’a pas pu conclure, ou l’équipement n’a pas répondu) ne vaut pas conformité.',
  },
  details: { en: 'Details of the devices that do not pass', fr: 'Détail des équipements non conformes' },
  reservations: { en: 'Reservations and remarks', fr: 'Réserves et remarques' },
  signatures: { en: 'Signatures', fr: 'Signatures' },
  role: { en: 'Role', fr: 'Rôle' },
  installer: { en: 'Installer (operator of the verification)', fr: 'Installateur (opérateur de la vérification)' },
  clientRep: { en: 'Client representative', fr: 'Représentant du client' },
  integrity: {
    en: 'The SHA-256 above identifies the result this record summarises: recompute it with `sha256sum` to check that the file was not changed.',
    fr: 'Le SHA-256 ci-dessus identifie le résultat que ce procès-verbal résume : le recalculer avec `sha256sum` pour vérifier que le fichier n’a pas été modifié.',
  },
} satisfies Record<string, Record<Lang, string>>;

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderHandover(result: Result, lang: Lang, info: HandoverInfo): string {
  const v = result.plan?.verdicts;
  if (!v) throw new Error('the result has no commissioning verdicts (scan with a profile that has a commissioning section)');
  const w = (k: keyof typeof W) => W[k][lang];
  const titles = checkTitles(result);
  const passing = v.devices.filter((d) => d.verdict === 'pass').length;
  const out: string[] = [`# ${w('title')} — ${mdText(info.site)}`, ''];
  out.push(
    '| | |',
    '|---|---|',
    row([w('site'), mdText(info.site)]),
    row([w('date'), mdText(result.scan.finished)]),
    row([w('operator'), mdText(info.operator)]),
    row([t('profile', lang), `${mdText(v.profile)} v${v.profileVersion} — ${t('failAt', lang)} ${severityLabel(v.failAt, lang)}`]),
    row([t('scope', lang), mdText(result.scan.scope.include.join(', '))]),
    row([w('result'), `${mdText(info.resultFile)} — SHA-256 \`${info.resultSha256}\``]),
    row(['vigie', `${mdText(result.scan.vigieVersion)} — ${mdText(result.scan.id)}${result.scan.partial ? ` — ${t('partial', lang)}` : ''}`]),
    '',
    w('integrity'),
    '',
    `## ${w('outcome')}${lang === 'fr' ? ' :' : ':'} ${passing}/${v.devices.length} ${verdictLabel('pass', lang)} — ${v.pass ? w('allPass') : w('notAll')}`,
    '',
    w('rule'),
    '',
  );
  out.push(
    row([t('address', lang), t('name', lang), t('class', lang), t('vendor', lang), t('model', lang), t('serial', lang), t('firmware', lang), t('verdict', lang)]),
    `|${Array(8).fill('---').join('|')}|`,
  );
  for (const d of v.devices) {
    const h = result.hosts.find((x) => x.address === d.host);
    out.push(
      row([
        mdText(d.host),
        mdText(d.name ?? h?.name ?? ''),
        h ? classLabel(h.class, lang) : '',
        mdText(h?.vendor ?? ''),
        mdText(h?.model ?? ''),
        mdText(serialOf(result, d.host) ?? t('unknownValue', lang)),
        mdText(h?.firmware ?? t('unknownValue', lang)),
        `**${verdictLabel(d.verdict, lang)}**`,
      ]),
    );
  }
  out.push('');
  const notPassing = v.devices.filter((d) => d.verdict !== 'pass');
  if (notPassing.length) {
    out.push(`## ${w('details')}`, '');
    for (const d of notPassing) {
      out.push(`### ${mdText(d.host)}${d.name ? ` — ${mdText(d.name)}` : ''}: ${verdictLabel(d.verdict, lang)}`, '');
      for (const f of d.failing) out.push(`- [${severityLabel(f.severity, lang)}] ${mdText(titles.get(f.check)?.[lang] ?? f.check)} — ${mdText(f.key)}`);
      for (const n of d.notEvaluated) out.push(`- ${t('notConcluded', lang)}: ${mdText(n.check)}${n.port !== undefined ? ` (${n.port})` : ''} — ${mdText(n.reason)}`);
      out.push('');
    }
  }
  out.push(`## ${w('reservations')}`, '', '&nbsp;', '', '&nbsp;', '', '&nbsp;', '');
  out.push(`## ${w('signatures')}`, '', row([w('role'), t('name', lang), t('date', lang), t('signature', lang)]), '|---|---|---|---|');
  out.push(row([w('installer'), mdText(info.operator), ' ', ' ']), row([w('clientRep'), ' ', ' ', ' ']), '');
  return `${out.join('\n')}\n`;
}
