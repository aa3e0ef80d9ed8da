/**
 * The canonical model. Every type that crosses a module boundary is declared
 * here once, as a zod schema, so that the TypeScript types, the runtime
 * validation in tests and the published JSON Schema
 * (`schemas/vigie.result.schema.json`) can never drift apart.
 */
import { z } from 'zod';

export const RESULT_SCHEMA_ID = 'vigie.result/1';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Lower rank = more severe; used for sorting and `--fail-on`. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

export const DEVICE_CLASSES = [
  'camera',
  'nvr',
  'vms',
  'access-controller',
  'intercom',
  'switch',
  'router',
  'unknown',
] as const;
export const DeviceClass = z.enum(DEVICE_CLASSES);
export type DeviceClass = z.infer<typeof DeviceClass>;

export const MODES = ['passive', 'safe', 'credentials'] as const;
export const Mode = z.enum(MODES);
export type Mode = z.infer<typeof Mode>;

export const Proto = z.enum(['tcp', 'udp']);
export type Proto = z.infer<typeof Proto>;

export const Localized = z.object({ en: z.string(), fr: z.string() });
export type Localized = z.infer<typeof Localized>;

/** What was sent and what came back, trimmed and with secrets redacted. */
export const Evidence = z.object({
  sent: z.string().optional(),
  received: z.string().optional(),
  note: z.string().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** One typed observation about a host or one of its services. */
export const Fact = z.object({
  type: z.string(),
  host: z.string(),
  port: z.number().int().optional(),
  proto: Proto.optional(),
  scanner: z.string(),
  data: z.record(z.string(), z.unknown()),
  evidence: Evidence.optional(),
});
export type Fact = z.infer<typeof Fact>;

export const Service = z.object({
  port: z.number().int(),
  proto: Proto,
  /** telnet, http, https, rtsp, rtsps, ssh, snmp, onvif, ftp, sip, ws-discovery, unknown … */
  kind: z.string(),
  tls: z.boolean(),
  banner: z.string().optional(),
});
export type Service = z.infer<typeof Service>;

export const FieldSource = z.object({ field: z.string(), value: z.string(), source: z.string() });
export type FieldSource = z.infer<typeof FieldSource>;

export const Host = z.object({
  address: z.string(),
  name: z.string().optional(),
  expectedClass: DeviceClass.optional(),
  class: DeviceClass,
  vendor: z.string().optional(),
  model: z.string().optional(),
  firmware: z.string().optional(),
  /** Which observation said what (conflicts are kept: several entries per field). */
  sources: z.array(FieldSource),
  services: z.array(Service),
  /** Set when the host could not be scanned to the end (time-out, interrupted). */
  incomplete: z.boolean().optional(),
});
export type Host = z.infer<typeof Host>;

export const Reference = z.object({
  /** e.g. "ANSSI-PA-072 R25", "ISO/IEC 27001:2022 A.8.20", "CVE-2021-36260" */
  id: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
});
export type Reference = z.infer<typeof Reference>;

/** The waiver (site file) that covers a finding: `active` waives it, `expired` is reported and no longer waives. */
export const FindingWaiver = z.object({
  /** The client's reference, when the waiver has one. */
  id: z.string().optional(),
  /** Which devices it names: "host 192.0.2.10", "cidr 192.0.2.0/24", "class camera", "name cam-*". */
  selector: z.string(),
  port: z.number().int().optional(),
  justification: z.string(),
  approver: z.string(),
  /** Last day it applies (YYYY-MM-DD). */
  expires: z.string(),
  state: z.enum(['active', 'expired']),
  /** The day it was judged against (the scan's date, or `vigie evaluate --as-of`). */
  asOf: z.string(),
});
export type FindingWaiver = z.infer<typeof FindingWaiver>;

export const Finding = z.object({
  check: z.string(),
  host: z.string(),
  port: z.number().int().optional(),
  proto: Proto.optional(),
  severity: Severity,
  title: Localized,
  /** Short, data-like detail: the user name, the community, the offered algorithms. */
  detail: z.string().optional(),
  /** Extra key for diffing two findings of one check on one port (e.g. the user name). */
  key: z.string().optional(),
  evidence: Evidence.optional(),
  references: z.array(Reference),
  remediation: Localized,
  status: z.enum(['open', 'waived']),
  /** Set when a waiver of the site file names this finding (status `waived` only while it is active). */
  waiver: FindingWaiver.optional(),
});
export type Finding = z.infer<typeof Finding>;

export const NotEvaluated = z.object({
  check: z.string(),
  host: z.string(),
  port: z.number().int().optional(),
  proto: Proto.optional(),
  reason: z.string(),
});
export type NotEvaluated = z.infer<typeof NotEvaluated>;

export const ScanError = z.object({
  host: z.string().optional(),
  port: z.number().int().optional(),
  scanner: z.string(),
  message: z.string(),
  code: z.string().optional(),
});
export type ScanError = z.infer<typeof ScanError>;

export const PHASES = ['discover', 'collect', 'fingerprint', 'credentials', 'evaluate', 'report'] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

export const ScanInfo = z.object({
  id: z.string(),
  started: z.iso.datetime(),
  finished: z.iso.datetime(),
  vigieVersion: z.string(),
  mode: Mode,
  profile: z.string(),
  scope: z.object({ include: z.array(z.string()), exclude: z.array(z.string()) }),
  targets: z.array(z.string()),
  ports: z.array(z.number().int()),
  partial: z.boolean(),
  partialReason: z.string().optional(),
  /** Milliseconds per phase. */
  timings: z.record(z.string(), z.number()),
  stats: z.object({ targets: z.number().int(), hostsReported: z.number().int(), connections: z.number().int() }),
  limits: z.object({ perHost: z.number().int(), global: z.number().int() }),
  /** Set by `vigie evaluate`: the saved facts were judged again, offline, under `profile`. */
  reevaluated: z
    .object({
      at: z.iso.datetime(),
      /** The profile of the scan (or of the previous evaluation). */
      fromProfile: z.string(),
      /** The day waivers were judged against. */
      asOf: z.string(),
      /** The site file whose waivers were applied, if any. */
      site: z.string().optional(),
    })
    .optional(),
});
export type ScanInfo = z.infer<typeof ScanInfo>;

/** When an action of the remediation plan should be done. */
export const PLAN_PHASES = ['immediate', 'within-30-days', 'next-maintenance'] as const;
export const PlanPhase = z.enum(PLAN_PHASES);
export type PlanPhase = z.infer<typeof PlanPhase>;

/** One way to carry out an action, for the devices of one vendor (or `generic`). */
export const PlanStep = z.object({
  /** `generic`, a vendor (`hikvision`, `dahua`, `axis`, `hanwha`) or `switch-cli`. */
  vendor: z.string(),
  /** The devices of the action this step is for. */
  hosts: z.array(z.string()),
  text: Localized,
  /** The document the step comes from (vendor hardening guide, manual). */
  source: z.string().optional(),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const PlanDevice = z.object({
  host: z.string(),
  name: z.string().optional(),
  class: DeviceClass,
  vendor: z.string().optional(),
  model: z.string().optional(),
  /** Keys of this device's findings the action closes (`findingKey`). */
  findings: z.array(z.string()),
});
export type PlanDevice = z.infer<typeof PlanDevice>;

/** One remedy, applied to every device that needs it. */
export const PlanAction = z.object({
  /** Stable across scans: the remedy id (`profiles/remediation-steps.yaml`), so a later scan can say done / partly done / not done. */
  id: z.string(),
  phase: PlanPhase,
  title: Localized,
  /** Why this phase. */
  reason: Localized,
  /** The most severe finding the action closes. */
  severity: Severity,
  checks: z.array(z.string()),
  devices: z.array(PlanDevice),
  findings: z.array(z.string()),
  steps: z.array(PlanStep),
  /** Estimated minutes: per device, plus once for the action (preparation, tests, documentation). */
  effort: z.object({ minutesPerDevice: z.number(), fixedMinutes: z.number(), totalMinutes: z.number() }),
  /** Severity weights of the findings closed; actions of a phase are ordered by riskReduction / totalMinutes. */
  riskReduction: z.number(),
});
export type PlanAction = z.infer<typeof PlanAction>;

/** Filled in by hand: the client validates the progressive plan (empty strings in the file). */
export const PlanValidation = z.object({ client: z.string(), approver: z.string(), date: z.string(), signature: z.string() });
export type PlanValidation = z.infer<typeof PlanValidation>;

/** Commissioning verdict of one device. */
export const DeviceVerdict = z.object({
  host: z.string(),
  name: z.string().optional(),
  /** `incomplete`: a check the profile requires could not conclude, or the device was not scanned to the end; it does not pass. */
  verdict: z.enum(['pass', 'fail', 'incomplete']),
  /** Open findings at or above `failAt`. */
  failing: z.array(z.object({ key: z.string(), check: z.string(), severity: Severity })),
  /** Required checks that could not conclude on this device. */
  notEvaluated: z.array(z.object({ check: z.string(), port: z.number().int().optional(), reason: z.string() })),
  /** Findings at or above `failAt` that a waiver covers: listed, never failing. */
  waived: z.array(z.string()),
});
export type DeviceVerdict = z.infer<typeof DeviceVerdict>;

export const Verdicts = z.object({
  profile: z.string(),
  profileVersion: z.number().int(),
  failAt: Severity,
  /** True when every device passes. */
  pass: z.boolean(),
  devices: z.array(DeviceVerdict),
});
export type Verdicts = z.infer<typeof Verdicts>;

/** The remediation plan (src/plan): findings grouped into actions, by phase. */
export const Plan = z.object({
  actions: z.array(PlanAction),
  /** Waived findings: never an action, listed apart. */
  waived: z.array(z.object({ key: z.string(), check: z.string(), host: z.string(), severity: Severity })),
  validation: PlanValidation,
  /** Set when the profile has a `commissioning` section. */
  verdicts: Verdicts.optional(),
});
export type Plan = z.infer<typeof Plan>;

/** Letters of the hardening score (src/score/, docs/scoring.md): A best, F worst. */
export const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export const Grade = z.enum(GRADES);
export type Grade = z.infer<typeof Grade>;
/** A grade, or `incomplete`: a check the profile requires could not run, so no grade is given from partial data. */
export const GradeOrIncomplete = z.union([Grade, z.literal('incomplete')]);
export type GradeOrIncomplete = z.infer<typeof GradeOrIncomplete>;

/** A grade cap that matched a device: it holds the grade at `grade` or below. */
export const ScoreCap = z.object({
  id: z.string(),
  grade: Grade,
  reason: Localized,
  /** The checks whose open findings matched the cap. */
  checks: z.array(z.string()),
  /** True when this cap (and not the points) set the grade. */
  binding: z.boolean(),
});
export type ScoreCap = z.infer<typeof ScoreCap>;

export const DeviceScore = z.object({
  host: z.string(),
  name: z.string().optional(),
  class: DeviceClass,
  grade: GradeOrIncomplete,
  /** 0–100 after caps; absent when the grade is withheld. */
  score: z.number().int().optional(),
  /** When incomplete: the best the device can be (what is missing can only lower it). */
  best: z.object({ score: z.number().int(), grade: Grade }).optional(),
  /** 100 minus the deductions, before caps. */
  points: z.number(),
  /** Points off, one line per check that fired (counted once per device, at its most severe finding). */
  deductions: z.array(z.object({ check: z.string(), severity: Severity, points: z.number() })),
  caps: z.array(ScoreCap),
  /** Required checks that could not conclude on this device (why the grade is withheld). */
  incomplete: z.array(z.object({ check: z.string(), port: z.number().int().optional(), reason: z.string() })).optional(),
  /** Waived findings: listed, never counted. */
  waived: z.array(z.string()),
  /** Why this grade, in words (caps, withheld grade, waivers). */
  reasons: z.array(Localized),
});
export type DeviceScore = z.infer<typeof DeviceScore>;

/** The score of a device class or of the whole site. */
export const GroupScore = z.object({
  devices: z.number().int(),
  grade: GradeOrIncomplete,
  score: z.number().int().optional(),
  best: z.object({ score: z.number().int(), grade: Grade }).optional(),
  /** Mean of the device scores (best case for incomplete devices), before the weakest-link rule. */
  mean: z.number().int(),
  /** The worst device grade (best case for incomplete devices). */
  weakest: Grade.optional(),
  incompleteDevices: z.array(z.string()),
  reasons: z.array(Localized),
});
export type GroupScore = z.infer<typeof GroupScore>;

/** The hardening score (src/score/): per device, per device class, for the site. Manual requirements never count. */
export const Score = z.object({
  profile: z.string(),
  /** Lowest score of each grade A–E (F is below E). */
  thresholds: z.record(z.string(), z.number().int()),
  devices: z.array(DeviceScore),
  classes: z.array(GroupScore.extend({ class: DeviceClass })),
  site: GroupScore,
});
export type Score = z.infer<typeof Score>;

export const MANUAL_STATUSES = ['not-assessed', 'compliant', 'not-compliant', 'not-applicable'] as const;
export const ManualStatus = z.enum(MANUAL_STATUSES);
export type ManualStatus = z.infer<typeof ManualStatus>;

/** One manual requirement of the profile, with the status the technician set in the site file. */
export const ManualItem = z.object({
  id: z.string(),
  title: Localized,
  text: Localized.optional(),
  references: z.array(Reference),
  status: ManualStatus,
  comment: z.string().optional(),
  date: z.string().optional(),
  by: z.string().optional(),
});
export type ManualItem = z.infer<typeof ManualItem>;

/** The manual checklist: part of the compliance view, never of the automatic score. */
export const ManualSummary = z.object({
  items: z.array(ManualItem),
  counts: z.record(ManualStatus, z.number().int()),
  /** compliant / (items − not applicable), 0–100; absent when nothing applies. */
  complianceRate: z.number().int().optional(),
  /** The site file the statuses came from. */
  source: z.string().optional(),
  /** Answers in the site file for requirements this profile does not have (a typo, or another profile's). */
  unmatched: z.array(z.string()).optional(),
});
export type ManualSummary = z.infer<typeof ManualSummary>;

export const Result = z.object({
  schema: z.literal(RESULT_SCHEMA_ID),
  scan: ScanInfo,
  hosts: z.array(Host),
  facts: z.array(Fact),
  findings: z.array(Finding),
  notEvaluated: z.array(NotEvaluated),
  errors: z.array(ScanError),
  /** The remediation plan and, under a commissioning profile, the verdicts (absent in results written before it existed). */
  plan: Plan.optional(),
  /** The hardening score under the profile (absent in results written before it existed). */
  score: Score.optional(),
  /** The profile's manual requirements with the site file's statuses (absent when the profile has none). */
  manual: ManualSummary.optional(),
});
export type Result = z.infer<typeof Result>;

/** The published JSON Schema of the canonical result. */
export function resultJsonSchema(): unknown {
  return {
    $id: 'https://vigie.invalid/schemas/vigie.result.schema.json',
    title: 'vigie canonical scan result (vigie.result/1)',
    ...(z.toJSONSchema(Result, { target: 'draft-2020-12' }) as object),
  };
}
