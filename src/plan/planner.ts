/**
 * The planner: findings in, a progressive remediation plan out. Pure (no I/O,
 * no clock): the engine calls it after evaluation, and offline evaluation of a
 * saved result calls the same `buildPlan`.
 *
 * - One action per remedy (`profiles/remediation-steps.yaml`), covering every
 *   device that needs it; a check no remedy names becomes an action of its own
 *   with the check's remediation text.
 * - Phase of a finding: critical, or high on an exposed service → immediate;
 *   high, or medium on an exposed service → within 30 days; otherwise next
 *   maintenance. An action takes the most urgent phase of its findings.
 *   "Exposed": the device answers from the user network (`network.not-segmented`),
 *   or the weakness needs no credential and no on-path position (`directAccess`).
 * - Within a phase, actions are ordered by risk reduction per minute of effort.
 * - Waived findings never make an action; they are listed apart.
 */
import type { DeviceClass, Finding, Host, Localized, NotEvaluated, Plan, PlanAction, PlanDevice, PlanPhase, PlanStep, PlanValidation, Severity } from '../core/model.ts';
import { PLAN_PHASES, severityRank } from '../core/model.ts';
import type { Profile } from '../core/profile.ts';
import { findingKey } from './keys.ts';
import { loadRemedies, STEP_VENDORS, type Remedy, type RemedyCatalogue, type StepVendor } from './remedies.ts';
import { commissioningVerdicts } from './verdicts.ts';

/** What the planner reads of a result (a whole `Result` fits). */
export interface PlanInput {
  hosts: readonly Host[];
  findings: readonly Finding[];
  notEvaluated: readonly NotEvaluated[];
  /** The scan's specs and scope: single addresses that did not answer count as incomplete devices in verdicts. */
  scan?: { targets: readonly string[]; scope?: { include: readonly string[]; exclude: readonly string[] } };
}

export type PlanProfile = Pick<Profile, 'id' | 'version' | 'checks'> & { commissioning?: Profile['commissioning'] };

export interface PlanOptions {
  catalogue?: RemedyCatalogue;
  /** Pre-filled validation fields (the rest stay empty, to be filled in by hand). */
  validation?: Partial<PlanValidation>;
}

/** Weight of one finding in the risk reduction score. */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { critical: 10, high: 5, medium: 2, low: 1, info: 0 };

const DEFAULT_EFFORT = { perDevice: 15, fixed: 15 };

/** Which vendor steps apply to a device. */
export function stepVendor(host: Pick<Host, 'vendor' | 'class'>): StepVendor | undefined {
  const v = (host.vendor ?? '').toLowerCase();
  if (/hikvision|hilook/.test(v)) return 'hikvision';
  if (/dahua/.test(v)) return 'dahua';
  if (/\baxis\b/.test(v)) return 'axis';
  if (/hanwha|wisenet|samsung|techwin/.test(v)) return 'hanwha';
  if (/cisco/.test(v) || host.class === 'switch' || host.class === 'router') return 'switch-cli';
  return undefined;
}

interface FindingPhase {
  phase: PlanPhase;
  reason: Localized;
}

const REASONS = {
  critical: { en: 'critical finding', fr: 'constat critique' },
  highLan: { en: 'high finding on a device reachable from the user network', fr: 'constat élevé sur un équipement joignable depuis le réseau bureautique' },
  highDirect: { en: 'high finding usable without any credential', fr: 'constat élevé exploitable sans aucun identifiant' },
  high: { en: 'high finding', fr: 'constat élevé' },
  mediumExposed: { en: 'medium finding on an exposed service', fr: 'constat moyen sur un service exposé' },
  other: { en: 'medium or low findings', fr: 'constats moyens ou faibles' },
} satisfies Record<string, Localized>;

function phaseOf(f: Finding, lanExposed: ReadonlySet<string>, directAccess: ReadonlySet<string>): FindingPhase {
  const fromLan = lanExposed.has(f.host);
  const exposed = fromLan || directAccess.has(f.check);
  if (f.severity === 'critical') return { phase: 'immediate', reason: REASONS.critical };
  if (f.severity === 'high') {
    if (exposed) return { phase: 'immediate', reason: fromLan ? REASONS.highLan : REASONS.highDirect };
    return { phase: 'within-30-days', reason: REASONS.high };
  }
  if (f.severity === 'medium' && exposed) return { phase: 'within-30-days', reason: REASONS.mediumExposed };
  return { phase: 'next-maintenance', reason: REASONS.other };
}

