/**
 * Markdown report, rendered from the canonical result only. Everything a
 * device said is escaped: it may hold `|`, backticks, HTML or escape codes.
 */
import type { Finding, Result, Severity } from '../src/core/model.ts';
import { SEVERITIES } from '../src/core/model.ts';
import { deviceCount, formatMinutes, phaseLabel, severityLabel, stepVendorLabel, t, verdictLabel, type Lang } from './i18n.ts';
import { actionsByPhase, checkTitles, countBySeverity, openFindings } from './view.ts';
import { manualMarkdown, scoreMarkdown } from './score.ts';
import { waiversMarkdown } from './waivers.ts';

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

function hostLabel(result: Result, address: string): string {
  const name = result.hosts.find((h) => h.address === address)?.name;
  return `${mdText(address)}${name ? ` (${mdText(name)})` : ''}`;
}

/** Counts, the plan in one paragraph, the verdicts in one line, the most urgent actions. */
function executiveSummary(result: Result, lang: Lang): string[] {
  const open = openFindings(result);
  const counts = countBySeverity(open);
  const out = [`## ${t('executiveSummary', lang)}`, ''];
  out.push(`- ${t('devices', lang)}: **${result.hosts.length}**`);
  out.push(`- ${t('openFindings', lang)}: **${open.filter((f) => f.severity !== 'info').length}** — ${SEVERITIES.filter((x) => x !== 'info').map((x) => `${severityLabel(x, lang)} ${counts[x]}`).join(', ')}`);
  const plan = result.plan;
  if (plan) {
    const phases = actionsByPhase(plan)
      .map(([p, list]) => `${phaseLabel(p, lang)} ${list.length} (${formatMinutes(list.reduce((m, a) => m + a.effort.totalMinutes, 0), lang)})`)
      .join(', ');
    out.push(`- ${t('plan', lang)}: **${plan.actions.length}** ${t('actions', lang).toLowerCase()} — ${phases}`);
  }
  const v = plan?.verdicts;
  if (v) {
    const passing = v.devices.filter((d) => d.verdict === 'pass').length;
    out.push(`- ${t('verdicts', lang)} (${mdText(v.profile)} v${v.profileVersion}, ${t('failAt', lang).toLowerCase()} ${severityLabel(v.failAt, lang)}): **${passing}/${v.devices.length}** ${verdictLabel('pass', lang)}`);
  }
  const urgent = (plan?.actions ?? []).filter((a) => a.phase === 'immediate').slice(0, 3);
  if (urgent.length) {
    out.push(`- ${t('immediateActions', lang)}:`);
    for (const a of urgent) out.push(`  1. ${mdText(a.title[lang])} — ${deviceCount(a.devices.length, lang)}`);
  }
  out.push('');
  return out;
}

function verdictSection(result: Result, lang: Lang): string[] {
  const v = result.plan?.verdicts;
  if (!v) return [];
  const titles = checkTitles(result);
  const out = [`## ${t('verdicts', lang)}`, '', t('verdictIntro', lang), ''];
  out.push(`- **${t('profile', lang)}**: ${mdText(v.profile)} v${v.profileVersion} — **${t('failAt', lang)}**: ${severityLabel(v.failAt, lang)}`, '');
  out.push(
    table(
      [t('device', lang), t('verdict', lang), t('failingChecks', lang), t('notConcluded', lang)],
      v.devices.map((d) => [
        hostLabel(result, d.host),
        `**${verdictLabel(d.verdict, lang)}**`,
        d.failing.map((f) => `${mdText(titles.get(f.check)?.[lang] ?? f.check)} (${severityLabel(f.severity, lang)})`).join('; '),
        d.notEvaluated.map((n) => `\`${mdText(n.check)}\`${n.port !== undefined ? ` ${n.port}` : ''}: ${mdText(n.reason)}`).join('; '),
      ]),
    ),
    '',
  );
  return out;
}

/** The plan by phase, as task lists a technician can tick, then the validation block. */
function planSection(result: Result, lang: Lang): string[] {
  const plan = result.plan;
  if (!plan) return [];
  const out = [`## ${t('plan', lang)}`, '', t('planIntro', lang), ''];
  if (!plan.actions.length) out.push(t('noAction', lang), '');
  for (const [phase, list] of actionsByPhase(plan)) {
    if (!list.length) continue;
    out.push(`### ${phaseLabel(phase, lang)}`, '');
    for (const a of list) {
      out.push(`- [ ] **${mdText(a.title[lang])}** — ${deviceCount(a.devices.length, lang)} (\`${mdText(a.id)}\`)`);
      out.push(`  - ${severityLabel(a.severity, lang)} — ${t('why', lang)}: ${mdText(a.reason[lang])}`);
      out.push(`  - ${t('effort', lang)}: ${formatMinutes(a.effort.totalMinutes, lang)} (${formatMinutes(a.effort.minutesPerDevice, lang)} ${t('perDevice', lang)} + ${formatMinutes(a.effort.fixedMinutes, lang)} ${t('fixed', lang)})`);
      out.push(`  - ${t('devices', lang)}: ${a.devices.map((d) => hostLabel(result, d.host)).join(', ')}`);
      for (const step of a.steps) {
        const who = step.vendor === 'generic' ? '' : ` (${step.hosts.map(mdText).join(', ')})`;
        out.push(`  - ${t('how', lang)} — ${mdText(stepVendorLabel(step.vendor, lang))}${who}: ${mdText(step.text[lang])}${step.source ? ` — _${t('source', lang)}: ${mdText(step.source)}_` : ''}`);
      }
      out.push(`  - ${t('findingsClosed', lang)}: ${a.findings.map(mdText).join(', ')}`);
    }
    out.push('');
  }
  if (plan.waived.length) {
    out.push(`### ${t('waived', lang)}`, '');
    out.push(table([t('check', lang), t('host', lang), t('severity', lang)], plan.waived.map((w) => [`\`${mdText(w.check)}\``, hostLabel(result, w.host), severityLabel(w.severity, lang)])), '');
  }
  const val = plan.validation;
  out.push(`### ${t('validation', lang)}`, '', t('validationIntro', lang), '');
  out.push(
    table(
      [t('client', lang), t('approver', lang), t('date', lang), t('signature', lang)],
      [[mdText(val.client) || ' ', mdText(val.approver) || ' ', mdText(val.date) || ' ', mdText(val.signature) || ' ']],
    ),
    '',
  );
  return out;
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
  out.push(...executiveSummary(result, lang));
  out.push(...scoreMarkdown(result, lang));
  out.push(...verdictSection(result, lang));
  out.push(...planSection(result, lang));
  out.push(...manualMarkdown(result, lang));
  out.push(...waiversMarkdown(result, lang));

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
