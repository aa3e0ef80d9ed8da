/**
 * Commissioning verdicts: "no device goes into service with its factory
 * configuration". Per device:
 *   - fail: an open (not waived) finding at or above the profile's `failAt`;
 *   - incomplete: no failing finding, but a required check could not conclude,
 *     the device was not scanned to the end, or it did not answer at all.
 *     A check is required when the profile enables it with a severity at or
 *     above `failAt` (it could have failed the device). Incomplete is not a pass;
 *   - pass: otherwise.
 * Pure: reads the result, never the network.
 */
import type { DeviceVerdict, Finding, Host, NotEvaluated, Severity, Verdicts } from '../core/model.ts';
import { atLeast } from '../core/model.ts';
import { parseIpv4, Scope } from '../core/scope.ts';
import type { Profile } from '../core/profile.ts';
import { CHECKS } from '../checks/index.ts';
import { findingKey } from './keys.ts';

export interface VerdictInput {
  hosts: readonly Host[];
  findings: readonly Finding[];
  notEvaluated: readonly NotEvaluated[];
  scan?: { targets: readonly string[]; scope?: { include: readonly string[]; exclude: readonly string[] } };
}

export type VerdictProfile = Pick<Profile, 'id' | 'version' | 'checks'> & { commissioning: { failAt: Severity } };

const CHECK_SEVERITY = new Map(CHECKS.map((c) => [c.meta.id, c.meta.severity]));

/** Whether a check that could not conclude leaves the verdict open. Unknown checks count (never a silent pass). */
export function isRequired(check: string, profile: VerdictProfile): boolean {
  const setting = profile.checks[check];
  if (setting?.enabled === false) return false;
  const severity = setting?.severity ?? CHECK_SEVERITY.get(check);
  return severity === undefined || atLeast(severity, profile.commissioning.failAt);
}

/** Single addresses the user named that never appear among the hosts: they did not answer. */
function silentTargets(input: VerdictInput): string[] {
  if (!input.scan) return [];
  const seen = new Set(input.hosts.map((h) => h.address));
  let scope: Scope | undefined;
  try {
    if (input.scan.scope) scope = Scope.parse([...input.scan.scope.include], [...input.scan.scope.exclude]);
  } catch {
    scope = undefined;
  }
  return [...new Set(input.scan.targets.map((t) => t.trim()))].filter((t) => parseIpv4(t) !== undefined && !seen.has(t) && (!scope || scope.allows(t)));
}

export function commissioningVerdicts(input: VerdictInput, profile: VerdictProfile): Verdicts {
  const failAt = profile.commissioning.failAt;
  const devices: DeviceVerdict[] = input.hosts.map((h) => {
    const mine = input.findings.filter((f) => f.host === h.address && f.check !== 'inventory.device' && atLeast(f.severity, failAt));
    const failing = mine.filter((f) => f.status !== 'waived').map((f) => ({ key: findingKey(f), check: f.check, severity: f.severity }));
    const waived = mine.filter((f) => f.status === 'waived').map((f) => findingKey(f));
    const notEvaluated = input.notEvaluated
      .filter((n) => n.host === h.address && isRequired(n.check, profile))
      .map((n) => ({ check: n.check, ...(n.port !== undefined ? { port: n.port } : {}), reason: n.reason }));
    if (h.incomplete) notEvaluated.push({ check: 'scan', reason: 'the device was not scanned to the end (time-out or interruption)' });
    const verdict: DeviceVerdict = {
      host: h.address,
      verdict: failing.length ? 'fail' : notEvaluated.length ? 'incomplete' : 'pass',
      failing,
      notEvaluated,
      waived,
    };
    if (h.name) verdict.name = h.name;
    return verdict;
  });
  for (const address of silentTargets(input)) {
    devices.push({ host: address, verdict: 'incomplete', failing: [], notEvaluated: [{ check: 'scan', reason: 'the device answered on none of the probed ports' }], waived: [] });
  }
  devices.sort((a, b) => a.host.localeCompare(b.host, 'en', { numeric: true }));
  return {
    profile: profile.id,
    profileVersion: profile.version,
    failAt,
    pass: devices.length > 0 && devices.every((d) => d.verdict === 'pass'),
    devices,
  };
}
