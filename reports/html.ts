/**
 * The HTML report: ONE self-contained file rendered from the canonical result
 * only. No CDN, no font, no image, nothing fetched: it works offline and
 * prints to PDF. Every value is escaped by `html` (reports/escape.ts), and a
 * Content-Security-Policy that allows only our own inline style and print
 * script (by hash) stops anything that would slip through from running.
 */
import { createHash } from 'node:crypto';
import type { Finding, Host, PlanAction, Result, Severity } from '../src/core/model.ts';
import { SEVERITIES } from '../src/core/model.ts';
import { classLabel, deviceCount, formatMinutes, phaseLabel, severityLabel, stepVendorLabel, t, verdictLabel, type Lang } from './i18n.ts';
import { esc, html, trusted, type SafeHtml } from './escape.ts';
import { barChart, SEVERITY_COLOR, stackedBarChart, trendChart } from './charts.ts';
import { actionsByPhase, checkTitles, complianceByClass, countBySeverity, historyPoint, openFindings, serialOf, type HistoryPoint } from './view.ts';
import { manualHtml, scoreHtml, SCORE_STYLE } from './score.ts';

export interface HtmlOptions {
  /** Earlier scans of the same site, oldest first: draws the trend (the current result is added last). */
  history?: readonly HistoryPoint[];
}

const STYLE = `
:root{--fg:#111827;--muted:#4b5563;--line:#d1d5db;--bg:#f9fafb}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);margin:0 auto;max-width:1200px;padding:24px;line-height:1.45}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.25rem;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:32px}h3{font-size:1.05rem;margin:20px 0 8px}
.meta{color:var(--muted);font-size:.9rem;margin:0}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:20px 0}
.tile{border:1px solid var(--line);border-radius:8px;padding:12px;background:var(--bg)}
.tile .n{font-size:1.8rem;font-weight:700}.tile .l{color:var(--muted);font-size:.85rem}
.charts{display:flex;flex-wrap:wrap;gap:12px}
.chart{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px;background:#fff}
.chart figcaption{font-size:.85rem;color:var(--muted);text-align:center}
.chart .lbl,.chart .val,.chart .lgd{font-size:12px;fill:#111827}.chart .grid{stroke:#e5e7eb}.chart .axis{stroke:#9ca3af}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:8px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}th{background:var(--bg)}
.sev{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:.8rem;font-weight:600}
.sev-critical{background:${SEVERITY_COLOR.critical}}.sev-high{background:${SEVERITY_COLOR.high}}.sev-medium{background:${SEVERITY_COLOR.medium}}.sev-low{background:${SEVERITY_COLOR.low}}.sev-info{background:${SEVERITY_COLOR.info}}
.v-pass{color:#15803d;font-weight:700}.v-fail{color:#b91c1c;font-weight:700}.v-incomplete{color:#b45309;font-weight:700}
.action{border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:10px 0;break-inside:avoid}
.action label{font-weight:600}.action input{width:18px;height:18px;vertical-align:middle;margin-right:8px}
.action ul{margin:6px 0 0 18px;padding:0}.action .id{color:var(--muted);font-weight:400;font-size:.85rem}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace;font-size:.85rem}
pre{background:#f3f4f6;border:1px solid var(--line);border-radius:6px;padding:8px;white-space:pre-wrap;word-break:break-all;max-height:360px;overflow:auto}
details.device{border:1px solid var(--line);border-radius:8px;margin:8px 0;padding:6px 10px}
details.device summary{cursor:pointer;font-weight:600}
.finding{border-top:1px solid var(--line);padding:8px 0}
.sign td{height:56px;width:25%}
.muted{color:var(--muted)}
@media print{body{max-width:none;padding:0}.chart{break-inside:avoid}details.device{break-inside:avoid-page}pre{max-height:none;overflow:visible}}
${SCORE_STYLE}`;

/** Opens every collapsed section before printing, so the PDF holds everything. */
const PRINT_SCRIPT = `addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});`;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

function sev(s: Severity, lang: Lang): SafeHtml {
  return html`<span class="sev sev-${s}">${severityLabel(s, lang)}</span>`;
}

function hostLabel(hosts: readonly Host[], address: string): string {
  const name = hosts.find((h) => h.address === address)?.name;
  return name ? `${address} (${name})` : address;
}

