/**
 * The planner (src/plan): grouping by remedy, phases, order within a phase,
 * stable action ids, vendor steps, waivers, commissioning verdicts, and the
 * follow-up of a plan by a later scan. Pure functions over hand-made findings.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, Host, NotEvaluated, Severity } from '../src/core/model.ts';
import { Plan as PlanSchema } from '../src/core/model.ts';
import { loadProfile } from '../src/core/profile.ts';
import { PROFILES_DIR } from '../src/core/paths.ts';
import { buildPlan, catalogueFrom, commissioningVerdicts, comparePlans, findingKey, loadRemedies, stepVendor } from '../src/plan/index.ts';
import { CHECKS } from '../src/checks/index.ts';

const SEVERITY_OF = new Map(CHECKS.map((c) => [c.meta.id, c.meta.severity]));

function finding(check: string, host: string, o: Partial<Finding> = {}): Finding {
  return {
    check,
    host,
    severity: (SEVERITY_OF.get(check) ?? 'medium') as Severity,
    title: { en: `title of ${check}`, fr: `titre de ${check}` },
    references: [],
    remediation: { en: `fix ${check}`, fr: `corriger ${check}` },
    status: 'open',
    ...o,
  };
}

function host(address: string, o: Partial<Host> = {}): Host {
  return { address, class: 'camera', sources: [], services: [], ...o };
}

const HOSTS = [
  host('192.0.2.10', { vendor: 'Hikvision', name: 'cam-1' }),
  host('192.0.2.11', { vendor: 'Axis' }),
  host('192.0.2.12', { vendor: 'Dahua' }),
  host('192.0.2.13'),
  host('192.0.2.20', { class: 'switch' }),
];

const input = (findings: Finding[], notEvaluated: NotEvaluated[] = [], hosts = HOSTS) => ({ hosts, findings, notEvaluated });

describe('grouping', () => {
  it('one action per remedy covers every device that needs it, with the findings it closes', () => {
    const plan = buildPlan(
      input([
        finding('proto.telnet-enabled', '192.0.2.10', { port: 23, proto: 'tcp' }),
        finding('proto.telnet-enabled', '192.0.2.12', { port: 23, proto: 'tcp' }),
        finding('proto.telnet-enabled', '192.0.2.13', { port: 2323, proto: 'tcp' }),
        finding('proto.telnet-enabled', '192.0.2.11', { port: 23, proto: 'tcp' }),
        finding('ftp.anonymous', '192.0.2.10', { port: 21, proto: 'tcp', key: 'anonymous' }),
        finding('proto.ftp-enabled', '192.0.2.10', { port: 21, proto: 'tcp' }),
        finding('inventory.device', '192.0.2.10', { severity: 'info' }),
      ]),
    );
    expect(PlanSchema.parse(plan)).toEqual(plan);
    expect(plan.actions.map((a) => a.id).sort()).toEqual(['disable-ftp', 'disable-telnet']);
    const telnet = plan.actions.find((a) => a.id === 'disable-telnet')!;
    expect(telnet.title.en).toBe('Disable Telnet');
    expect(telnet.devices.map((d) => d.host)).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13']);
    expect(telnet.findings).toContain('proto.telnet-enabled@192.0.2.13:2323/tcp');
    expect(telnet.effort).toEqual({ minutesPerDevice: 5, fixedMinutes: 10, totalMinutes: 30 });
    const ftp = plan.actions.find((a) => a.id === 'disable-ftp')!;
    expect(ftp.checks).toEqual(['ftp.anonymous', 'proto.ftp-enabled']);
    expect(ftp.findings).toEqual(['ftp.anonymous@192.0.2.10:21/tcp#anonymous', 'proto.ftp-enabled@192.0.2.10:21/tcp']);
    expect(ftp.severity).toBe('high');
  });

  it('a check no remedy names becomes its own action with the check remediation', () => {
    const plan = buildPlan(input([finding('vendor.future-check', '192.0.2.10', { severity: 'low' })]));
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]!.id).toBe('vendor.future-check');
    expect(plan.actions[0]!.title).toEqual({ en: 'Remediate: title of vendor.future-check', fr: 'Corriger : titre de vendor.future-check' });
    expect(plan.actions[0]!.steps[0]!.text.en).toBe('fix vendor.future-check');
  });

  it('vendor steps for the devices of that vendor, the generic step for all', () => {
    expect(stepVendor({ vendor: 'HIKVISION', class: 'camera' })).toBe('hikvision');
    expect(stepVendor({ vendor: 'Samsung Techwin', class: 'camera' })).toBe('hanwha');
    expect(stepVendor({ class: 'switch' })).toBe('switch-cli');
    expect(stepVendor({ vendor: 'Acme', class: 'camera' })).toBeUndefined();
    const plan = buildPlan(
      input([
        finding('proto.telnet-enabled', '192.0.2.10', { port: 23 }),
        finding('proto.telnet-enabled', '192.0.2.13', { port: 23 }),
        finding('proto.telnet-enabled', '192.0.2.20', { port: 23 }),
      ]),
    );
    const steps = plan.actions[0]!.steps;
    expect(steps.map((s) => [s.vendor, s.hosts])).toEqual([
      ['generic', ['192.0.2.10', '192.0.2.13', '192.0.2.20']],
      ['hikvision', ['192.0.2.10']],
      ['switch-cli', ['192.0.2.20']],
    ]);
    expect(steps[1]!.source).toMatch(/Hikvision/);
    expect(steps[2]!.text.en).toMatch(/transport input ssh/);
  });
});

describe('phases and order', () => {
  const phaseOf = (f: Finding[], hosts = HOSTS) => buildPlan(input(f, [], hosts)).actions.map((a) => [a.id, a.phase]);

  it.each([
    ['critical → immediate', [finding('cred.default-accepted', '192.0.2.10', { port: 80 })], 'immediate'],
    ['high → within 30 days', [finding('proto.telnet-enabled', '192.0.2.10', { port: 23 })], 'within-30-days'],
    ['high usable without credential → immediate', [finding('ftp.anonymous', '192.0.2.10', { port: 21 })], 'immediate'],
    ['medium → next maintenance', [finding('sip.cleartext', '192.0.2.10', { port: 5060 })], 'next-maintenance'],
    ['low → next maintenance', [finding('rtsp.basic-auth', '192.0.2.10', { port: 554 })], 'next-maintenance'],
  ])('%s', (_name, findings, phase) => {
    expect(phaseOf(findings)[0]![1]).toBe(phase);
  });

  it('on a device reachable from the user network, high is immediate and medium within 30 days', () => {
    const lan = finding('network.not-segmented', '192.0.2.10', { severity: 'medium' });
    const phases = Object.fromEntries(phaseOf([lan, finding('proto.telnet-enabled', '192.0.2.10', { port: 23 }), finding('sip.cleartext', '192.0.2.10', { port: 5060 })]));
    expect(phases).toEqual({ 'disable-telnet': 'immediate', 'sip-tls': 'within-30-days', 'segment-network': 'within-30-days' });
    // The same findings on another device stay where they were.
    expect(Object.fromEntries(phaseOf([lan, finding('proto.telnet-enabled', '192.0.2.11', { port: 23 })]))['disable-telnet']).toBe('within-30-days');
  });

  it('an action takes the most urgent phase of its findings', () => {
    const plan = buildPlan(input([finding('rtsp.basic-auth', '192.0.2.11', { port: 554 }), finding('rtsp.unauthenticated-stream', '192.0.2.10', { port: 554 })]));
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({ id: 'require-stream-auth', phase: 'immediate', severity: 'critical', reason: { en: 'critical finding' } });
  });

  it('within a phase, the most risk reduced per minute of effort comes first', () => {
    // immediate: unique passwords (2 criticals: 20 / (30 + 2×10) = 0.4), stream auth (1 critical: 10 / (15 + 5) = 0.5),
    // ONVIF auth (1 critical: 10 / (15 + 10) = 0.4, ties with passwords on ratio, then by id).
    const plan = buildPlan(
      input([
        finding('cred.default-accepted', '192.0.2.10', { port: 80 }),
        finding('cred.default-accepted', '192.0.2.11', { port: 80 }),
        finding('rtsp.unauthenticated-stream', '192.0.2.12', { port: 554 }),
        finding('onvif.unauthenticated', '192.0.2.13', { port: 80 }),
        finding('proto.telnet-enabled', '192.0.2.10', { port: 23 }),
        finding('rtsp.basic-auth', '192.0.2.13', { port: 554, severity: 'low' }),
      ]),
    );
    expect(plan.actions.map((a) => `${a.phase}:${a.id}:${a.riskReduction}/${a.effort.totalMinutes}`)).toEqual([
      'immediate:require-stream-auth:11/25',
      'immediate:onvif-authentication:10/25',
      'immediate:set-unique-passwords:20/50',
      'within-30-days:disable-telnet:5/15',
    ]);
  });
});

describe('stable ids', () => {
  it('an action id is its remedy id whatever the devices, and the plan does not depend on the order of findings', () => {
    const a = [finding('proto.telnet-enabled', '192.0.2.10', { port: 23 }), finding('http.cleartext-admin', '192.0.2.11', { port: 80 }), finding('cred.default-accepted', '192.0.2.12', { port: 80, key: 'k' })];
    const b = [finding('proto.telnet-enabled', '192.0.2.13', { port: 23 })];
    expect(buildPlan(input(a)).actions.find((x) => x.checks.includes('proto.telnet-enabled'))!.id).toBe(buildPlan(input(b)).actions[0]!.id);
    expect(buildPlan(input([...a].reverse()))).toEqual(buildPlan(input(a)));
  });

  it('finding keys name check, host, port/proto and key', () => {
    expect(findingKey({ check: 'sip.cleartext', host: '192.0.2.1', port: 5060, proto: 'udp' })).toBe('sip.cleartext@192.0.2.1:5060/udp');
    expect(findingKey({ check: 'cred.reused', host: '192.0.2.1', key: 'hikvision-1' })).toBe('cred.reused@192.0.2.1#hikvision-1');
  });
});

describe('waivers', () => {
  it('a waived finding makes no action, is listed apart, and never fails a verdict', () => {
    const profile = loadProfile('anssi-commissioning');
    const plan = buildPlan(input([finding('proto.telnet-enabled', '192.0.2.10', { port: 23, status: 'waived' })], [], [HOSTS[0]!]), profile);
    expect(plan.actions).toEqual([]);
    expect(plan.waived).toEqual([{ key: 'proto.telnet-enabled@192.0.2.10:23/tcp', check: 'proto.telnet-enabled', host: '192.0.2.10', severity: 'high' }]);
    expect(plan.verdicts!.devices[0]).toMatchObject({ verdict: 'pass', failing: [], waived: ['proto.telnet-enabled@192.0.2.10:23/tcp'] });
  });
});

describe('commissioning verdicts', () => {
  const loaded = loadProfile('anssi-commissioning');
  // Severities from the checks' own metadata, so the test does not follow the profile's tuning.
  const profile = { id: 'test-commissioning', version: 3, checks: {}, commissioning: { failAt: 'medium' as const } };

  it('needs a commissioning profile; anssi-base gives no verdicts', () => {
    expect(loaded.commissioning).toEqual({ failAt: 'medium' });
    expect(buildPlan(input([]), loadProfile('anssi-base')).verdicts).toBeUndefined();
  });

  it('fail at or above failAt, incomplete when a required check could not conclude, pass otherwise', () => {
    const v = commissioningVerdicts(
      {
        hosts: [host('192.0.2.1'), host('192.0.2.2'), host('192.0.2.3'), host('192.0.2.4'), host('192.0.2.5', { incomplete: true })],
        findings: [
          finding('sip.cleartext', '192.0.2.1', { port: 5060 }), // medium: fails
          finding('rtsp.basic-auth', '192.0.2.2', { port: 554 }), // low: below the threshold
          finding('inventory.device', '192.0.2.3', { severity: 'info' }),
        ],
        notEvaluated: [
          { check: 'cred.default-accepted', host: '192.0.2.3', port: 554, reason: 'budget used up' }, // critical check: required
          { check: 'onvif.ntp-not-configured', host: '192.0.2.4', reason: 'fault' }, // low check: not required
        ],
      },
      profile,
    );
    expect(v.devices.map((d) => [d.host, d.verdict])).toEqual([
      ['192.0.2.1', 'fail'],
      ['192.0.2.2', 'pass'],
      ['192.0.2.3', 'incomplete'],
      ['192.0.2.4', 'pass'],
      ['192.0.2.5', 'incomplete'],
    ]);
    expect(v.devices[0]!.failing).toEqual([{ key: 'sip.cleartext@192.0.2.1:5060/tcp', check: 'sip.cleartext', severity: 'medium' }]);
    expect(v.devices[2]!.notEvaluated).toEqual([{ check: 'cred.default-accepted', port: 554, reason: 'budget used up' }]);
    expect(v).toMatchObject({ profile: 'test-commissioning', profileVersion: 3, failAt: 'medium', pass: false });
  });

  it('a check the profile disables or lowers below failAt is not required', () => {
    const relaxed = { ...profile, checks: { 'cred.default-accepted': { enabled: false }, 'onvif.users-privilege': { severity: 'low' as const } } };
    const v = commissioningVerdicts(
      {
        hosts: [host('192.0.2.1')],
        findings: [],
        notEvaluated: [
          { check: 'cred.default-accepted', host: '192.0.2.1', reason: 'x' },
          { check: 'onvif.users-privilege', host: '192.0.2.1', reason: 'y' },
        ],
      },
      relaxed,
    );
    expect(v.devices[0]!.verdict).toBe('pass');
    expect(v.pass).toBe(true);
  });

  it('a single address that answered nothing is incomplete; ranges and excluded addresses are not listed', () => {
    const v = commissioningVerdicts(
      { hosts: [host('192.0.2.1')], findings: [], notEvaluated: [], scan: { targets: ['192.0.2.1', '192.0.2.9', '192.0.2.7', '192.0.2.100-120'], scope: { include: ['192.0.2.0/24'], exclude: ['192.0.2.7'] } } },
      profile,
    );
    expect(v.devices.map((d) => [d.host, d.verdict])).toEqual([
      ['192.0.2.1', 'pass'],
      ['192.0.2.9', 'incomplete'],
    ]);
    expect(v.pass).toBe(false);
  });

  it('no device at all is not a pass', () => {
    expect(commissioningVerdicts({ hosts: [], findings: [], notEvaluated: [] }, profile).pass).toBe(false);
  });
});

describe('comparePlans: a later scan follows the validated plan', () => {
  const before = buildPlan(
    input([
      finding('proto.telnet-enabled', '192.0.2.10', { port: 23 }),
      finding('proto.telnet-enabled', '192.0.2.11', { port: 23 }),
      finding('cred.default-accepted', '192.0.2.10', { port: 80, key: 'a' }),
      finding('cred.default-accepted', '192.0.2.10', { port: 554, key: 'a' }),
      finding('http.cleartext-admin', '192.0.2.12', { port: 80 }),
      finding('sip.cleartext', '192.0.2.13', { port: 5060 }),
    ]),
  );

  it('done, partly done, not done, waived, not verified, and new findings', () => {
    const after = [
      finding('proto.telnet-enabled', '192.0.2.11', { port: 23 }), // telnet: fixed on .10 only
      finding('cred.default-accepted', '192.0.2.10', { port: 554, key: 'a' }), // passwords: port 80 fixed, 554 not
      finding('http.cleartext-admin', '192.0.2.12', { port: 80 }), // https: not done
      finding('sip.cleartext', '192.0.2.13', { port: 5060, status: 'waived' }), // SIP: risk accepted
      finding('ssdp.upnp-enabled', '192.0.2.11', { port: 1900, proto: 'udp' }), // new
    ];
    const c = comparePlans(before, after);
    const status = Object.fromEntries(c.actions.map((a) => [a.id, a.status]));
    expect(status).toEqual({ 'disable-telnet': 'partly-done', 'set-unique-passwords': 'partly-done', 'https-admin': 'not-done', 'sip-tls': 'done' });
    const telnet = c.actions.find((a) => a.id === 'disable-telnet')!;
    expect(telnet.devices).toEqual([
      { host: '192.0.2.10', status: 'done', open: [] },
      { host: '192.0.2.11', status: 'not-done', open: ['proto.telnet-enabled@192.0.2.11:23/tcp'] },
    ]);
    expect(c.actions.find((a) => a.id === 'set-unique-passwords')!.devices[0]).toEqual({ host: '192.0.2.10', status: 'partly-done', open: ['cred.default-accepted@192.0.2.10:554/tcp#a'] });
    expect(c.actions.find((a) => a.id === 'sip-tls')!.devices[0]!.status).toBe('waived');
    expect(c.newFindings).toEqual(['ssdp.upnp-enabled@192.0.2.11:1900/udp']);
  });

  it('everything fixed is done; a device the new scan did not reach is not verified', () => {
    expect(comparePlans(before, []).actions.every((a) => a.status === 'done')).toBe(true);
    const c = comparePlans(before, { findings: [], hosts: [{ address: '192.0.2.10' }, { address: '192.0.2.12' }, { address: '192.0.2.13', incomplete: true }] });
    const status = Object.fromEntries(c.actions.map((a) => [a.id, a.status]));
    expect(status).toEqual({ 'disable-telnet': 'partly-done', 'set-unique-passwords': 'done', 'https-admin': 'done', 'sip-tls': 'not-verified' });
  });

  it('a finding moved to another port is not a fix', () => {
    const c = comparePlans(before, [finding('proto.telnet-enabled', '192.0.2.10', { port: 2323 }), finding('proto.telnet-enabled', '192.0.2.11', { port: 23 })]);
    expect(c.actions.find((a) => a.id === 'disable-telnet')!.status).toBe('not-done');
  });
});

describe('the remedy catalogue (profiles/remediation-steps.yaml)', () => {
  const catalogue = loadRemedies();

  it('names a remedy for every check of the catalogue that can fire above info', () => {
    const missing = CHECKS.filter((c) => c.meta.severity !== 'info' && !catalogue.byCheck.has(c.meta.id)).map((c) => c.meta.id);
    expect(missing).toEqual([]);
  });

  it('every remedy and step is bilingual; every vendor step names its source', () => {
    for (const r of catalogue.remedies) {
      expect(r.title.en && r.title.fr, r.id).toBeTruthy();
      expect(r.title.en).not.toBe(r.title.fr);
      for (const [vendor, step] of Object.entries(r.steps)) {
        expect(step!.en && step!.fr, `${r.id} ${vendor}`).toBeTruthy();
        if (vendor !== 'generic') expect((step as { source?: string }).source, `${r.id} ${vendor}`).toBeTruthy();
      }
    }
  });

  it('refuses a check listed under two remedies, and unknown vendor keys', () => {
    const doc = parseYaml(readFileSync(join(PROFILES_DIR, 'remediation-steps.yaml'), 'utf8')) as { remedies: Record<string, { checks: string[]; steps: Record<string, unknown> }> };
    const twice = structuredClone(doc);
    twice.remedies['disable-ftp']!.checks.push('proto.telnet-enabled');
    expect(() => catalogueFrom(twice)).toThrow(/proto\.telnet-enabled is in two remedies/);
    const vendor = structuredClone(doc);
    vendor.remedies['disable-ftp']!.steps.bosch = { en: 'x', fr: 'y' };
    expect(() => catalogueFrom(vendor)).toThrow(/steps/);
  });
});
