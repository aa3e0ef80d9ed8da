/**
 * The hardening score and the manual checklist in the reports (Markdown and
 * HTML), rendered from the canonical result only: `result.score` and
 * `result.manual`. The words are here, in both languages, so that the two
 * formats say the same thing.
 */
import type { DeviceScore, GradeOrIncomplete, GroupScore, ManualStatus, Result } from '../src/core/model.ts';
import { MANUAL_STATUSES } from '../src/core/model.ts';
import { classLabel, type Lang } from './i18n.ts';
import { mdText } from './markdown.ts';
import { html, type SafeHtml } from './escape.ts';

const WORDS = {
  score: { en: 'Hardening score', fr: 'Note de durcissement' },
  scoreIntro: {
    en: 'A score from 0 to 100 and a letter A–F per device, from the open findings under the profile (docs/scoring.md). Caps hold a device at a letter whatever else it does well; a grade is withheld ("incomplete") when a check the profile requires could not run. Waived findings and manual requirements never count.',
    fr: 'Une note de 0 à 100 et une lettre A–F par équipement, calculées à partir des constats ouverts selon le profil (docs/scoring.md). Des plafonds limitent un équipement à une lettre quoi qu’il fasse bien par ailleurs ; la note est suspendue (« incomplète ») lorsqu’un contrôle exigé par le profil n’a pas pu s’exécuter. Les dérogations et les exigences manuelles ne comptent jamais.',
  },
  site: { en: 'Site', fr: 'Site' },
  siteGrade: { en: 'Site grade', fr: 'Note du site' },
  byClass: { en: 'By device class', fr: 'Par classe d’équipement' },
  byDevice: { en: 'By device', fr: 'Par équipement' },
  device: { en: 'Device', fr: 'Équipement' },
  cls: { en: 'Class', fr: 'Classe' },
  devices: { en: 'Devices', fr: 'Équipements' },
  scoreCol: { en: 'Score', fr: 'Note' },
  grade: { en: 'Grade', fr: 'Lettre' },
  caps: { en: 'Caps and reasons', fr: 'Plafonds et raisons' },
  pointsOff: { en: 'Points off', fr: 'Points retirés' },
  incomplete: { en: 'incomplete', fr: 'incomplète' },
  atBest: { en: 'at best', fr: 'au mieux' },
  none: { en: 'none', fr: 'aucun' },
  trend: { en: 'Site score over time', fr: 'Évolution de la note du site' },
  manual: { en: 'Manual requirements (checked on site)', fr: 'Exigences manuelles (vérifiées sur site)' },
  manualIntro: {
    en: 'What no network scan can test. The technician sets each status in the site file (vigie.site.yaml, section manual:). These items count in the compliance view, never in the hardening score.',
    fr: 'Ce qu’aucun scan réseau ne peut tester. Le technicien renseigne chaque statut dans le fichier du site (vigie.site.yaml, section manual:). Ces points comptent dans la vue de conformité, jamais dans la note de durcissement.',
  },
  requirement: { en: 'Requirement', fr: 'Exigence' },
  status: { en: 'Status', fr: 'Statut' },
  comment: { en: 'Comment', fr: 'Commentaire' },
  date: { en: 'Date', fr: 'Date' },
  references: { en: 'References', fr: 'Références' },
  manualCompliance: { en: 'Manual compliance', fr: 'Conformité manuelle' },
  statusesFrom: { en: 'statuses from', fr: 'statuts issus de' },
  noSiteFile: { en: 'no site file: every requirement is not assessed', fr: 'pas de fichier du site : aucune exigence n’est évaluée' },
  unmatched: { en: 'answers in the site file for requirements this profile does not have', fr: 'réponses du fichier du site à des exigences que ce profil n’a pas' },
} satisfies Record<string, Record<Lang, string>>;

function w(word: keyof typeof WORDS, lang: Lang): string {
  return WORDS[word][lang];
}

const STATUS: Record<Lang, Record<ManualStatus, string>> = {
  en: { 'not-assessed': 'not assessed', compliant: 'compliant', 'not-compliant': 'not compliant', 'not-applicable': 'not applicable' },
  fr: { 'not-assessed': 'non évaluée', compliant: 'conforme', 'not-compliant': 'non conforme', 'not-applicable': 'sans objet' },
};

export function manualStatusLabel(s: ManualStatus, lang: Lang): string {
  return STATUS[lang][s];
}

/** "B (84)", "F (34)", "incomplete — at best A (94)". */
export function gradeText(g: { grade: GradeOrIncomplete; score?: number | undefined; best?: { score: number; grade: string } | undefined }, lang: Lang): string {
  if (g.grade === 'incomplete') return `${w('incomplete', lang)}${g.best ? ` — ${w('atBest', lang)} ${g.best.grade} (${g.best.score})` : ''}`;
  return `${g.grade} (${g.score})`;
}

