/** Shared helpers of the SNMP checks: which UDP ports carried SNMP, and how to name a community in a finding. */
import type { HostView } from '../types.ts';
import { factsOf } from '../types.ts';
import type { SnmpCommunityRef, SnmpProbeData } from '../../core/facts.ts';

/** Ports where the SNMP scanner ran (its `snmp.probe` summary) or an SNMP service was found. */
export function snmpPorts(host: HostView): number[] {
  const ports = new Set<number>();
  for (const f of factsOf(host, 'snmp.probe')) if (f.port !== undefined) ports.add(f.port);
  for (const s of host.services) if (s.proto === 'udp' && s.kind === 'snmp') ports.add(s.port);
  return [...ports].sort((a, b) => a - b);
}

export function probeOn(host: HostView, port: number): SnmpProbeData | undefined {
  return factsOf(host, 'snmp.probe', port)[0]?.data as unknown as SnmpProbeData | undefined;
}

/** Dictionary defaults by name (the report must name them); site-supplied ones by their label only. */
export function communityName(c: SnmpCommunityRef): string {
  return c.default ? `community "${c.community}"` : `a site-supplied community (${c.community}, value not shown)`;
}
