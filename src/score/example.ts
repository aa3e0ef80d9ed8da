/**
 * The worked example of docs/scoring.md: a small site, scored by the real
 * code under the anssi-base profile. test/score.test.ts renders these tables
 * and compares them with the document's, so the document cannot drift from
 * what vigie computes.
 */
import type { DeviceClass, Finding, Host, NotEvaluated, Score, Severity } from '../core/model.ts';
import type { ScoreProfile } from './score.ts';
import { scoreResult } from './score.ts';

function host(address: string, name: string, cls: DeviceClass): Host {
  return { address, name, class: cls, sources: [], services: [] };
}

function finding(host: string, check: string, severity: Severity, port?: number, status: Finding['status'] = 'open'): Finding {
  const f: Finding = { check, host, severity, title: { en: check, fr: check }, references: [], remediation: { en: '', fr: '' }, status };
  if (port !== undefined) f.port = port;
  return f;
}

export const EXAMPLE_SITE: { hosts: Host[]; findings: Finding[]; notEvaluated: NotEvaluated[] } = {
  hosts: [
    host('192.0.2.11', 'cam-hall', 'camera'),
    host('192.0.2.12', 'cam-dock', 'camera'),
    host('192.0.2.13', 'cam-gate', 'camera'),
    host('192.0.2.20', 'nvr-1', 'nvr'),
    host('192.0.2.30', 'door-1', 'access-controller'),
    host('192.0.2.40', 'sw-cctv', 'switch'),
  ],
  findings: [
    // cam-hall: hardened; its certificate comes from the site's private CA, which the profile accepts.
    finding('192.0.2.11', 'tls.cert-untrusted-ca', 'low', 443),
    // cam-dock: good passwords, but TLS 1.0 still accepted.
    finding('192.0.2.12', 'tls.legacy-protocol', 'high', 443),
    finding('192.0.2.12', 'rtsp.basic-auth', 'low', 554),
    // cam-gate: factory password on two services (counted once), and three administrators.
    finding('192.0.2.13', 'cred.default-accepted', 'critical', 80),
    finding('192.0.2.13', 'cred.default-accepted', 'critical', 554),
    finding('192.0.2.13', 'onvif.users-privilege', 'medium', 80),
    // nvr-1: web administration over plain HTTP.
    finding('192.0.2.20', 'http.cleartext-admin', 'high', 80),
    finding('192.0.2.20', 'onvif.cleartext', 'low', 80),
    finding('192.0.2.20', 'time.ntp-not-configured', 'low'),
    // door-1: SSH accepts passwords; the default-credential test could not run on its web UI.
    finding('192.0.2.30', 'ssh.password-auth', 'medium', 22),
    // sw-cctv: SNMP v2c with the site's community; the factory community is waived until the switch is replaced.
    finding('192.0.2.40', 'snmp.v1v2c-enabled', 'medium', 161),
    finding('192.0.2.40', 'switch.unused-ports-up', 'low', 161),
    finding('192.0.2.40', 'snmp.community-readable', 'high', 161, 'waived'),
  ],
  notEvaluated: [{ check: 'cred.default-accepted', host: '192.0.2.30', port: 443, reason: 'device failure budget used up' }],
};

export function scoreExample(profile: ScoreProfile): Score {
  return scoreResult(EXAMPLE_SITE, profile);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The per-device table of the worked example, as it appears in docs/scoring.md. */
export function renderExampleDevices(score: Score): string {
  const rows = score.devices.map((d) => {
    const deductions = d.deductions.length ? d.deductions.map((x) => `${x.check} −${x.points}`).join(', ') : '—';
    const caps = d.caps.length ? d.caps.map((c) => `${c.id} → ${c.grade}${c.binding ? '' : ' (not binding)'}`).join(', ') : '—';
    const grade = d.grade === 'incomplete' ? `incomplete (at best ${d.best!.grade} ${d.best!.score})` : `**${d.grade}**`;
    const notes = [
      ...(d.incomplete ?? []).map((n) => `withheld: ${n.check}${n.port !== undefined ? ` (${n.port})` : ''} not evaluated`),
      ...d.waived.map((w) => `waived: ${w}`),
    ];
    return `| ${cell(d.name ?? d.host)} | ${d.class} | ${cell(deductions)} | ${d.points} | ${cell(caps)} | ${d.score ?? '—'} | ${grade} | ${cell(notes.join('; ') || '—')} |`;
  });
  return ['| device | class | points off | points | caps | score | grade | notes |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}

/** The per-class and site table of the worked example. */
export function renderExampleGroups(score: Score): string {
  const line = (label: string, g: Score['site']) =>
    `| ${label} | ${g.devices} | ${g.mean} | ${g.weakest ?? '—'} | ${g.score ?? '—'} | ${g.grade === 'incomplete' ? `incomplete (at best ${g.best!.grade} ${g.best!.score})` : `**${g.grade}**`} |`;
  return [
    '| group | devices | mean | weakest | score | grade |',
    '|---|---|---|---|---|---|',
    ...score.classes.map((c) => line(c.class, c)),
    line('**site**', score.site),
  ].join('\n');
}