function tiles(result: Result, lang: Lang): SafeHtml {
  const open = openFindings(result).filter((f) => f.severity !== 'info');
  const counts = countBySeverity(open);
  const plan = result.plan;
  const immediate = (plan?.actions ?? []).filter((a) => a.phase === 'immediate');
  const effort = (plan?.actions ?? []).reduce((m, a) => m + a.effort.totalMinutes, 0);
  const tile = (n: unknown, label: string, sub?: string) => html`<div class="tile"><div class="n">${n}</div><div class="l">${label}</div>${sub ? html`<div class="l">${sub}</div>` : ''}</div>`;
  const v = plan?.verdicts;
  return html`<section class="tiles">${[
    tile(result.hosts.length, t('devices', lang)),
    tile(open.length, t('openFindings', lang), `${severityLabel('critical', lang)} ${counts.critical} · ${severityLabel('high', lang)} ${counts.high}`),
    tile(plan?.actions.length ?? 0, t('actions', lang), `${t('immediateActions', lang)}: ${immediate.length}`),
    tile(formatMinutes(effort, lang), t('totalEffort', lang)),
    v ? tile(`${v.devices.filter((d) => d.verdict === 'pass').length}/${v.devices.length}`, t('devicesPassing', lang), `${v.profile} v${v.profileVersion}`) : '',
  ]}</section>`;
}

function charts(result: Result, lang: Lang, history: readonly HistoryPoint[]): SafeHtml {
  const open = openFindings(result).filter((f) => f.severity !== 'info');
  const counts = countBySeverity(open);
  const shown = SEVERITIES.filter((s) => s !== 'info');
  const bySeverity = barChart(
    'chart-severity',
    t('chartSeverity', lang),
    shown.map((s) => ({ label: severityLabel(s, lang), value: counts[s], color: SEVERITY_COLOR[s] })),
  );
  const classes = [...new Set(result.hosts.map((h) => h.class))];
  const byClass = stackedBarChart(
    'chart-class',
    t('chartClass', lang),
    classes.map((c) => {
      const mine = open.filter((f) => result.hosts.find((h) => h.address === f.host)?.class === c);
      const cc = countBySeverity(mine);
      return { label: classLabel(c, lang), parts: shown.map((s) => ({ key: s, value: cc[s] })) };
    }),
    shown.map((s) => ({ key: s, label: severityLabel(s, lang) })),
  );
  const compliance = complianceByClass(result);
  const byCompliance = barChart(
    'chart-compliance',
    t('chartCompliance', lang),
    compliance.map((c) => {
      const pct = c.total ? Math.round((100 * c.compliant) / c.total) : 0;
      return { label: classLabel(c.cls, lang), value: pct, color: pct === 100 ? '#15803d' : pct >= 50 ? '#d97706' : '#b91c1c', text: `${pct} % (${c.compliant}/${c.total})` };
    }),
    { max: 100, caption: t(result.plan?.verdicts ? 'complianceByVerdict' : 'complianceByFindings', lang) },
  );
  const figures = [bySeverity, byClass, byCompliance];
  if (history.length) {
    const points = [...history, historyPoint(result)];
    figures.push(
      trendChart(
        'chart-trend',
        t('chartTrend', lang),
        points.map((p) => p.date),
        shown.map((s) => ({ key: s, label: severityLabel(s, lang), values: points.map((p) => p.counts[s] ?? 0) })),
      ),
    );
  }
  return html`<section class="charts">${figures}</section>`;
}

function verdicts(result: Result, lang: Lang): SafeHtml | '' {
  const v = result.plan?.verdicts;
  if (!v) return '';
  const titles = checkTitles(result);
  const rows = v.devices.map(
    (d) => html`<tr><td>${hostLabel(result.hosts, d.host)}</td><td class="v-${d.verdict}">${verdictLabel(d.verdict, lang)}</td><td>${d.failing.map((f) => html`<div>${sev(f.severity, lang)} ${titles.get(f.check)?.[lang] ?? f.check}</div>`)}</td><td>${d.notEvaluated.map((n) => html`<div><code>${n.check}</code>${n.port !== undefined ? ` ${n.port}` : ''}: ${n.reason}</div>`)}</td></tr>`,
  );
  return html`<section id="verdicts"><h2>${t('verdicts', lang)}</h2><p>${t('verdictIntro', lang)}</p><p><strong>${t('profile', lang)}</strong>: ${v.profile} v${v.profileVersion} — <strong>${t('failAt', lang)}</strong>: ${severityLabel(v.failAt, lang)}</p><table><thead><tr><th>${t('device', lang)}</th><th>${t('verdict', lang)}</th><th>${t('failingChecks', lang)}</th><th>${t('notConcluded', lang)}</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** A step's `commands` in monospace (the text is still escaped piece by piece). */
function stepText(text: string): SafeHtml {
  const parts = text.split('`');
  if (parts.length % 2 === 0) return html`${text}`;
  return html`${parts.map((p, i) => (i % 2 ? html`<code>${p}</code>` : p))}`;
}