/** A remedy for a check the catalogue does not name: the check's own remediation. */
function fallbackRemedy(f: Finding): Remedy {
  return {
    id: f.check,
    checks: [f.check],
    title: { en: `Remediate: ${f.title.en}`, fr: `Corriger : ${f.title.fr}` },
    effort: DEFAULT_EFFORT,
    steps: { generic: f.remediation },
  };
}

const byAddress = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function steps(remedy: Remedy, devices: readonly PlanDevice[]): PlanStep[] {
  const out: PlanStep[] = [{ vendor: 'generic', hosts: devices.map((d) => d.host), text: { en: remedy.steps.generic.en, fr: remedy.steps.generic.fr } }];
  for (const vendor of STEP_VENDORS) {
    const step = remedy.steps[vendor];
    if (!step) continue;
    const hosts = devices.filter((d) => stepVendor(d) === vendor).map((d) => d.host);
    if (!hosts.length) continue;
    const s: PlanStep = { vendor, hosts, text: { en: step.en, fr: step.fr } };
    if (step.source) s.source = step.source;
    out.push(s);
  }
  return out;
}

function device(host: Host | undefined, address: string, keys: string[]): PlanDevice {
  const d: PlanDevice = { host: address, class: (host?.class ?? 'unknown') as DeviceClass, findings: keys };
  if (host?.name) d.name = host.name;
  if (host?.vendor) d.vendor = host.vendor;
  if (host?.model) d.model = host.model;
  return d;
}

/** Findings → actions, by phase, with the validation block and (commissioning profiles) the verdicts. */
export function buildPlan(input: PlanInput, profile?: PlanProfile, opts: PlanOptions = {}): Plan {
  const catalogue = opts.catalogue ?? loadRemedies();
  const open = input.findings.filter((f) => f.status === 'open' && f.severity !== 'info');
  const lanExposed = new Set(open.filter((f) => f.check === 'network.not-segmented').map((f) => f.host));
  const hostsByAddress = new Map(input.hosts.map((h) => [h.address, h]));

  const groups = new Map<string, { remedy: Remedy; findings: Finding[] }>();
  for (const f of open) {
    const remedy = catalogue.byCheck.get(f.check) ?? fallbackRemedy(f);
    const g = groups.get(remedy.id) ?? { remedy, findings: [] };
    g.findings.push(f);
    groups.set(remedy.id, g);
  }

  const actions: PlanAction[] = [];
  for (const { remedy, findings } of groups.values()) {
    const phases = findings.map((f) => phaseOf(f, lanExposed, catalogue.directAccess));
    const best = phases.reduce((a, b) => (PLAN_PHASES.indexOf(b.phase) < PLAN_PHASES.indexOf(a.phase) ? b : a));
    const keysByHost = new Map<string, string[]>();
    // Two findings may share a key (one credential on one port, seen by the HTTP and the ONVIF logins): list it once.
    for (const f of findings) keysByHost.set(f.host, [...new Set([...(keysByHost.get(f.host) ?? []), findingKey(f)])]);
    const devices = [...keysByHost.keys()].sort(byAddress).map((address) => device(hostsByAddress.get(address), address, keysByHost.get(address)!.sort()));
    const severity = findings.map((f) => f.severity).reduce((a, b) => (severityRank(b) < severityRank(a) ? b : a));
    const totalMinutes = remedy.effort.fixed + remedy.effort.perDevice * devices.length;
    actions.push({
      id: remedy.id,
      phase: best.phase,
      title: remedy.title,
      reason: best.reason,
      severity,
      checks: [...new Set(findings.map((f) => f.check))].sort(),
      devices,
      findings: devices.flatMap((d) => d.findings),
      steps: steps(remedy, devices),
      effort: { minutesPerDevice: remedy.effort.perDevice, fixedMinutes: remedy.effort.fixed, totalMinutes },
      riskReduction: findings.reduce((sum, f) => sum + SEVERITY_WEIGHT[f.severity], 0),
    });
  }
  const perMinute = (a: PlanAction) => a.riskReduction / Math.max(1, a.effort.totalMinutes);
  actions.sort(
    (a, b) =>
      PLAN_PHASES.indexOf(a.phase) - PLAN_PHASES.indexOf(b.phase) ||
      perMinute(b) - perMinute(a) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      a.id.localeCompare(b.id),
  );

  const waived = input.findings
    .filter((f) => f.status === 'waived' && f.severity !== 'info')
    .map((f) => ({ key: findingKey(f), check: f.check, host: f.host, severity: f.severity }));

  const plan: Plan = {
    actions,
    waived,
    validation: { client: '', approver: '', date: '', signature: '', ...opts.validation },
  };
  if (profile?.commissioning) plan.verdicts = commissioningVerdicts(input, { ...profile, commissioning: profile.commissioning });
  return plan;
}
