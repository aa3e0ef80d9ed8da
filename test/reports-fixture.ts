/** A result whose devices put injection attempts everywhere a device can put text (shared by the report tests). */
import type { Result } from '../src/core/model.ts';
import { buildPlan } from '../src/plan/planner.ts';
import { loadProfile } from '../src/core/profile.ts';

export const SCRIPT = '<script>window.pwned=true</script>';
export const HOSTILE = `${SCRIPT}"><img src=x onerror="window.pwned=true"> | \`x\` =cmd|' /C calc'!A0 \u202eevil\u0007`;

export function hostileResult(opts: { commissioning?: boolean } = {}): Result {
  const result: Result = {
    schema: 'vigie.result/1',
    scan: {
      id: 'fixture',
      started: '2026-03-01T10:00:00.000Z',
      finished: '2026-03-01T10:00:05.000Z',
      vigieVersion: '0.1.0',
      mode: 'credentials',
      profile: opts.commissioning ? 'anssi-commissioning' : 'anssi-base',
      scope: { include: ['127.42.0.0/24'], exclude: [] },
      targets: ['127.42.0.10', '127.42.0.11'],
      ports: [23, 80],
      partial: false,
      timings: {},
      stats: { targets: 2, hostsReported: 2, connections: 10 },
      limits: { perHost: 2, global: 64 },
    },
    hosts: [
      {
        address: '127.42.0.10',
        name: `cam" onmouseover="window.pwned=true`,
        class: 'camera',
        vendor: 'Hikvision',
        model: HOSTILE,
        firmware: `V5 ${SCRIPT}`,
        sources: [],
        services: [
          { port: 23, proto: 'tcp', kind: 'telnet', tls: false, banner: HOSTILE },
          { port: 80, proto: 'tcp', kind: 'http', tls: false, banner: '</pre></details></section><script>window.pwned=true</script>' },
        ],
      },
      { address: '127.42.0.11', class: 'nvr', vendor: 'Axis', model: 'Q-1', sources: [], services: [{ port: 80, proto: 'tcp', kind: 'http', tls: false }] },
    ],
    facts: [{ type: 'onvif.device-info', host: '127.42.0.10', port: 80, proto: 'tcp', scanner: 'onvif', data: { serialNumber: HOSTILE, auth: 'none' } }],
    findings: [
      {
        check: 'proto.telnet-enabled',
        host: '127.42.0.10',
        port: 23,
        proto: 'tcp',
        severity: 'high',
        title: { en: 'Telnet is enabled', fr: 'Telnet est activé' },
        detail: HOSTILE,
        evidence: { received: `login: ${HOSTILE}\n</pre>${SCRIPT}`, note: HOSTILE },
        references: [{ id: 'ANSSI-PA-072 R25' }],
        remediation: { en: 'Disable Telnet.', fr: 'Désactiver Telnet.' },
        status: 'open',
      },
      {
        check: 'cred.default-accepted',
        host: '127.42.0.10',
        port: 80,
        proto: 'tcp',
        severity: 'critical',
        key: HOSTILE,
        title: { en: 'Default credential accepted', fr: 'Identifiant par défaut accepté' },
        detail: HOSTILE,
        references: [],
        remediation: { en: 'Set a unique password.', fr: 'Définir un mot de passe unique.' },
        status: 'open',
      },
      {
        check: 'http.cleartext-admin',
        host: '127.42.0.11',
        port: 80,
        proto: 'tcp',
        severity: 'high',
        title: { en: 'Administration interface served over plain HTTP', fr: "Interface d'administration servie en HTTP non chiffré" },
        references: [],
        remediation: { en: 'Enable HTTPS.', fr: 'Activer HTTPS.' },
        status: 'open',
      },
    ],
    notEvaluated: [{ check: 'rtsp.basic-auth', host: '127.42.0.10', port: 554, reason: HOSTILE }],
    errors: [{ host: '127.42.0.10', port: 80, scanner: 'http', message: HOSTILE }],
  };
  result.plan = buildPlan(result, opts.commissioning ? loadProfile('anssi-commissioning') : undefined);
  return result;
}
