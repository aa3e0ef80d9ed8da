/** User-facing words of the reports and the CLI summary, in both languages. */
import type { DeviceClass, PlanPhase, Severity } from '../src/core/model.ts';

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
  // The remediation plan, commissioning verdicts and the richer reports (src/plan, reports/html.ts, reports/csv.ts).
  executiveSummary: { en: 'Executive summary', fr: 'Synthèse' },
  plan: { en: 'Remediation plan', fr: 'Plan de remédiation' },
  planIntro: {
    en: 'One action per remedy, covering every device that needs it. Phases: critical findings, and high findings on exposed services, are handled immediately; the rest within 30 days or at the next maintenance. Within a phase, actions come in order of risk reduced per hour of work.',
    fr: 'Une action par remède, sur tous les équipements concernés. Phases : les constats critiques, et les constats élevés sur des services exposés, sont traités immédiatement ; les autres sous 30 jours ou à la prochaine maintenance. Dans une phase, les actions sont classées par risque réduit par heure de travail.',
  },
  noAction: { en: 'No action needed.', fr: 'Aucune action nécessaire.' },
  action: { en: 'Action', fr: 'Action' },
  actions: { en: 'Actions', fr: 'Actions' },
  phase: { en: 'Phase', fr: 'Phase' },
  phaseImmediate: { en: 'Immediately', fr: 'Immédiatement' },
  phase30: { en: 'Within 30 days', fr: 'Sous 30 jours' },
  phaseNext: { en: 'At the next maintenance', fr: 'À la prochaine maintenance' },
  why: { en: 'Why now', fr: 'Pourquoi maintenant' },
  effort: { en: 'Estimated effort', fr: 'Charge estimée' },
  perDevice: { en: 'per device', fr: 'par équipement' },
  fixed: { en: 'once', fr: 'une fois' },
  how: { en: 'How', fr: 'Comment' },
  allDevices: { en: 'All devices', fr: 'Tous les équipements' },
  source: { en: 'Source', fr: 'Source' },
  findingsClosed: { en: 'Findings it closes', fr: 'Constats traités' },
  done: { en: 'Done', fr: 'Fait' },
  doneOn: { en: 'Done on', fr: 'Fait le' },
  notes: { en: 'Notes', fr: 'Remarques' },
  validation: { en: 'Validation of the plan', fr: 'Validation du plan' },
  validationIntro: {
    en: 'The client validates this progressive plan; a later scan reports each action (by its id) as done, partly done or not done.',
    fr: 'Le client valide ce plan progressif ; un scan ultérieur indique pour chaque action (par son identifiant) si elle est faite, en partie faite ou non faite.',
  },
  client: { en: 'Client', fr: 'Client' },
  approver: { en: 'Approved by', fr: 'Approuvé par' },
  date: { en: 'Date', fr: 'Date' },
  signature: { en: 'Signature', fr: 'Signature' },
  waived: { en: 'Waived findings (accepted risk, no action)', fr: 'Constats faisant l’objet d’une dérogation (risque accepté, sans action)' },
  verdicts: { en: 'Commissioning verdicts', fr: 'Verdicts de mise en service' },
  verdictIntro: {
    en: 'A device fails on an open finding at or above the profile threshold; "incomplete" (a required check could not conclude) does not pass either.',
    fr: 'Un équipement échoue sur un constat ouvert au moins égal au seuil du profil ; « incomplet » (un contrôle requis n’a pas pu conclure) ne passe pas non plus.',
  },
  verdict: { en: 'Verdict', fr: 'Verdict' },
  verdictPass: { en: 'PASS', fr: 'CONFORME' },
  verdictFail: { en: 'FAIL', fr: 'NON CONFORME' },
  verdictIncomplete: { en: 'INCOMPLETE', fr: 'INCOMPLET' },
  failAt: { en: 'Fails at', fr: 'Échec à partir de' },
  failingChecks: { en: 'Failing checks', fr: 'Contrôles en échec' },
  notConcluded: { en: 'Could not conclude', fr: 'Non concluants' },
  openFindings: { en: 'Open findings', fr: 'Constats ouverts' },
  immediateActions: { en: 'Immediate actions', fr: 'Actions immédiates' },
  devicesPassing: { en: 'Devices passing', fr: 'Équipements conformes' },
  totalEffort: { en: 'Total effort', fr: 'Charge totale' },
  hours: { en: 'h', fr: 'h' },
  minutes: { en: 'min', fr: 'min' },
  chartSeverity: { en: 'Open findings by severity', fr: 'Constats ouverts par sévérité' },
  chartClass: { en: 'Open findings by device class', fr: 'Constats ouverts par classe d’équipement' },
  chartCompliance: { en: 'Compliance rate per device class', fr: 'Taux de conformité par classe d’équipement' },
  complianceByVerdict: { en: 'share of devices whose commissioning verdict is PASS', fr: 'part des équipements au verdict de mise en service CONFORME' },
  complianceByFindings: { en: 'share of devices with no open finding of medium severity or above', fr: 'part des équipements sans constat ouvert de sévérité moyenne ou plus' },
  chartTrend: { en: 'Open findings over time', fr: 'Évolution des constats ouverts' },
  deviceDetails: { en: 'Device details', fr: 'Détail par équipement' },
  serial: { en: 'Serial number', fr: 'Numéro de série' },
  unknownValue: { en: 'not reported', fr: 'non communiqué' },
  device: { en: 'Device', fr: 'Équipement' },
  classCamera: { en: 'Camera', fr: 'Caméra' },
  classNvr: { en: 'Recorder', fr: 'Enregistreur' },
  classVms: { en: 'VMS', fr: 'VMS' },
  classAccessController: { en: 'Access controller', fr: 'Contrôleur d’accès' },
  classIntercom: { en: 'Intercom', fr: 'Interphone' },
  classSwitch: { en: 'Switch', fr: 'Commutateur' },
  classRouter: { en: 'Router', fr: 'Routeur' },
  classUnknown: { en: 'Unknown', fr: 'Inconnu' },
  vendorGeneric: { en: 'All devices', fr: 'Tous les équipements' },
  vendorSwitchCli: { en: 'Switch CLI (Cisco IOS-like)', fr: 'CLI de commutateur (type Cisco IOS)' },
} satisfies Record<string, Record<Lang, string>>;

