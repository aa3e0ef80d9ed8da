/**
 * Commissioning baseline: the observed safe state of one device the engineer
 * hardened by hand, written as a profile that extends the commissioning
 * profile. The `baseline.*` checks of that profile then fail any new device of
 * the model that deviates from it (services, TLS, SSH, ONVIF accounts, SNMP).
 *
 * A reference must itself pass: the scan that observes it runs under the base
 * profile, and any open finding at or above the base's commissioning `failAt`
 * refuses the baseline (a camera with Telnet on is not a reference). Pure:
 * a scan result in, a profile text or a refusal out.
 */
import { Document, isScalar, visit } from 'yaml';
import type { Finding, Host, Result, Severity } from '../core/model.ts';
import { atLeast, severityRank } from '../core/model.ts';
import type { Profile } from '../core/profile.ts';
import { hostViews } from '../checks/evaluate.ts';
import { isRequired } from '../plan/verdicts.ts';
import type { HostView } from '../checks/types.ts';
import {
  observedOnvifUsers,
  observedServices,
  observedSnmp,
  observedSsh,
  observedTls,
  speaksOnvif,
  type SshEndpointRef,
  type TlsEndpointRef,
} from '../checks/baseline/reference.ts';

/** When the base profile has no `commissioning:` section (anssi-base), a reference must pass at this threshold. */
export const DEFAULT_FAIL_AT: Severity = 'medium';

export interface BaselineOptions {
  /** "Axis P3245 site standard". */
  name: string;
  /** The new profile's id (lower-case letters, digits, dashes). */
  id: string;
  /** The profile the scan ran under and the new one extends. */
  base: Profile;
  /** How the new profile names it in `extends:` (default: its id, for a profile of profiles/). */
  extendsRef?: string;
  /** When it was taken (ISO 8601), for the file's header. */
  date: string;
  vigieVersion: string;
}

export interface BaselineRefusal {
  kind: 'refused';
  /** One line per reason, for the terminal. */
  reasons: string[];
  /** The findings that disqualify the device. */
  findings: Finding[];
}

export interface BaselineProfile {
  kind: 'profile';
  host: Host;
  /** The profile file's text (YAML with a header comment). */
  text: string;
  /** What could not be recorded, or could not be confirmed on the reference. */
  warnings: string[];
  /** What was recorded, counted, for the summary line. */
  recorded: { services: number; tlsEndpoints: number; sshEndpoints: number; onvifUsers: number | undefined; snmpVersions: string[] };
}

/** Lower-case id from a file name or a title: "profiles/site-axis.yaml" → "site-axis". */
export function profileIdFrom(text: string): string {
  const base = text.replace(/^.*[/\\]/, '').replace(/\.ya?ml$/i, '');
  const id = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return /^[a-z0-9]/.test(id) ? id : `baseline-${id || 'site'}`;
}

function describe(f: Finding): string {
  return `${f.severity.padEnd(8)} ${f.check}${f.port !== undefined ? ` (${f.port}/${f.proto ?? 'tcp'})` : ''}${f.detail ? ` — ${f.detail}` : ''}`;
}