function action(a: PlanAction, result: Result, lang: Lang): SafeHtml {
  const steps = a.steps.map(
    (s) => html`<li><strong>${stepVendorLabel(s.vendor, lang)}</strong>${s.vendor === 'generic' ? '' : html` <span class="muted">(${s.hosts.join(', ')})</span>`}: ${stepText(s.text[lang])}${s.source ? html` <span class="muted">— ${t('source', lang)}: ${s.source}</span>` : ''}</li>`,
  );
  return html`<article class="action" id="action-${a.id}"><label><input type="checkbox" aria-label="${t('done', lang)}: ${a.title[lang]}">${a.title[lang]} — ${deviceCount(a.devices.length, lang)}</label> <span class="id">${a.id}</span>
<div>${sev(a.severity, lang)} ${t('why', lang)}: ${a.reason[lang]} · ${t('effort', lang)}: ${formatMinutes(a.effort.totalMinutes, lang)} (${formatMinutes(a.effort.minutesPerDevice, lang)} ${t('perDevice', lang)} + ${formatMinutes(a.effort.fixedMinutes, lang)} ${t('fixed', lang)})</div>
<div>${t('devices', lang)}: ${a.devices.map((d) => hostLabel(result.hosts, d.host)).join(', ')}</div>
<div>${t('how', lang)}:</div><ul>${steps}</ul>
<div class="muted">${t('findingsClosed', lang)}: ${a.findings.map((k, i) => html`${i ? ', ' : ''}<code>${k}</code>`)}</div></article>`;
}

function plan(result: Result, lang: Lang): SafeHtml | '' {
  const p = result.plan;
  if (!p) return '';
  const phases = actionsByPhase(p)
    .filter(([, list]) => list.length)
    .map(([phase, list]) => html`<h3>${phaseLabel(phase, lang)} — ${list.length} · ${formatMinutes(list.reduce((m, a) => m + a.effort.totalMinutes, 0), lang)}</h3>${list.map((a) => action(a, result, lang))}`);
  const waived = p.waived.length
    ? html`<h3>${t('waived', lang)}</h3><table><thead><tr><th>${t('check', lang)}</th><th>${t('host', lang)}</th><th>${t('severity', lang)}</th></tr></thead><tbody>${p.waived.map((w) => html`<tr><td><code>${w.check}</code></td><td>${hostLabel(result.hosts, w.host)}</td><td>${sev(w.severity, lang)}</td></tr>`)}</tbody></table>`
    : '';
  const v = p.validation;
  return html`<section id="plan"><h2>${t('plan', lang)}</h2><p>${t('planIntro', lang)}</p>${p.actions.length ? phases : html`<p>${t('noAction', lang)}</p>`}${waived}
<h3>${t('validation', lang)}</h3><p>${t('validationIntro', lang)}</p><table class="sign"><thead><tr><th>${t('client', lang)}</th><th>${t('approver', lang)}</th><th>${t('date', lang)}</th><th>${t('signature', lang)}</th></tr></thead><tbody><tr><td>${v.client}</td><td>${v.approver}</td><td>${v.date}</td><td>${v.signature}</td></tr></tbody></table></section>`;
}

function evidence(f: Finding, lang: Lang): SafeHtml | '' {
  const e = f.evidence;
  if (!e || !(e.sent || e.received || e.note)) return '';
  const text = [e.note ? `# ${e.note}` : '', e.sent ? `>> ${t('sent', lang)}:\n${e.sent}` : '', e.received ? `<< ${t('received', lang)}:\n${e.received}` : ''].filter(Boolean).join('\n');
  return html`<div>${t('evidence', lang)}:</div><pre>${text}</pre>`;
}

