/**
 * Runs the catalogue over facts under a profile. Pure: facts + profile in,
 * findings and not-evaluated lines out. Used by the engine after a scan and
 * by offline re-evaluation.
 */
import type { Finding, Host, NotEvaluated, Fact, Severity, DeviceClass } from '../core/model.ts';
import { severityRank } from '../core/model.ts';
import type { Profile } from '../core/profile.ts';
import { errorMessage } from '../core/errors.ts';
import { CHECKS } from './index.ts';
import type { Check, CheckMeta, FleetCheck, HostCheck, HostView, Outcome } from './types.ts';

export interface Evaluation {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
}

export function hostViews(hosts: readonly Host[], facts: readonly Fact[]): HostView[] {
  const byHost = new Map<string, Fact[]>();
  for (const f of facts) {
    const list = byHost.get(f.host) ?? [];
    list.push(f);
    byHost.set(f.host, list);
  }
  return hosts.map((h) => {
    const v: HostView = { address: h.address, class: h.class, services: h.services, facts: byHost.get(h.address) ?? [] };
    if (h.name) v.name = h.name;
    if (h.vendor) v.vendor = h.vendor;
    if (h.model) v.model = h.model;
    if (h.firmware) v.firmware = h.firmware;
    if (h.sources.length) v.sources = h.sources;
    return v;
  });
}

function applies(classes: readonly DeviceClass[] | 'all', cls: DeviceClass): boolean {
  return classes === 'all' || classes.includes(cls);
}

function toFinding(meta: CheckMeta, severity: Severity, host: string, o: Outcome & { kind: 'finding' }): Finding {
  const f: Finding = {
    check: meta.id,
    host,
    severity: o.severity ?? severity,
    title: meta.title,
    references: [...meta.references, ...(o.references ?? [])],
    remediation: meta.remediation,
    status: 'open',
  };
  if (o.port !== undefined) f.port = o.port;
  if (o.proto) f.proto = o.proto;
  if (o.detail) f.detail = o.detail;
  if (o.key) f.key = o.key;
  if (o.evidence) f.evidence = o.evidence;
  return f;
}

function toNotEvaluated(id: string, host: string, o: Outcome & { kind: 'not-evaluated' }): NotEvaluated {
  const n: NotEvaluated = { check: id, host, reason: o.reason };
  if (o.port !== undefined) n.port = o.port;
  if (o.proto) n.proto = o.proto;
  return n;
}

export function evaluate(hosts: readonly Host[], facts: readonly Fact[], profile: Profile, checks: readonly Check[] = CHECKS): Evaluation {
  const views = hostViews(hosts, facts);
  const findings: Finding[] = [];
  const notEvaluated: NotEvaluated[] = [];
  for (const check of checks) {
    const setting = profile.checks[check.meta.id] ?? {};
    if (setting.enabled === false) continue;
    const severity = setting.severity ?? check.meta.severity;
    const classes = setting.classes ?? check.meta.classes;
    const params = setting.params ?? {};
    const record = (host: string, outcomes: Outcome[]) => {
      for (const o of outcomes) {
        if (o.kind === 'finding') findings.push(toFinding(check.meta, severity, host, o));
        else notEvaluated.push(toNotEvaluated(check.meta.id, host, o));
      }
    };
    if (check.meta.level === 'host') {
      const hostCheck = check as HostCheck;
      for (const view of views) {
        if (!applies(classes, view.class)) continue;
        try {
          record(view.address, hostCheck.evaluate(view, params));
        } catch (err) {
          record(view.address, [{ kind: 'not-evaluated', reason: `the check failed: ${errorMessage(err)}` }]);
        }
      }
    } else {
      const eligible = views.filter((v) => applies(classes, v.class));
      try {
        for (const o of (check as FleetCheck).evaluate(eligible, params)) record(o.host, [o]);
      } catch (err) {
        for (const v of eligible) record(v.address, [{ kind: 'not-evaluated', reason: `the fleet check failed: ${errorMessage(err)}` }]);
      }
    }
  }
  findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.host.localeCompare(b.host, 'en', { numeric: true }) || (a.port ?? 0) - (b.port ?? 0));
  return { findings, notEvaluated };
}
