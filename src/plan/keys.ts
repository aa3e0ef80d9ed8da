/** Identity of a finding across scans and files (plan, CSV, waivers, comparisons). */
import type { Finding } from '../core/model.ts';

/**
 * `check@host[:port/proto][#key]`, e.g. `proto.telnet-enabled@192.0.2.10:23/tcp` or
 * `cred.default-accepted@192.0.2.10:80/tcp#hikvision-1`. The protocol is part of
 * it: SIP answers on udp/5060 and tcp/5060 are two findings.
 */
export function findingKey(f: Pick<Finding, 'check' | 'host' | 'port' | 'proto' | 'key'>): string {
  const where = f.port !== undefined ? `:${f.port}/${f.proto ?? 'tcp'}` : '';
  return `${f.check}@${f.host}${where}${f.key ? `#${f.key}` : ''}`;
}
