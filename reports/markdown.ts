/**
 * Markdown report, rendered from the canonical result only. Everything a
 * device said is escaped: it may hold `|`, backticks, HTML or escape codes.
 */
import type { Finding, Result, Severity } from '../src/core/model.ts';
import { SEVERITIES } from '../src/core/model.ts';
import { severityLabel, t, type Lang } from './i18n.ts';

/** Escape text for a Markdown table cell or inline position. */
export function mdText(value: unknown): string {
  return String(value ?? '')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\r?\n/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/([|`*_[\]#])/g, '\\$1')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A fenced block that no content can close early. */
export function mdFence(content: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${content.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')}\n${fence}`;
}

export function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (f.check !== 'inventory.device' && f.status === 'open') counts[f.severity]++;
  return counts;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export interface MarkdownOptions {
  /** `--show-secrets`: the password behind a finding, for the local report only. */
  secretOf?: (f: Finding) => string | undefined;
}

export function renderMarkdown(result: Result, lang: Lang, opts: MarkdownOptions = {}): string {
  const out: string[] = [];
  const s = result.scan;
  out.push(`# ${t('reportTitle', lang)}`, '');
  if (s.partial) out.push(`> **${t('partial', lang)}**`, '');
  const seconds = ((Date.parse(s.finished) - Date.parse(s.started)) / 1000).toFixed(1);
  out.push(
    `- **${t('started', lang)}**: ${s.started} — **${t('duration', lang)}**: ${seconds} s (${s.stats.connections} ${t('connections', lang)})`,
    `- **${t('mode', lang)}**: ${mdText(s.mode)} — **${t('profile', lang)}**: ${mdText(s.profile)}`,
    `- **${t('scope', lang)}**: ${mdText(s.scope.include.join(', '))}${s.scope.exclude.length ? ` (− ${mdText(s.scope.exclude.join(', '))})` : ''}`,
    `- **${t('targets', lang)}**: ${mdText(s.targets.join(', '))}`,
    `- vigie ${mdText(s.vigieVersion)} — ${mdText(s.id)}`,
    '',
  );

  const findings = result.findings.filter((f) => f.check !== 'inventory.device');
  const counts = severityCounts(findings);
  out.push(`## ${t('summary', lang)}`, '');
  out.push(`- ${t('devices', lang)}: **${result.hosts.length}**`);
  out.push(`- ${t('findings', lang)}: **${findings.length}** — ${SEVERITIES.filter((x) => x !== 'info').map((x) => `${severityLabel(x, lang)} ${counts[x]}`).join(', ')}`, '');

  out.push(`## ${t('inventory', lang)}`, '');
  out.push(
    table(
      [t('address', lang), t('name', lang), t('class', lang), t('vendor', lang), t('model', lang), t('firmware', lang), t('services', lang)],
      result.hosts.map((h) => [
        mdText(h.address) + (h.incomplete ? ` (${t('incomplete', lang)})` : ''),
        mdText(h.name ?? ''),
        mdText(h.class),
        mdText(h.vendor ?? ''),
        mdText(h.model ?? ''),
        mdText(h.firmware ?? ''),
        mdText(h.services.map((x) => `${x.port}/${x.proto} ${x.kind}`).join(', ') || t('none', lang)),
      ]),
    ),
    '',
  );

  out.push(`## ${t('findingsPerDevice', lang)}`, '');
  if (!findings.length) out.push(t('noFindings', lang), '');
  for (const host of result.hosts) {
    const mine = findings.filter((f) => f.host === host.address);
    if (!mine.length) continue;
    out.push(`### ${mdText(host.address)}${host.name ? ` — ${mdText(host.name)}` : ''} (${mdText(host.class)})`, '');
    for (const f of mine) {
      const where = f.port !== undefined ? ` — ${f.port}/${f.proto ?? 'tcp'}` : '';
      out.push(`#### [${severityLabel(f.severity, lang)}] ${mdText(f.title[lang])}${where}`, '');
      out.push(`- **${t('check', lang)}**: \`${f.check}\``);
      if (f.detail) out.push(`- **${t('detail', lang)}**: ${mdText(f.detail)}`);
      const secret = opts.secretOf?.(f);
      if (secret !== undefined) out.push(`- **${t('password', lang)}** (--show-secrets): \`${secret.replace(/`/g, "'")}\``);
      out.push(`- **${t('remediation', lang)}**: ${mdText(f.remediation[lang])}`);
      if (f.references.length) out.push(`- **${t('references', lang)}**: ${f.references.map((r) => mdText(r.id)).join('; ')}`);
      if (f.evidence && (f.evidence.sent || f.evidence.received || f.evidence.note)) {
        const lines = [
          f.evidence.note ? `# ${f.evidence.note}` : '',
          f.evidence.sent ? `>> ${t('sent', lang)}:\n${f.evidence.sent}` : '',
          f.evidence.received ? `<< ${t('received', lang)}:\n${f.evidence.received}` : '',
        ].filter(Boolean);
        out.push(`- **${t('evidence', lang)}**:`, '', mdFence(lines.join('\n')));
      }
      out.push('');
    }
  }

  if (result.notEvaluated.length) {
    out.push(`## ${t('notEvaluated', lang)}`, '');
    out.push(
      table(
        [t('check', lang), t('host', lang), t('port', lang), t('reason', lang)],
        result.notEvaluated.map((n) => [`\`${n.check}\``, mdText(n.host), n.port !== undefined ? String(n.port) : '', mdText(n.reason)]),
      ),
      '',
    );
  }
  if (result.errors.length) {
    out.push(`## ${t('errors', lang)}`, '');
    out.push(
      table(
        [t('host', lang), t('port', lang), t('scanner', lang), t('message', lang)],
        result.errors.map((e) => [mdText(e.host ?? ''), e.port !== undefined ? String(e.port) : '', mdText(e.scanner), mdText(e.message)]),
      ),
      '',
    );
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