function devices(result: Result, lang: Lang): SafeHtml {
  const open = openFindings(result);
  const items = result.hosts.map((h) => {
    const mine = open.filter((f) => f.host === h.address);
    const counts = countBySeverity(mine);
    const badges = SEVERITIES.filter((s) => s !== 'info' && counts[s]).map((s) => html` <span class="sev sev-${s}">${counts[s]}</span>`);
    const serial = serialOf(result, h.address);
    const identity = [h.vendor, h.model, h.firmware].filter(Boolean).join(' ');
    const findings = mine.map(
      (f) => html`<div class="finding"><div>${sev(f.severity, lang)} <strong>${f.title[lang]}</strong>${f.port !== undefined ? ` — ${f.port}/${f.proto ?? 'tcp'}` : ''}</div>
<div><span class="muted">${t('check', lang)}:</span> <code>${f.check}</code></div>${f.detail ? html`<div><span class="muted">${t('detail', lang)}:</span> ${f.detail}</div>` : ''}
<div><span class="muted">${t('remediation', lang)}:</span> ${f.remediation[lang]}</div>${f.references.length ? html`<div><span class="muted">${t('references', lang)}:</span> ${f.references.map((r) => r.id).join('; ')}</div>` : ''}${evidence(f, lang)}</div>`,
    );
    return html`<details class="device"><summary>${h.address}${h.name ? ` — ${h.name}` : ''} · ${classLabel(h.class, lang)}${identity ? ` · ${identity}` : ''}${h.incomplete ? ` (${t('incomplete', lang)})` : ''}${badges}</summary>
<table><tbody><tr><th>${t('class', lang)}</th><td>${classLabel(h.class, lang)}</td><th>${t('vendor', lang)}</th><td>${h.vendor ?? ''}</td></tr><tr><th>${t('model', lang)}</th><td>${h.model ?? ''}</td><th>${t('firmware', lang)}</th><td>${h.firmware ?? ''}</td></tr><tr><th>${t('serial', lang)}</th><td>${serial ?? t('unknownValue', lang)}</td><th>${t('services', lang)}</th><td>${h.services.map((s) => html`<div><code>${s.port}/${s.proto} ${s.kind}${s.tls ? ' (TLS)' : ''}</code>${s.banner ? html` <span class="muted">${s.banner}</span>` : ''}</div>`)}</td></tr></tbody></table>
${mine.length ? findings : html`<p>${t('noFindings', lang)}</p>`}</details>`;
  });
  return html`<section id="devices"><h2>${t('deviceDetails', lang)}</h2>${items}</section>`;
}

function tables(result: Result, lang: Lang): SafeHtml {
  const ne = result.notEvaluated.length
    ? html`<h2>${t('notEvaluated', lang)}</h2><table><thead><tr><th>${t('check', lang)}</th><th>${t('host', lang)}</th><th>${t('port', lang)}</th><th>${t('reason', lang)}</th></tr></thead><tbody>${result.notEvaluated.map((n) => html`<tr><td><code>${n.check}</code></td><td>${n.host}</td><td>${n.port ?? ''}</td><td>${n.reason}</td></tr>`)}</tbody></table>`
    : '';
  const errors = result.errors.length
    ? html`<h2>${t('errors', lang)}</h2><table><thead><tr><th>${t('host', lang)}</th><th>${t('port', lang)}</th><th>${t('scanner', lang)}</th><th>${t('message', lang)}</th></tr></thead><tbody>${result.errors.map((e) => html`<tr><td>${e.host ?? ''}</td><td>${e.port ?? ''}</td><td>${e.scanner}</td><td>${e.message}</td></tr>`)}</tbody></table>`
    : '';
  return html`${ne}${errors}`;
}

export function renderHtml(result: Result, lang: Lang, opts: HtmlOptions = {}): string {
  const s = result.scan;
  const seconds = ((Date.parse(s.finished) - Date.parse(s.started)) / 1000).toFixed(1);
  const csp = `default-src 'none'; style-src 'sha256-${sha256(STYLE)}'; script-src 'sha256-${sha256(PRINT_SCRIPT)}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const body = html`<header><h1>${t('reportTitle', lang)}</h1>
<p class="meta">${t('started', lang)}: ${s.started} · ${t('duration', lang)}: ${seconds} s · ${t('mode', lang)}: ${s.mode} · ${t('profile', lang)}: ${s.profile}</p>
<p class="meta">${t('scope', lang)}: ${s.scope.include.join(', ')}${s.scope.exclude.length ? ` (− ${s.scope.exclude.join(', ')})` : ''} · vigie ${s.vigieVersion} · ${s.id}</p>
${s.partial ? html`<p class="v-fail">${t('partial', lang)}</p>` : ''}</header>
<h2>${t('executiveSummary', lang)}</h2>${tiles(result, lang)}${charts(result, lang, opts.history ?? [])}
${scoreHtml(result, lang, opts.history ?? [])}${verdicts(result, lang)}${plan(result, lang)}${manualHtml(result, lang)}${devices(result, lang)}${tables(result, lang)}`;
  return `<!doctype html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<title>${esc(`${t('reportTitle', lang)} — ${s.scope.include.join(', ')}`)}</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
${body}
<script>${trusted(PRINT_SCRIPT)}</script>
</body>
</html>
`;
}