export type Word = keyof typeof WORDS;

export function t(word: Word, lang: Lang): string {
  return WORDS[word][lang];
}

const PHASE_WORD = { immediate: 'phaseImmediate', 'within-30-days': 'phase30', 'next-maintenance': 'phaseNext' } as const satisfies Record<PlanPhase, Word>;
export function phaseLabel(p: PlanPhase, lang: Lang): string {
  return t(PHASE_WORD[p], lang);
}

const CLASS_WORD = {
  camera: 'classCamera',
  nvr: 'classNvr',
  vms: 'classVms',
  'access-controller': 'classAccessController',
  intercom: 'classIntercom',
  switch: 'classSwitch',
  router: 'classRouter',
  unknown: 'classUnknown',
} as const satisfies Record<DeviceClass, Word>;
export function classLabel(c: DeviceClass, lang: Lang): string {
  return t(CLASS_WORD[c], lang);
}

const VERDICT_WORD = { pass: 'verdictPass', fail: 'verdictFail', incomplete: 'verdictIncomplete' } as const satisfies Record<string, Word>;
export function verdictLabel(v: keyof typeof VERDICT_WORD, lang: Lang): string {
  return t(VERDICT_WORD[v], lang);
}

const VENDOR_NAMES: Record<string, string> = { hikvision: 'Hikvision', dahua: 'Dahua', axis: 'Axis', hanwha: 'Hanwha (Wisenet)' };
/** The label of a plan step's vendor key. */
export function stepVendorLabel(vendor: string, lang: Lang): string {
  if (vendor === 'generic') return t('vendorGeneric', lang);
  if (vendor === 'switch-cli') return t('vendorSwitchCli', lang);
  return VENDOR_NAMES[vendor] ?? vendor;
}

/** Minutes as "45 min" or "2 h 30". */
export function formatMinutes(minutes: number, lang: Lang): string {
  if (minutes < 60) return `${minutes} ${t('minutes', lang)}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} ${t('hours', lang)} ${String(m).padStart(2, '0')}` : `${h} ${t('hours', lang)}`;
}

/** "1 device" / "4 devices" / "4 équipements". */
export function deviceCount(n: number, lang: Lang): string {
  return lang === 'fr' ? `${n} équipement${n > 1 ? 's' : ''}` : `${n} device${n === 1 ? '' : 's'}`;
}
