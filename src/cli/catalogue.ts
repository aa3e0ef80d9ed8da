/**
 * `vigie checks`, `vigie checks show ID`, `vigie profiles`, `vigie profiles show ID`:
 * the catalogue and the profiles as a reviewer reads them. Nothing here touches
 * the network; everything is printed from the check modules' metadata and the
 * profile files (resolved after `extends`).
 */
import { Document, isScalar, isSeq, visit } from 'yaml';
import { z } from 'zod';
import type { Check } from '../checks/types.ts';
import { CHECKS, findCheck } from '../checks/index.ts';
import { loadCatalogueProfile } from '../checks/profiles.ts';
import { listProfiles, type Profile } from '../core/profile.ts';
import { UsageError } from '../core/errors.ts';
import { severityLabel, type Lang } from '../../reports/i18n.ts';
import type { Severity } from '../core/model.ts';

export interface CatalogueCliOptions {
  lang?: Lang;
  profile?: string;
  json?: boolean;
}

const W = {
  id: { en: 'id', fr: 'id' },
  severity: { en: 'severity', fr: 'sévérité' },
  classes: { en: 'classes', fr: 'classes' },
  references: { en: 'references', fr: 'références' },
  all: { en: 'all', fr: 'toutes' },
  off: { en: 'off', fr: 'désactivé' },
  fleet: { en: 'fleet (whole site)', fr: 'parc (tout le site)' },
  host: { en: 'device', fr: 'équipement' },
  level: { en: 'level', fr: 'niveau' },
  rationale: { en: 'Why', fr: 'Pourquoi' },
  remediation: { en: 'Remediation', fr: 'Remédiation' },
  appliesTo: { en: 'Applies to', fr: 'S’applique à' },
  params: { en: 'Profile parameters', fr: 'Paramètres du profil' },
  profiles: { en: 'In the shipped profiles', fr: 'Dans les profils fournis' },
  title: { en: 'title', fr: 'titre' },
  version: { en: 'version', fr: 'version' },
  extends: { en: 'extends', fr: 'étend' },
  checksOn: { en: 'checks', fr: 'contrôles' },
  failAt: { en: 'fails at', fr: 'échec dès' },
  count: { en: 'checks in the catalogue', fr: 'contrôles au catalogue' },
  none: { en: 'none', fr: 'aucun' },
} as const;

const w = (k: keyof typeof W, lang: Lang) => W[k][lang];

/** A plain text table: columns padded to their widest cell, the last column left free. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((n) => '-'.repeat(Math.min(n, 60)))), ...rows.map(line)].join('\n');
}

function classesText(check: Check, profile: Profile, lang: Lang): string {
  const classes = profile.checks[check.meta.id]?.classes ?? check.meta.classes;
  return classes === 'all' ? w('all', lang) : classes.join(',');
}

function severityIn(check: Check, profile: Profile): Severity | 'off' {
  const s = profile.checks[check.meta.id];
  if (s?.enabled === false) return 'off';
  return s?.severity ?? check.meta.severity;
}

function sevText(s: Severity | 'off', lang: Lang): string {
  return s === 'off' ? w('off', lang) : severityLabel(s, lang);
}

/** `vigie checks`: one line per check. */
export function checksTable(opts: CatalogueCliOptions = {}): string {
  const lang = opts.lang ?? 'en';
  const profile = loadCatalogueProfile(opts.profile ?? 'anssi-base');
  if (opts.json) {
    return JSON.stringify(
      CHECKS.map((c) => ({ id: c.meta.id, level: c.meta.level, severity: severityIn(c, profile), classes: profile.checks[c.meta.id]?.classes ?? c.meta.classes, references: c.meta.references.map((r) => r.id) })),
      null,
      2,
    );
  }
  const rows = CHECKS.map((c) => [c.meta.id, sevText(severityIn(c, profile), lang), classesText(c, profile, lang), c.meta.references.map((r) => r.id).join('; ')]);
  return `${textTable([w('id', lang), `${w('severity', lang)} (${profile.id})`, w('classes', lang), w('references', lang)], rows)}\n\n${CHECKS.length} ${w('count', lang)}`;
}