function hostLabel(result: Result, d: DeviceScore): string {
  return `${d.host}${d.name ? ` (${d.name})` : ''}`;
}

function deductionsText(d: DeviceScore): string {
  return d.deductions.map((x) => `${x.check} −${x.points}`).join(', ');
}

// ——— Markdown ———

function mdTable(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function scoreMarkdown(result: Result, lang: Lang): string[] {
  const s = result.score;
  if (!s) return [];
  const out = [`## ${w('score', lang)}`, '', w('scoreIntro', lang), ''];
  out.push(`- **${w('siteGrade', lang)}**: **${mdText(gradeText(s.site, lang))}**`);
  for (const r of s.site.reasons) out.push(`  - ${mdText(r[lang])}`);
  out.push('');
  out.push(`### ${w('byClass', lang)}`, '');
  out.push(
    mdTable(
      [w('cls', lang), w('devices', lang), w('grade', lang), w('caps', lang)],
      s.classes.map((c) => [mdText(classLabel(c.class, lang)), String(c.devices), `**${mdText(gradeText(c, lang))}**`, mdText(c.reasons.map((r) => r[lang]).join(' · '))]),
    ),
    '',
  );
  out.push(`### ${w('byDevice', lang)}`, '');
  out.push(
    mdTable(
      [w('device', lang), w('cls', lang), w('scoreCol', lang), w('grade', lang), w('pointsOff', lang), w('caps', lang)],
      s.devices.map((d) => [
        mdText(hostLabel(result, d)),
        mdText(classLabel(d.class, lang)),
        d.score !== undefined ? String(d.score) : '—',
        `**${mdText(gradeText(d, lang))}**`,
        mdText(deductionsText(d)) || w('none', lang),
        mdText(d.reasons.map((r) => r[lang]).join(' · ')) || '—',
      ]),
    ),
    '',
  );
  return out;
}

export function manualMarkdown(result: Result, lang: Lang): string[] {
  const m = result.manual;
  if (!m) return [];
  const out = [`## ${w('manual', lang)}`, '', w('manualIntro', lang), ''];
  const counts = MANUAL_STATUSES.map((st) => `${manualStatusLabel(st, lang)} ${m.counts[st] ?? 0}`).join(', ');
  out.push(`- **${w('manualCompliance', lang)}**: ${m.complianceRate !== undefined ? `**${m.complianceRate} %**` : '—'} (${counts}) — ${m.source ? `${w('statusesFrom', lang)} ${mdText(m.source)}` : w('noSiteFile', lang)}`);
  if (m.unmatched?.length) out.push(`- ${w('unmatched', lang)}: ${m.unmatched.map((id) => `\`${mdText(id)}\``).join(', ')}`);
  out.push('');
  out.push(
    mdTable(
      [w('requirement', lang), w('status', lang), w('comment', lang), w('date', lang), w('references', lang)],
      m.items.map((i) => [
        `${i.status === 'compliant' ? '☑' : i.status === 'not-applicable' ? '–' : '☐'} **${mdText(i.title[lang])}** (\`${mdText(i.id)}\`)${i.text ? `<br>${mdText(i.text[lang])}` : ''}`,
        `**${mdText(manualStatusLabel(i.status, lang))}**`,
        mdText(i.comment ?? '') + (i.by ? ` — ${mdText(i.by)}` : ''),
        mdText(i.date ?? ''),
        mdText(i.references.map((r) => r.id).join('; ')),
      ]),
    ),
    '',
  );
  return out;
}

// ——— HTML ———

/** CSS for the grade tiles, added to the report's style sheet (which the CSP pins by hash). */
export const SCORE_STYLE = `
.grades{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:10px;margin:12px 0}
.gtile{border:1px solid var(--line);border-radius:8px;padding:10px;background:#fff;break-inside:avoid}
.gtile .g{display:inline-block;min-width:2.2em;text-align:center;border-radius:6px;color:#fff;font-size:1.6rem;font-weight:700;padding:2px 6px;margin-right:8px}
.gtile .who{font-weight:600}.gtile ul{margin:6px 0 0 16px;padding:0;font-size:.85rem}
.gtile.site{border-width:2px}.gtile details{font-size:.85rem;margin-top:6px}
.g-A{background:#15803d}.g-B{background:#65a30d}.g-C{background:#ca8a04}.g-D{background:#ea580c}.g-E{background:#dc2626}.g-F{background:#7f1d1d}.g-incomplete{background:#6b7280}
.st-compliant{color:#15803d;font-weight:700}.st-not-compliant{color:#b91c1c;font-weight:700}.st-not-assessed{color:#b45309;font-weight:700}.st-not-applicable{color:#4b5563}
`;

