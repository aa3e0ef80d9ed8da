/**
 * What the benchmark's simulated sites are made of, and what must be found on
 * them. Sites mix legacy and hardened personalities so that every protocol of
 * the catalogue is present at every size (telnet, FTP, HTTP, HTTPS/TLS, RTSP,
 * RTSPS, SIP, SSDP, SSH, ONVIF, WS-Discovery, SNMP). No hostile device here:
 * those are the hostile suite's business (test/hostile/), a benchmark measures
 * a site that behaves.
 *
 * Ground truth: each personality's `expected` list, except the fleet checks,
 * which depend on the site's composition (a factory key is only "shared" when
 * two units of that model are on the site). Those are recomputed here from the
 * groups below: a device gets the fleet check when another device of the site
 * is in one of its groups.
 */
import type { DeviceSpec } from '../src/lab/site.ts';
import { PERSONALITIES } from '../src/lab/personalities.ts';

/** The 12-device site: one of each protocol family, pairs where a fleet check needs two units. */
export const SMALL_SITE: readonly string[] = [
  'legacy-camera', // telnet, FTP, HTTP Basic, RTSP open, ONVIF, WS-Discovery
  'hardened-camera', // HTTPS, HTTP redirect, RTSP and RTSPS behind Digest
  'door-intercom', // SIP udp/tcp, HTTP login form, ONVIF
  'access-controller', // telnet, HTTP Basic with the same factory password as the camera
  'legacy-ssh-factory-key',
  'legacy-ssh-factory-key',
  'modern-ssh',
  'legacy-tls-camera',
  'factory-cert-camera',
  'factory-cert-camera',
  'snmp-switch',
  'upnp-camera', // SSDP
];

/**
 * The repeating pattern of the larger sites (33 devices): mostly cameras, then
 * recorders, door equipment, switches, as on a real security network. Ordered
 * so that any prefix of 12 or more still covers every protocol.
 */
export const PATTERN: readonly string[] = [
  'legacy-camera',
  'hardened-camera',
  'door-intercom',
  'legacy-ssh-factory-key',
  'legacy-tls-camera',
  'factory-cert-camera',
  'snmp-switch',
  'upnp-camera',
  'access-controller',
  'modern-ssh',
  'rtsps-camera',
  'onvif-open-camera',
  'digest-camera',
  'legacy-nvr',
  'legacy-ssh-factory-key',
  'factory-cert-camera',
  'sip-intercom',
  'open-rtsp-camera',
  'basic-rtsp-camera',
  'digest-rtsp-camera',
  'onvif-ntp-fault',
  'onvif-secure-camera',
  'legacy-ssh',
  'unpatched-ssh',
  'weak-cert-nvr',
  'legacy-ssl-camera',
  'anon-tls-intercom',
  'legacy-rtsps-camera',
  'modern-tls-camera',
  'sips-intercom',
  'snmp-camera',
  'snmp-v3-only',
  'snmp-v3-weak',
];

export function composition(size: number): DeviceSpec[] {
  const list = size <= SMALL_SITE.length ? SMALL_SITE.slice(0, size) : Array.from({ length: size }, (_, i) => PATTERN[i % PATTERN.length]!);
  return list.map((personality, i) => ({ name: `${personality}-${i + 1}`, personality }));
}

/** A personality that only answers WS-Discovery (the 1000-responder count). */
export const WSD_ONLY = 'wsd-only-camera';

/** Checks whose outcome depends on the other devices of the site. */
export const FLEET_CHECKS = ['cred.reused', 'ssh.shared-hostkey', 'tls.cert-shared'] as const;

/**
 * Which group each personality belongs to, per fleet check: the dictionary
 * entries its default logins match (cred.reused groups by entry id; the entry
 * depends on the vendor the fingerprint names), the factory host key, the
 * factory certificate.
 */
export const FLEET_GROUPS: Readonly<Record<(typeof FLEET_CHECKS)[number], Readonly<Record<string, readonly string[]>>>> = {
  'cred.reused': {
    'legacy-camera': ['hikvision-1'],
    'access-controller': ['hikvision-1'],
    'basic-rtsp-camera': ['hikvision-1'],
    'digest-camera': ['hanwha-1'],
    'legacy-ssh': ['generic-2'],
    'legacy-ssh-factory-key': ['generic-2'],
  },
  'ssh.shared-hostkey': { 'legacy-ssh-factory-key': ['factory-image'] },
  'tls.cert-shared': { 'factory-cert-camera': ['factory-image'] },
};

/** The checks that must fire on each device of the composition (inventory.device left out). */
export function expectedFindings(devices: readonly DeviceSpec[]): string[][] {
  const members = new Map<string, number>();
  for (const d of devices) {
    for (const check of FLEET_CHECKS) for (const g of FLEET_GROUPS[check][d.personality] ?? []) members.set(`${check}|${g}`, (members.get(`${check}|${g}`) ?? 0) + 1);
  }
  return devices.map((d) => {
    const p = PERSONALITIES[d.personality];
    if (!p) throw new Error(`unknown personality ${d.personality}`);
    const own = p.expected.filter((c) => !(FLEET_CHECKS as readonly string[]).includes(c));
    const fleet = FLEET_CHECKS.filter((check) => (FLEET_GROUPS[check][d.personality] ?? []).some((g) => (members.get(`${check}|${g}`) ?? 0) >= 2));
    return [...new Set([...own, ...fleet])].sort();
  });
}

/** The protocol families a composition covers (by the lab's service names), to show every one is there. */
export function protocolsOf(devices: readonly DeviceSpec[]): string[] {
  const names = new Set<string>();
  for (const d of devices) {
    const p = PERSONALITIES[d.personality]!;
    for (const s of p.services) names.add(s.name.replace(/-tcp$/, ''));
    for (const s of p.udpServices ?? []) names.add(s.name);
  }
  return [...names].sort();
}
