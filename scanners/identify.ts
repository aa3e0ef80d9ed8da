/**
 * Naming a service from its port and from what it said first. Port numbers
 * are only hints: a banner always wins over a port.
 */
import type { Service } from '../src/core/model.ts';

interface PortHint {
  kind: string;
  tls: boolean;
  /** The client speaks first on this protocol: no point waiting for a banner. */
  clientFirst: boolean;
}

/** Well-known ports of the devices vigie audits. */
export const PORT_HINTS: Readonly<Record<number, PortHint>> = {
  21: { kind: 'ftp', tls: false, clientFirst: false },
  22: { kind: 'ssh', tls: false, clientFirst: false },
  23: { kind: 'telnet', tls: false, clientFirst: false },
  80: { kind: 'http', tls: false, clientFirst: true },
  443: { kind: 'https', tls: true, clientFirst: true },
  554: { kind: 'rtsp', tls: false, clientFirst: true },
  8554: { kind: 'rtsp', tls: false, clientFirst: true },
  322: { kind: 'rtsps', tls: true, clientFirst: true },
  2323: { kind: 'telnet', tls: false, clientFirst: false },
  5060: { kind: 'sip', tls: false, clientFirst: true },
  5061: { kind: 'sips', tls: true, clientFirst: true },
  8000: { kind: 'http', tls: false, clientFirst: true },
  8080: { kind: 'http', tls: false, clientFirst: true },
  8443: { kind: 'https', tls: true, clientFirst: true },
  8899: { kind: 'http', tls: false, clientFirst: true },
  // Vendor binary protocols (Dahua DVRIP, XiongMai "Sofia"): recognised, not spoken yet.
  37777: { kind: 'dahua-dvrip', tls: false, clientFirst: true },
  34567: { kind: 'xm-dvrip', tls: false, clientFirst: true },
};

export function portHint(port: number): PortHint | undefined {
  return PORT_HINTS[port];
}

export function isClientFirst(port: number): boolean {
  return PORT_HINTS[port]?.clientFirst ?? false;
}

const IAC = 0xff;

/** Identify a TCP service from what it sent unprompted (if anything) and its port. */
export function identifyTcp(port: number, banner: Buffer | undefined): Pick<Service, 'kind' | 'tls'> & { via: 'banner' | 'port' | 'none' } {
  if (banner && banner.length > 0) {
    if (banner[0] === IAC) return { kind: 'telnet', tls: false, via: 'banner' };
    const text = banner.subarray(0, 64).toString('latin1');
    if (text.startsWith('SSH-')) return { kind: 'ssh', tls: false, via: 'banner' };
    if (/^220[ -]/.test(text)) return { kind: 'ftp', tls: false, via: 'banner' };
    if (/login:|username:|password:/i.test(banner.toString('latin1'))) return { kind: 'telnet', tls: false, via: 'banner' };
    const hint = PORT_HINTS[port];
    if (hint && !hint.clientFirst) return { kind: hint.kind, tls: hint.tls, via: 'port' };
    return { kind: 'unknown', tls: false, via: 'none' };
  }
  const hint = PORT_HINTS[port];
  if (hint) return { kind: hint.kind, tls: hint.tls, via: 'port' };
  return { kind: 'unknown', tls: false, via: 'none' };
}
