/**
 * The plan as CSV for the client's tracking sheet: one row per action × device.
 * RFC 4180 (CRLF line ends, fields with a comma, quote or line break quoted,
 * quotes doubled) and safe to open in a spreadsheet: a cell starting with
 * = + - @ (or a tab / carriage return) is prefixed with ' so it is never read
 * as a formula. A UTF-8 byte order mark lets spreadsheets read the accents.
 */
import type { Result } from '../src/core/model.ts';
import { classLabel, formatMinutes, phaseLabel, severityLabel, t, type Lang } from './i18n.ts';

/** One CSV cell: neutralised against formula injection, then quoted when needed. */
export function csvCell(value: unknown): string {
  let s = String(value ?? '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',');
}

export function renderPlanCsv(result: Result, lang: Lang): string {
  const head = [
    'id',
    t('phase', lang),
    '#',
    t('action', lang),
    t('severity', lang),
    t('device', lang),
    t('name', lang),
    t('class', lang),
    t('vendor', lang),
    t('model', lang),
    t('findingsClosed', lang),
    `${t('effort', lang)} (${t('perDevice', lang)})`,
    t('done', lang),
    t('doneOn', lang),
    t('notes', lang),
  ];
  const rows: string[] = [csvRow(head)];
  (result.plan?.actions ?? []).forEach((a, i) => {
    for (const d of a.devices) {
      rows.push(
        csvRow([
          a.id,
          phaseLabel(a.phase, lang),
          i + 1,
          a.title[lang],
          severityLabel(a.severity, lang),
          d.host,
          d.name ?? '',
          classLabel(d.class, lang),
          d.vendor ?? '',
          d.model ?? '',
          d.findings.join(' '),
          formatMinutes(a.effort.minutesPerDevice, lang),
          '',
          '',
          '',
        ]),
      );
    }
  });
  return `\ufeff${rows.join('\r\n')}\r\n`;
}
