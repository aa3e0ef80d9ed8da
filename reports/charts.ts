/**
 * Inline SVG charts drawn by our own code: no library, no script, nothing to
 * fetch, and they print. Every label goes through `html` (escaped).
 */
import type { Severity } from '../src/core/model.ts';
import { html, type SafeHtml } from './escape.ts';

export const SEVERITY_COLOR: Readonly<Record<Severity, string>> = {
  critical: '#7f1d1d',
  high: '#dc2626',
  medium: '#d97706',
  low: '#2563eb',
  info: '#6b7280',
};

const W = 340;
const LABEL_W = 118;
const BAR_W = 145;
const ROW_H = 26;

function chartFrame(id: string, title: string, height: number, body: SafeHtml, caption?: string): SafeHtml {
  return html`<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="${id}"><title id="${id}">${title}</title>${body}</svg><figcaption>${title}${caption ? html`<br><small>${caption}</small>` : ''}</figcaption></figure>`;
}

export interface Bar {
  label: string;
  value: number;
  color: string;
  /** Text after the bar (defaults to the value). */
  text?: string;
}

/** Horizontal bars on a common scale (`max` defaults to the largest value). */
export function barChart(id: string, title: string, bars: readonly Bar[], opts: { max?: number; caption?: string } = {}): SafeHtml {
  const max = Math.max(1, opts.max ?? Math.max(0, ...bars.map((b) => b.value)));
  const height = Math.max(1, bars.length) * ROW_H + 10;
  const rows = bars.map((b, i) => {
    const y = 5 + i * ROW_H;
    const w = Math.round((b.value / max) * BAR_W);
    return html`<g><text x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end" class="lbl">${b.label}</text><rect x="${LABEL_W}" y="${y + 4}" width="${Math.max(w, b.value > 0 ? 2 : 0)}" height="${ROW_H - 8}" fill="${b.color}" rx="2"></rect><text x="${LABEL_W + w + 6}" y="${y + 17}" class="val">${b.text ?? String(b.value)}</text></g>`;
  });
  return chartFrame(id, title, height, html`${rows}`, opts.caption);
}

export interface StackRow {
  label: string;
  parts: readonly { key: Severity; value: number }[];
}

/** One horizontal bar per row, stacked by severity, with a legend. */
export function stackedBarChart(id: string, title: string, rows: readonly StackRow[], legend: readonly { key: Severity; label: string }[]): SafeHtml {
  const max = Math.max(1, ...rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0)));
  const legendH = 24;
  const height = legendH + Math.max(1, rows.length) * ROW_H + 10;
  const legendItems = legend.map((l, i) => html`<g><rect x="${8 + i * 80}" y="6" width="12" height="12" fill="${SEVERITY_COLOR[l.key]}"></rect><text x="${8 + i * 80 + 16}" y="16" class="lgd">${l.label}</text></g>`);
  const bars = rows.map((r, i) => {
    const y = legendH + 5 + i * ROW_H;
    let x = LABEL_W;
    const total = r.parts.reduce((s, p) => s + p.value, 0);
    const segments = r.parts
      .filter((p) => p.value > 0)
      .map((p) => {
        const w = Math.max(2, Math.round((p.value / max) * BAR_W));
        const seg = html`<rect x="${x}" y="${y + 4}" width="${w}" height="${ROW_H - 8}" fill="${SEVERITY_COLOR[p.key]}"></rect>`;
        x += w;
        return seg;
      });
    return html`<g><text x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end" class="lbl">${r.label}</text>${segments}<text x="${x + 6}" y="${y + 17}" class="val">${total}</text></g>`;
  });
  return chartFrame(id, title, height, html`${legendItems}${bars}`);
}

export interface TrendSeries {
  key: Severity;
  label: string;
  values: readonly number[];
}

/** Lines over time, one per severity; x labels are the dates (YYYY-MM-DD). */
export function trendChart(id: string, title: string, dates: readonly string[], series: readonly TrendSeries[]): SafeHtml {
  const height = 240;
  const left = 40;
  const right = W - 16;
  const top = 30;
  const bottom = height - 40;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const n = dates.length;
  const xAt = (i: number) => (n <= 1 ? (left + right) / 2 : left + (i * (right - left)) / (n - 1));
  const yAt = (v: number) => bottom - (v / max) * (bottom - top);
  const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  const grid = ticks.map((v) => html`<g><line x1="${left}" x2="${right}" y1="${yAt(v).toFixed(1)}" y2="${yAt(v).toFixed(1)}" class="grid"></line><text x="${left - 6}" y="${(yAt(v) + 4).toFixed(1)}" text-anchor="end" class="val">${v}</text></g>`);
  const xLabels = dates.map((d, i) => html`<text x="${xAt(i).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" class="val">${d.slice(0, 10)}</text>`);
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => `${xAt(i).toFixed(1)},${yAt(v).toFixed(1)}`).join(' ');
    const dots = s.values.map((v, i) => html`<circle cx="${xAt(i).toFixed(1)}" cy="${yAt(v).toFixed(1)}" r="3" fill="${SEVERITY_COLOR[s.key]}"></circle>`);
    return html`<g><polyline points="${pts}" fill="none" stroke="${SEVERITY_COLOR[s.key]}" stroke-width="2"></polyline>${dots}</g>`;
  });
  const legend = series.map((s, i) => html`<g><rect x="${8 + i * 80}" y="8" width="12" height="12" fill="${SEVERITY_COLOR[s.key]}"></rect><text x="${8 + i * 80 + 16}" y="18" class="lgd">${s.label}</text></g>`);
  return chartFrame(id, title, height, html`${legend}${grid}<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" class="axis"></line>${lines}${xLabels}`);
}