export function buildBaseline(result: Result, opts: BaselineOptions): BaselineRefusal | BaselineProfile {
  const failAt = opts.base.commissioning?.failAt ?? DEFAULT_FAIL_AT;
  if (result.hosts.length !== 1) {
    return {
      kind: 'refused',
      reasons: [result.hosts.length ? `a baseline is taken from exactly one device; the scan found ${result.hosts.length}: ${result.hosts.map((h) => h.address).join(', ')}` : 'the device answered on none of the probed ports: nothing to record'],
      findings: [],
    };
  }
  const host = result.hosts[0]!;
  if (result.scan.partial || host.incomplete) {
    return { kind: 'refused', reasons: ['the device was not scanned to the end (interrupted or timed out): a partial observation is not a reference'], findings: [] };
  }
  const failing = result.findings
    .filter((f) => f.host === host.address && f.status === 'open' && f.check !== 'inventory.device' && atLeast(f.severity, failAt))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.check.localeCompare(b.check));
  if (failing.length) {
    return {
      kind: 'refused',
      reasons: [
        `${host.address} is not a reference: the profile "${opts.base.id}" already rejects it (${failing.length} open finding(s) at or above ${failAt}). Fix them and take the baseline again:`,
        ...failing.map((f) => `  ${describe(f)}`),
      ],
      findings: failing,
    };
  }

  const view: HostView = hostViews([host], result.facts)[0]!;
  const warnings: string[] = [];
  const unconcluded = result.notEvaluated.filter((n) => n.host === host.address && isRequired(n.check, { ...opts.base, commissioning: { failAt } }));
  for (const n of unconcluded) warnings.push(`not confirmed on the reference: ${n.check}${n.port !== undefined ? ` (${n.port})` : ''} — ${n.reason}`);

  const services = observedServices(view);
  const tls: TlsEndpointRef[] = [];
  for (const [port, o] of [...observedTls(view)].sort((a, b) => a[0] - b[0])) {
    if (!o.complete) {
      warnings.push(`TLS on ${port}/tcp not recorded: the enumeration was incomplete (${o.why}); take the baseline again`);
      continue;
    }
    tls.push(o.endpoint);
  }
  const ssh: SshEndpointRef[] = [...observedSsh(view).values()].sort((a, b) => a.port - b.port);
  for (const s of services.filter((x) => x.kind === 'ssh' && !ssh.some((e) => e.port === x.port))) warnings.push(`SSH on ${s.port}/tcp not recorded: its key exchange offer could not be read`);
  const users = observedOnvifUsers(view);
  if (!users && speaksOnvif(view)) warnings.push('ONVIF accounts not recorded: the user list could not be read (GetUsers needs the site ONVIF account: --credentials); baseline.onvif-users-deviation stays off');
  const snmp = observedSnmp(view);

  const reference = opts.name;
  const check = (params: Record<string, unknown>) => ({ enabled: true, severity: failAt, classes: [host.class], params: { reference, ...params } });
  const checks: Record<string, unknown> = {
    'baseline.unexpected-service': check({ services }),
    'baseline.tls-deviation': check({ endpoints: tls }),
    'baseline.ssh-deviation': check({ endpoints: ssh }),
    ...(users || !speaksOnvif(view) ? { 'baseline.onvif-users-deviation': check({ users: users ?? [] }) } : {}),
    'baseline.snmp-deviation': check({ versions: snmp }),
  };
  const identity = [host.vendor, host.model, host.firmware ? `firmware ${host.firmware}` : ''].filter(Boolean).join(' ');
  const profile = {
    id: opts.id,
    version: 1,
    extends: opts.extendsRef ?? opts.base.id,
    title: { en: opts.name, fr: opts.name },
    description: {
      en: `Commissioning baseline taken on ${opts.date.slice(0, 10)} from ${host.address}${identity ? ` (${identity})` : ''}, which passed "${opts.base.id}". Every new device of this model must match it.`,
      fr: `Référence de mise en service prise le ${opts.date.slice(0, 10)} sur ${host.address}${identity ? ` (${identity})` : ''}, conforme à « ${opts.base.id} ». Chaque nouvel équipement de ce modèle doit lui être identique.`,
    },
    checks,
  };
  const doc = new Document(profile);
  // Small leaf maps and lists on one line: a service, a user, an algorithm list.
  visit(doc, {
    Map(_, node) {
      if (node.items.every((p) => isScalar(p.value))) node.flow = true;
    },
    Seq(_, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  const header = [
    `Commissioning baseline written by \`vigie baseline\` (vigie ${opts.vigieVersion}) on ${opts.date}.`,
    `Reference device: ${host.address}${host.name ? ` (${host.name})` : ''}, class ${host.class}${identity ? `, ${identity}` : ''}.`,
    `It passed "${opts.base.id}" (fails at ${failAt}) before anything was recorded.`,
    'Verify every new device of this model with: vigie verify TARGETS --profile <this file>',
    'The baseline.* checks read their reference from the params below; any deviation fails the device.',
    ...warnings.map((w) => `WARNING: ${w}`),
  ];
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return {
    kind: 'profile',
    host,
    text: doc.toString({ lineWidth: 0 }),
    warnings,
    recorded: { services: services.length, tlsEndpoints: tls.length, sshEndpoints: ssh.length, onvifUsers: users?.length, snmpVersions: snmp },
  };
}
