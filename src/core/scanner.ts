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
