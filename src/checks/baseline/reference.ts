/**
 * The reference state a commissioning baseline records (`vigie baseline`),
 * as the `baseline.*` checks read it from their profile params. The same
 * functions extract it from a reference device's facts (baseline) and from a
 * new device's facts (verification), so both sides are read alike.
 */
import { z } from 'zod';
import type { OnvifUsersData, SnmpCommunityData, SnmpDiscoveryData, SshAuthMethodsData, SshKexinitData, TlsHandshakeData } from '../../core/facts.ts';
import type { HostView } from '../types.ts';
import { factsOf } from '../types.ts';

const name = z.string().min(1).max(200);

export const ServiceRef = z.strictObject({ port: z.number().int().min(1).max(65535), proto: z.enum(['tcp', 'udp']), kind: name });
export type ServiceRef = z.infer<typeof ServiceRef>;

/** Accepted suites per TLS version on one port (versions refused are absent). */
export const TlsEndpointRef = z.strictObject({ port: z.number().int().min(1).max(65535), versions: z.record(name, z.array(name).max(512)) });
export type TlsEndpointRef = z.infer<typeof TlsEndpointRef>;

export const SshEndpointRef = z.strictObject({
  port: z.number().int().min(1).max(65535),
  kex: z.array(name).max(256),
  hostKey: z.array(name).max(256),
  ciphers: z.array(name).max(256),
  macs: z.array(name).max(256),
  /** Methods listed after a `none` request; absent when they could not be read. */
  authMethods: z.array(name).max(32).optional(),
});
export type SshEndpointRef = z.infer<typeof SshEndpointRef>;

export const OnvifUserRef = z.strictObject({ name, level: name });
export type OnvifUserRef = z.infer<typeof OnvifUserRef>;

export const SNMP_VERSIONS = ['v1', 'v2c', 'v3'] as const;

/** `reference` names where the state comes from (shown in each finding). */
const base = { reference: z.string().max(500).optional() };
export const ServicesParams = z.strictObject({ ...base, services: z.array(ServiceRef).max(1024) });
export const TlsParams = z.strictObject({ ...base, endpoints: z.array(TlsEndpointRef).max(64) });
export const SshParams = z.strictObject({ ...base, endpoints: z.array(SshEndpointRef).max(16) });
export const OnvifUsersParams = z.strictObject({ ...base, users: z.array(OnvifUserRef).max(256) });
export const SnmpParams = z.strictObject({ ...base, versions: z.array(z.enum(SNMP_VERSIONS)) });

// ——— reading the state of a device from its facts ———

export function observedServices(host: Pick<HostView, 'services'>): ServiceRef[] {
  return host.services.map((s) => ({ port: s.port, proto: s.proto, kind: s.kind })).sort((a, b) => a.proto.localeCompare(b.proto) || a.port - b.port);
}

export const serviceKey = (s: ServiceRef): string => `${s.port}/${s.proto} ${s.kind}`;

export interface ObservedTls {
  endpoint: TlsEndpointRef;
  /** A version's answer was unreadable or the enumeration stopped early: the lists may be short. */
  complete: boolean;
  why?: string;
}

export function observedTls(host: HostView): Map<number, ObservedTls> {
  const out = new Map<number, ObservedTls>();
  for (const f of factsOf(host, 'tls.handshake')) {
    if (f.port === undefined) continue;
    const d = f.data as unknown as TlsHandshakeData;
    const versions: Record<string, string[]> = {};
    const unsure: string[] = [];
    for (const v of d.versions ?? []) {
      if (v.status === 'accepted') versions[v.version] = v.suites.map((s) => s.name).sort();
      if (v.status === 'unknown') unsure.push(`${v.version}: ${v.reason ?? 'no readable answer'}`);
      else if (v.status === 'accepted' && !v.complete) unsure.push(`${v.version}: suite enumeration not finished`);
    }
    out.set(f.port, { endpoint: { port: f.port, versions }, complete: unsure.length === 0 && d.complete !== false, ...(unsure.length ? { why: unsure.join('; ') } : d.complete === false ? { why: 'enumeration not finished' } : {}) });
  }
  return out;
}

export function observedSsh(host: HostView): Map<number, SshEndpointRef> {
  const out = new Map<number, SshEndpointRef>();
  for (const f of factsOf(host, 'ssh.kexinit')) {
    if (f.port === undefined) continue;
    const d = f.data as unknown as SshKexinitData;
    const uniq = (a: readonly string[]) => [...new Set(a)].sort();
    const ref: SshEndpointRef = {
      port: f.port,
      kex: uniq(d.kex),
      hostKey: uniq(d.hostKey),
      ciphers: uniq([...d.encS2C, ...d.encC2S]),
      macs: uniq([...d.macS2C, ...d.macC2S]),
    };
    const auth = factsOf(host, 'ssh.auth-methods', f.port)[0]?.data as unknown as SshAuthMethodsData | undefined;
    if (auth) ref.authMethods = uniq(auth.methods);
    out.set(f.port, ref);
  }
  return out;
}

/** The user list, from the first readable `onvif.users` fact (authenticated reads first). */
export function observedOnvifUsers(host: HostView): OnvifUserRef[] | undefined {
  const facts = factsOf(host, 'onvif.users').map((f) => f.data as unknown as OnvifUsersData);
  const d = facts.find((x) => x.auth === 'digest') ?? facts[0];
  if (!d) return undefined;
  return d.users.map((u) => ({ name: u.name, level: u.level })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether the device speaks ONVIF at all (an endpoint answered). */
export function speaksOnvif(host: HostView): boolean {
  return factsOf(host, 'onvif.endpoint').length > 0 || host.services.some((s) => s.kind === 'onvif');
}

/** SNMP versions that answered (v1/v2c with any community, v3 engine discovery). */
export function observedSnmp(host: HostView): (typeof SNMP_VERSIONS)[number][] {
  const seen = new Set<(typeof SNMP_VERSIONS)[number]>();
  for (const f of factsOf(host, 'snmp.community')) for (const v of (f.data as unknown as SnmpCommunityData).versions ?? []) seen.add(v);
  for (const f of factsOf(host, 'snmp.discovery')) {
    const d = f.data as unknown as SnmpDiscoveryData;
    if (d.v2cPublic) seen.add('v2c');
    if (d.v3) seen.add('v3');
  }
  if (factsOf(host, 'snmp.v3-engine').length) seen.add('v3');
  return SNMP_VERSIONS.filter((v) => seen.has(v));
}

/** A one-line "what is the reference" for findings. */
export function refLabel(params: { reference?: string | undefined }): string {
  return params.reference ? `the reference "${params.reference}"` : 'the reference';
}
