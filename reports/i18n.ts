/** User-facing words of the reports and the CLI summary, in both languages. */
import type { Severity } from '../src/core/model.ts';

export type Lang = 'en' | 'fr';

export function defaultLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.VIGIE_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^fr/i.test(locale) ? 'fr' : 'en';
}

export function parseLang(value: string): Lang {
  const v = value.toLowerCase();
  if (v === 'en' || v === 'fr') return v;
  throw new Error(`unknown language "${value}" (expected en or fr)`);
}

const SEVERITY: Record<Lang, Record<Severity, string>> = {
  en: { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' },
  fr: { critical: 'critique', high: 'élevée', medium: 'moyenne', low: 'faible', info: 'info' },
};

export function severityLabel(s: Severity, lang: Lang): string {
  return SEVERITY[lang][s];
}

const WORDS = {
  reportTitle: { en: 'vigie hardening audit', fr: 'Audit de durcissement vigie' },
  partial: {
    en: 'PARTIAL RESULT: the scan was interrupted; hosts marked incomplete were not scanned to the end.',
    fr: 'RÉSULTAT PARTIEL : le scan a été interrompu ; les équipements marqués incomplets n’ont pas été scannés jusqu’au bout.',
  },
  scan: { en: 'Scan', fr: 'Scan' },
  started: { en: 'Started', fr: 'Début' },
  finished: { en: 'Finished', fr: 'Fin' },
  mode: { en: 'Mode', fr: 'Mode' },
  profile: { en: 'Profile', fr: 'Profil' },
  scope: { en: 'Scope', fr: 'Périmètre' },
  targets: { en: 'Targets', fr: 'Cibles' },
  summary: { en: 'Summary', fr: 'Synthèse' },
  devices: { en: 'Devices', fr: 'Équipements' },
  findings: { en: 'Findings', fr: 'Constats' },
  noFindings: { en: 'No finding.', fr: 'Aucun constat.' },
  inventory: { en: 'Inventory', fr: 'Inventaire' },
  address: { en: 'Address', fr: 'Adresse' },
  name: { en: 'Name', fr: 'Nom' },
  class: { en: 'Class', fr: 'Classe' },
  vendor: { en: 'Vendor', fr: 'Fabricant' },
  model: { en: 'Model', fr: 'Modèle' },
  firmware: { en: 'Firmware', fr: 'Micrologiciel' },
  services: { en: 'Services', fr: 'Services' },
  findingsPerDevice: { en: 'Findings per device', fr: 'Constats par équipement' },
  severity: { en: 'Severity', fr: 'Sévérité' },
  check: { en: 'Check', fr: 'Contrôle' },
  detail: { en: 'Detail', fr: 'Détail' },
  evidence: { en: 'Evidence', fr: 'Preuve' },
  sent: { en: 'sent', fr: 'envoyé' },
  received: { en: 'received', fr: 'reçu' },
  remediation: { en: 'Remediation', fr: 'Remédiation' },
  references: { en: 'References', fr: 'Références' },
  notEvaluated: { en: 'Checks that could not run', fr: 'Contrôles non évalués' },
  reason: { en: 'Reason', fr: 'Raison' },
  errors: { en: 'Errors', fr: 'Erreurs' },
  scanner: { en: 'Scanner', fr: 'Scanner' },
  message: { en: 'Message', fr: 'Message' },
  host: { en: 'Host', fr: 'Équipement' },
  port: { en: 'Port', fr: 'Port' },
  incomplete: { en: 'incomplete', fr: 'incomplet' },
  none: { en: 'none', fr: 'aucun' },
  connections: { en: 'connections opened', fr: 'connexions ouvertes' },
  duration: { en: 'Duration', fr: 'Durée' },
  password: { en: 'Password', fr: 'Mot de passe' },
} satisfies Record<string, Record<Lang, string>>;

export type Word = keyof typeof WORDS;

export function t(word: Word, lang: Lang): string {
  return WORDS[word][lang];
}
