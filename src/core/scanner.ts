/**
 * The contract between the engine and the protocol scanners in `scanners/`.
 * A scanner observes and returns facts; it never judges (that is `src/checks`).
 */
import type { Fact, Mode, Service } from './model.ts';
import type { Net } from './net.ts';

export interface ScanContext {
  net: Net;
  mode: Mode;
  signal: AbortSignal;
  /** Profile parameters a scanner may need (timeouts, path dictionaries …). */
  params: Record<string, unknown>;
  /**
   * Record a problem that did not stop the scanner (a size cap hit, a time-out
   * on one request): it becomes an error line of the host, never a verdict.
   */
  warn(host: string, scanner: string, message: string, opts?: { port?: number; code?: string }): void;
}

/** What a scanner knows about the host it is asked to look at. */
export interface HostState {
  address: string;
  services: Service[];
  facts: Fact[];
}

export interface Scanner {
  /** Short id, also the `scanner` field of its facts and errors. */
  id: string;
  /** One line saying what it observes. */
  description: string;
  /** Should this scanner look at that service? */
  appliesTo(service: Service): boolean;
  /** Observe one service; throwing is allowed (the engine records an error line). */
  collect(ctx: ScanContext, host: HostState, service: Service): Promise<Fact[]>;
}

/**
 * A scanner run once per live host in the collect phase, for what the TCP
 * discovery cannot see: UDP services (SIP, SSDP) answer only when asked in
 * their own protocol. It receives the UDP ports the profile lists under its
 * id (`ports.udp.<id>`). A `service` fact with `proto: 'udp'` it returns adds
 * that service to the host.
 */
export interface HostScanner {
  id: string;
  description: string;
  collectHost(ctx: ScanContext, host: HostState, udpPorts: readonly number[]): Promise<Fact[]>;
  /**
   * Optional, discover phase: a small bounded probe of every target (a few
   * datagrams, one short wait), so that a device answering only over UDP
   * (a switch with SNMP and no TCP port open) is still found. A `service` fact
   * with `proto: 'udp'` it returns adds that service and makes the host live.
   */
  discoverHost?(ctx: ScanContext, address: string, udpPorts: readonly number[]): Promise<Fact[]>;
  /**
   * Optional, after the discover phase: hosts the scanner's discovery heard
   * that were not targets (a multicast WS-Discovery answer). The engine adds
   * those inside the scope, with these facts, and runs the discover phase on
   * them too. Called once per scan.
   */
  extraHosts?(ctx: ScanContext): Promise<{ address: string; facts: Fact[] }[]>;
}

/** Helper for scanners: a fact about one service. */
export function serviceFact(
  scanner: string,
  type: string,
  host: string,
  service: Pick<Service, 'port' | 'proto'>,
  data: Record<string, unknown>,
  evidence?: Fact['evidence'],
): Fact {
  const f: Fact = { type, host, port: service.port, proto: service.proto, scanner, data };
  if (evidence) f.evidence = evidence;
  return f;
}