/** `vigie checks show ID`: everything a reviewer needs about one check. */
export function checkDetail(id: string, opts: CatalogueCliOptions = {}): string {
  const lang = opts.lang ?? 'en';
  const check = findCheck(id);
  if (!check) {
    const near = CHECKS.map((c) => c.meta.id).filter((x) => x.startsWith(id.split('.')[0] ?? id));
    throw new UsageError(`unknown check "${id}"${near.length ? ` (did you mean ${near.slice(0, 5).join(', ')}?)` : ''} (see: vigie checks)`);
  }
  const m = check.meta;
  const profiles = listProfiles().map((p) => loadCatalogueProfile(p));
  const out: string[] = [];
  out.push(`${m.id} — ${m.title[lang]}`, '');
  out.push(`${w('level', lang)}: ${m.level === 'fleet' ? w('fleet', lang) : w('host', lang)}`);
  out.push(`${w('severity', lang)}: ${severityLabel(m.severity, lang)} (anssi-base)`);
  out.push(`${w('classes', lang)}: ${m.classes === 'all' ? w('all', lang) : m.classes.join(', ')}`);
  out.push('', `${w('profiles', lang)}:`);
  for (const p of profiles) {
    const params = p.checks[m.id]?.params;
    out.push(`  ${p.id.padEnd(22)} ${sevText(severityIn(check, p), lang).padEnd(10)} ${classesText(check, p, lang)}${params && Object.keys(params).length ? `  params ${JSON.stringify(params)}` : ''}`);
  }
  out.push('', `${w('rationale', lang)}:`, `  ${m.rationale[lang]}`);
  out.push('', `${w('remediation', lang)}:`, `  ${m.remediation[lang]}`);
  if (m.appliesTo) out.push('', `${w('appliesTo', lang)}:`, `  ${m.appliesTo[lang]}`);
  if (m.params) {
    out.push('', `${w('params', lang)} (JSON Schema):`);
    out.push(...JSON.stringify(z.toJSONSchema(m.params, { io: 'input' }), null, 2).split('\n').map((l) => `  ${l}`));
  }
  out.push('', `${w('references', lang)}:`);
  for (const r of m.references) out.push(`  - ${r.id}${r.title ? ` — ${r.title}` : ''}${r.url ? `\n    ${r.url}` : ''}`);
  if (!m.references.length) out.push(`  ${w('none', lang)}`);
  return out.join('\n');
}

/** `vigie profiles`: the shipped profiles. */
export function profilesTable(opts: CatalogueCliOptions = {}): string {
  const lang = opts.lang ?? 'en';
  const rows = listProfiles().map((id) => {
    const p = loadCatalogueProfile(id);
    const enabled = CHECKS.filter((c) => severityIn(c, p) !== 'off').length;
    return [p.id, String(p.version), p.lineage.length > 1 ? p.lineage[p.lineage.length - 2]! : '—', String(enabled), p.commissioning ? severityLabel(p.commissioning.failAt, lang) : '—', p.title[lang]];
  });
  return textTable([w('id', lang), w('version', lang), w('extends', lang), w('checksOn', lang), w('failAt', lang), w('title', lang)], rows);
}

/** The resolved profile as a document: what a scan under it uses, after `extends`. */
export function resolvedProfileDocument(profile: Profile): Record<string, unknown> {
  const checks: Record<string, unknown> = {};
  for (const c of CHECKS) {
    const s = profile.checks[c.meta.id] ?? {};
    checks[c.meta.id] = {
      enabled: s.enabled !== false,
      severity: s.severity ?? c.meta.severity,
      classes: s.classes ?? c.meta.classes,
      ...(s.params && Object.keys(s.params).length ? { params: s.params } : {}),
    };
  }
  const { id, version, title, description, lineage, commissioning, checks: _raw, ...rest } = profile;
  return { id, version, title, ...(description ? { description } : {}), resolvedFrom: lineage, ...(commissioning ? { commissioning } : {}), ...rest, checks };
}

/** YAML with lists of plain values on one line (`tcp: [21, 22, 23]`), as the profiles are written. */
function toYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
    // Short maps of plain values on one line too: `proto.telnet-enabled: { enabled: true, severity: high, classes: all }`.
    Map(_key, node) {
      const short = node.items.length <= 4 && node.items.every((p) => (isScalar(p.value) && String(p.value.value).length <= 40) || (isSeq(p.value) && p.value.flow));
      if (short) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** `vigie profiles show ID`: the profile after `extends`, as YAML. */
export function profileDetail(idOrPath: string, opts: CatalogueCliOptions = {}): string {
  const profile = loadCatalogueProfile(idOrPath);
  const doc = resolvedProfileDocument(profile);
  if (opts.json) return JSON.stringify(doc, null, 2);
  const header = `# ${profile.id} v${profile.version}, resolved from ${profile.lineage.join(' → ')} (merge rules: src/core/profile.ts)\n`;
  return header + toYaml(doc);
}
