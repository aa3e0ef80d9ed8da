/**
 * What the ONVIF checks share: reading `onvif.*` facts per device-service
 * port, telling a refusal for want of credentials from any other outcome,
 * and the time-synchronisation verdict (also used by time.ntp-not-configured).
 */
import type { Evidence, Fact } from '../../core/model.ts';
import type { OnvifDateTimeData, OnvifEndpointData, OnvifNtpData, OnvifOperationData } from '../../core/facts.ts';
import type { HostView } from '../types.ts';
import { factsOf } from '../types.ts';

export interface OnvifPort {
  port: number;
  endpoint: OnvifEndpointData;
  evidence?: Evidence;
  operations: OnvifOperationData[];
  /** The operation facts themselves (for their evidence). */
  operationFacts: Fact[];
}

/** Every port where the ONVIF device service answered SOAP. */
export function onvifPorts(host: HostView): OnvifPort[] {
  return factsOf(host, 'onvif.endpoint').map((f) => {
    const operationFacts = factsOf(host, 'onvif.operation', f.port);
    const p: OnvifPort = {
      port: f.port!,
      endpoint: f.data as unknown as OnvifEndpointData,
      operations: operationFacts.map((o) => o.data as unknown as OnvifOperationData),
      operationFacts,
    };
    if (f.evidence) p.evidence = f.evidence;
    return p;
  });
}

const AUTH_SUBCODES = /^(NotAuthorized|FailedAuthentication|Unauthorized|AccessDenied|SenderNotAuthorized)$/i;

/** The device refused the operation for want of (valid) credentials. */
export function refusedForAuth(op: OnvifOperationData): boolean {
  if (op.outcome === 'fault' && op.fault) {
    const names = [...op.fault.subcodes, ...(op.fault.code ? [op.fault.code.slice(op.fault.code.lastIndexOf(':') + 1)] : [])];
    if (names.some((n) => AUTH_SUBCODES.test(n))) return true;
  }
  return op.status === 401;
}

/** "GetNTP: fault ter:ActionNotSupported (HTTP 500)" — one outcome in words, for not-evaluated reasons. */
export function describeOutcome(op: OnvifOperationData): string {
  const auth = op.auth === 'digest' ? ' with credentials' : '';
  switch (op.outcome) {
    case 'ok':
      return `${op.op}${auth}: answered`;
    case 'fault':
      return `${op.op}${auth}: SOAP fault ${op.fault?.subcode ?? op.fault?.code ?? ''}${op.fault?.reason ? ` "${op.fault.reason}"` : ''}${op.status ? ` (HTTP ${op.status})` : ''}`;
    case 'http':
      return `${op.op}${auth}: HTTP ${op.status ?? '?'} without a SOAP answer`;
    default:
      return `${op.op}${auth}: ${op.outcome}${op.reason ? ` (${op.reason})` : ''}`;
  }
}

export function describeOutcomes(ops: readonly OnvifOperationData[]): string {
  return ops.map(describeOutcome).join('; ').slice(0, 400);
}

export type TimeVerdict =
  | { state: 'not-configured'; detail: string; port: number; evidence?: Evidence }
  | { state: 'configured'; detail: string; port: number }
  | { state: 'unknown'; reason: string; port: number };

/**
 * Time synchronisation as ONVIF reports it on one port: Manual time, or
 * GetNTP listing no server, is not configured; NTP with at least one server
 * is; a GetNTP fault (or no readable answer) is unknown, never a verdict.
 */
export function onvifTimeVerdict(host: HostView, p: OnvifPort): TimeVerdict {
  const dtFact = factsOf(host, 'onvif.datetime', p.port)[0];
  const ntpFact = factsOf(host, 'onvif.ntp', p.port)[0];
  const dt = dtFact?.data as OnvifDateTimeData | undefined;
  const ntp = ntpFact?.data as unknown as OnvifNtpData | undefined;
  const type = dt?.dateTimeType;
  if (type && /^manual$/i.test(type)) {
    return { state: 'not-configured', port: p.port, detail: 'GetSystemDateAndTime: DateTimeType Manual (the clock is set by hand, not synchronised)', ...(dtFact?.evidence ? { evidence: dtFact.evidence } : {}) };
  }
  if (ntp && ntp.servers.length === 0) {
    return { state: 'not-configured', port: p.port, detail: `GetNTP lists no NTP server${ntp.fromDHCP ? ' (FromDHCP, and DHCP gave none)' : ''}${type ? `; DateTimeType ${type}` : ''}`, ...(ntpFact?.evidence ? { evidence: ntpFact.evidence } : {}) };
  }
  if (ntp && type && /^ntp$/i.test(type)) {
    return { state: 'configured', port: p.port, detail: `NTP: ${ntp.servers.map((s) => s.address).join(', ')}` };
  }
  const ntpOps = p.operations.filter((o) => o.op === 'GetNTP');
  const dtOps = p.operations.filter((o) => o.op === 'GetSystemDateAndTime');
  if (!ntp) {
    return { state: 'unknown', port: p.port, reason: ntpOps.length ? `the NTP servers could not be read (${describeOutcomes(ntpOps)})` : 'GetNTP was not asked' };
  }
  return { state: 'unknown', port: p.port, reason: `the time source could not be read (${dtOps.length ? describeOutcomes(dtOps) : 'GetSystemDateAndTime not answered'})` };
}
