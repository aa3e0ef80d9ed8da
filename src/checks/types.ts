/**
 * A check is metadata plus a pure function over one host's facts (or, for
 * fleet checks, over every host's). No I/O, no clock, no randomness: the same
 * facts and parameters always give the same outcomes, which is what makes
 * offline re-evaluation possible.
 */
import type { ZodType } from 'zod';
import type { DeviceClass, Evidence, Fact, FieldSource, Localized, Proto, Reference, Service, Severity } from '../core/model.ts';

export interface CheckMeta {
  /** Stable id from CHECKS.md: never renamed. */
  id: string;
  title: Localized;
  /** Default severity (anssi-base); profiles may override it. */
  severity: Severity;
  /** Device classes the check applies to; `all` includes unknown devices. */
  classes: readonly DeviceClass[] | 'all';
  rationale: Localized;
  remediation: Localized;
  references: readonly Reference[];
  /** Host checks look at one device; fleet checks at the whole site. */
  level: 'host' | 'fleet';
  /** What the check reads, when it fires and when it cannot conclude, for a reviewer (`vigie checks show`). */
  appliesTo?: Localized;
  /** Schema of the profile parameters it reads: a profile's `params` are validated against it at load, with the line. */
  params?: ZodType;
}

/** What a check sees of one host. */
export interface HostView {
  address: string;
  name?: string;
  class: DeviceClass;
  vendor?: string;
  model?: string;
  firmware?: string;
  /** Which observation said what (the fingerprint's sources), for evidence. */
  sources?: readonly FieldSource[];
  services: readonly Service[];
  facts: readonly Fact[];
}

export interface FindingOutcome {
  kind: 'finding';
  port?: number;
  proto?: Proto;
  detail?: string;
  key?: string;
  evidence?: Evidence;
  /** Overrides the profile severity only where the check's own text says so (rare). */
  severity?: Severity;
  /** References of this finding only (the advisory behind a firmware finding), after the check's own. */
  references?: readonly Reference[];
}

export interface NotEvaluatedOutcome {
  kind: 'not-evaluated';
  port?: number;
  proto?: Proto;
  reason: string;
}

export type Outcome = FindingOutcome | NotEvaluatedOutcome;

export type CheckParams = Readonly<Record<string, unknown>>;

export interface HostCheck {
  meta: CheckMeta & { level: 'host' };
  evaluate(host: HostView, params: CheckParams): Outcome[];
}

export interface FleetCheck {
  meta: CheckMeta & { level: 'fleet' };
  evaluate(hosts: readonly HostView[], params: CheckParams): (Outcome & { host: string })[];
}

export type Check = HostCheck | FleetCheck;

/** Facts of one type, optionally on one port. */
export function factsOf(host: HostView, type: string, port?: number): Fact[] {
  return host.facts.filter((f) => f.type === type && (port === undefined || f.port === port));
}

export function fires(o: Omit<FindingOutcome, 'kind'> = {}): FindingOutcome {
  return { kind: 'finding', ...o };
}

export function notEvaluated(reason: string, where: { port?: number; proto?: Proto } = {}): NotEvaluatedOutcome {
  return { kind: 'not-evaluated', reason, ...where };
}
