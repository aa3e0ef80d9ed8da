/**
 * The waivers of a result, as the Markdown report shows them: every finding a
 * site-file waiver names, active (waived, not counted) or expired (open again,
 * and said so), with who approved it, why, and until when.
 */
import type { Result } from '../src/core/model.ts';
import type { Lang } from './i18n.ts';
import { mdText } from './markdown.ts';

const W = {
  title: { en: 'Waivers', fr: 'Dérogations' },
  intro: {
    en: 'Findings the client accepted in the site file. An active waiver keeps the finding out of the counts and the plan; an expired one no longer does.',
    fr: 'Constats acceptés par le client dans le fichier de site. Une dérogation active retire le constat des décomptes et du plan ; une dérogation expirée ne le fait plus.',
  },
  head: {
    en: ['state', 'check', 'device', 'waiver', 'approver', 'expires', 'justification'],
    fr: ['état', 'contrôle', 'équipement', 'dérogation', 'approbateur', 'échéance', 'justification'],
  },
  active: { en: 'active', fr: 'active' },
  expired: { en: '**EXPIRED** — open again', fr: '**EXPIRÉE** — de nouveau ouvert' },
  asOf: { en: 'judged as of', fr: 'appréciées au' },
} as const;

export function waiversMarkdown(result: Result, lang: Lang): string[] {
  const covered = result.findings.filter((f) => f.waiver);
  if (!covered.length) return [];
  const rows = covered.map((f) => {
    const w = f.waiver!;
    const host = result.hosts.find((h) => h.address === f.host);
    const device = `${f.host}${host?.name ? ` (${host.name})` : ''}${f.port !== undefined ? ` ${f.port}/${f.proto ?? 'tcp'}` : ''}`;
    return [w.state === 'active' ? W.active[lang] : W.expired[lang], `\`${mdText(f.check)}\``, mdText(device), mdText([w.id, w.selector].filter(Boolean).join(' — ')), mdText(w.approver), mdText(w.expires), mdText(w.justification)];
  });
  const head = W.head[lang];
  return [
    `## ${W.title[lang]}`,
    '',
    `${W.intro[lang]} (${W.asOf[lang]} ${mdText(covered[0]!.waiver!.asOf)})`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ];
}
