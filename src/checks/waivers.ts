/**
 * Waivers, applied after evaluation: one pure function, called by the engine
 * after a scan and by `vigie evaluate` on saved facts.
 *
 * A waiver names a check and devices (one selector: address, CIDR block,
 * device class or a glob over the inventory name), optionally a port. It
 * applies up to and including its expiry day, judged against `asOf` (the
 * scan's date; `vigie evaluate --as-of` may move it): a matching finding then
 * stays in the result with status `waived` and the waiver attached. Once
 * expired, the finding is open again and still carries the waiver, marked
 * `expired`, so the report says so. Waivers that matched no finding are
 * returned too (a typo in an address should not go unnoticed).
 */
import type { DeviceClass, Finding, FindingWaiver } from '../core/model.ts';
import { parseIpv4, parseRange } from '../core/scope.ts';
import { waiverSelector, type Waiver } from '../core/site-file.ts';

export interface WaiverHost {
  address: string;
  name?: string;
  class: DeviceClass;
}

export interface WaiverOutcome {
  findings: Finding[];
  /** Waivers that matched a finding but had expired. */
  expired: Waiver[];
  /** Waivers that matched no finding at all. */
  unused: Waiver[];
}

/** `cam-*`, `door-?` → an anchored, case-insensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function selects(w: Waiver, host: WaiverHost | undefined, address: string): boolean {
  if (w.host) return w.host === address;
  if (w.cidr) {
    const n = parseIpv4(address);
    const r = parseRange(w.cidr);
    return n !== undefined && n >= r.first && n <= r.last;
  }
  if (w.class) return host?.class === w.class;
  if (w.name) return host?.name !== undefined && globToRegExp(w.name).test(host.name);
  return false;
}

export function waiverMatches(w: Waiver, f: Pick<Finding, 'check' | 'host' | 'port'>, host?: WaiverHost): boolean {
  if (w.check !== f.check) return false;
  if (w.port !== undefined && w.port !== f.port) return false;
  return selects(w, host, f.host);
}

/** Active through its expiry day: `asOf` and `expires` are both YYYY-MM-DD. */
export function waiverActive(w: Pick<Waiver, 'expires'>, asOf: string): boolean {
  return asOf <= w.expires;
}

function attach(w: Waiver, asOf: string): FindingWaiver {
  const out: FindingWaiver = {
    selector: waiverSelector(w),
    justification: w.justification,
    approver: w.approver,
    expires: w.expires,
    state: waiverActive(w, asOf) ? 'active' : 'expired',
    asOf,
  };
  if (w.id) out.id = w.id;
  if (w.port !== undefined) out.port = w.port;
  return out;
}

/**
 * Apply `waivers` to `findings` as of `asOf` (YYYY-MM-DD). Findings are
 * returned in the same order; waivers already recorded on a finding (an
 * earlier run) are replaced, so re-applying gives the same answer.
 */
export function applyWaivers(findings: readonly Finding[], hosts: readonly WaiverHost[], waivers: readonly Waiver[], asOf: string): WaiverOutcome {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`applyWaivers: "${asOf}" is not a YYYY-MM-DD date`);
  const byAddress = new Map(hosts.map((h) => [h.address, h]));
  const used = new Set<Waiver>();
  const expired = new Set<Waiver>();
  const out = findings.map((f) => {
    const { waiver: _previous, ...bare } = f;
    const matching = waivers.filter((w) => waiverMatches(w, f, byAddress.get(f.host)));
    if (!matching.length) return { ...bare, status: 'open' as const };
    for (const w of matching) used.add(w);
    // An active waiver wins; among several, the one that lasts longest (then the first written).
    const active = matching.filter((w) => waiverActive(w, asOf)).sort((a, b) => (a.expires < b.expires ? 1 : a.expires > b.expires ? -1 : 0));
    if (active.length) return { ...bare, status: 'waived' as const, waiver: attach(active[0]!, asOf) };
    const last = [...matching].sort((a, b) => (a.expires < b.expires ? 1 : a.expires > b.expires ? -1 : 0))[0]!;
    expired.add(last);
    return { ...bare, status: 'open' as const, waiver: attach(last, asOf) };
  });
  return { findings: out, expired: [...expired], unused: waivers.filter((w) => !used.has(w)) };
}