function badge(g: GradeOrIncomplete, lang: Lang): SafeHtml {
  return html`<span class="g g-${g}" title="${g === 'incomplete' ? w('incomplete', lang) : g}">${g === 'incomplete' ? '?' : g}</span>`;
}

function groupTile(label: string, g: GroupScore, lang: Lang, site = false): SafeHtml {
  return html`<div class="gtile${site ? ' site' : ''}">${badge(g.grade, lang)}<span class="who">${label}</span><div>${gradeText(g, lang)}</div>${g.reasons.length ? html`<ul>${g.reasons.map((r) => html`<li>${r[lang]}</li>`)}</ul>` : ''}</div>`;
}

export interface ScoreHistoryPoint {
  date: string;
  score?: number | undefined;
  grade?: string | undefined;
}

/** The grade tiles: the site, each class, each device with its caps explained; the trend when earlier scans are given. */
export function scoreHtml(result: Result, lang: Lang, history: readonly ScoreHistoryPoint[] = []): SafeHtml | '' {
  const s = result.score;
  if (!s) return '';
  const devices = s.devices.map(
    (d) =>
      html`<div class="gtile">${badge(d.grade, lang)}<span class="who">${hostLabel(result, d)}</span><div class="muted">${classLabel(d.class, lang)} · ${gradeText(d, lang)}</div>${d.reasons.length ? html`<ul>${d.reasons.map((r) => html`<li>${r[lang]}</li>`)}</ul>` : ''}${d.deductions.length ? html`<details><summary class="muted">${w('pointsOff', lang)}: −${d.deductions.reduce((sum, x) => sum + x.points, 0)}</summary><div class="muted">${deductionsText(d)}</div></details>` : ''}</div>`,
  );
  const points = [...history.filter((p) => p.score !== undefined || p.grade), { date: result.scan.started, score: s.site.score, grade: s.site.grade }];
  const trend =
    points.length > 1
      ? html`<h3>${w('trend', lang)}</h3><table><thead><tr><th>${w('date', lang)}</th><th>${w('scoreCol', lang)}</th><th>${w('grade', lang)}</th></tr></thead><tbody>${points.map((p) => html`<tr><td>${p.date}</td><td>${p.score ?? '—'}</td><td>${p.grade ?? '—'}</td></tr>`)}</tbody></table>`
      : '';
  return html`<section id="score"><h2>${w('score', lang)}</h2><p>${w('scoreIntro', lang)}</p>
<div class="grades">${groupTile(`${w('siteGrade', lang)}`, s.site, lang, true)}${s.classes.map((c) => groupTile(`${classLabel(c.class, lang)} (${c.devices})`, c, lang))}</div>
<h3>${w('byDevice', lang)}</h3><div class="grades">${devices}</div>${trend}</section>`;
}

export function manualHtml(result: Result, lang: Lang): SafeHtml | '' {
  const m = result.manual;
  if (!m) return '';
  const counts = MANUAL_STATUSES.map((st) => `${manualStatusLabel(st, lang)} ${m.counts[st] ?? 0}`).join(', ');
  const rows = m.items.map(
    (i) =>
      html`<tr><td><strong>${i.title[lang]}</strong> <code>${i.id}</code>${i.text ? html`<div class="muted">${i.text[lang]}</div>` : ''}</td><td class="st-${i.status}">${manualStatusLabel(i.status, lang)}</td><td>${i.comment ?? ''}${i.by ? ` — ${i.by}` : ''}</td><td>${i.date ?? ''}</td><td>${i.references.map((r) => r.id).join('; ')}</td></tr>`,
  );
  return html`<section id="manual"><h2>${w('manual', lang)}</h2><p>${w('manualIntro', lang)}</p>
<p><strong>${w('manualCompliance', lang)}</strong>: ${m.complianceRate !== undefined ? `${m.complianceRate} %` : '—'} (${counts}) — ${m.source ? `${w('statusesFrom', lang)} ${m.source}` : w('noSiteFile', lang)}</p>${m.unmatched?.length ? html`<p>${w('unmatched', lang)}: ${m.unmatched.map((id, i) => html`${i ? ', ' : ''}<code>${id}</code>`)}</p>` : ''}
<table><thead><tr><th>${w('requirement', lang)}</th><th>${w('status', lang)}</th><th>${w('comment', lang)}</th><th>${w('date', lang)}</th><th>${w('references', lang)}</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
