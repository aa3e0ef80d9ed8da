/**
 * What the TLS checks share: which ports of a host are TLS endpoints, their
 * facts, and the not-evaluated lines when a fact is missing or incomplete.
 */
import type { Fact, Proto } from '../../core/model.ts';
import type { TlsCertInfo, TlsCertificateData, TlsHandshakeData, TlsVersionData } from '../../core/facts.ts';
import { TLS_SERVICE_KINDS, TLS_VERSIONS, versionRank, type TlsVersionName } from '../../core/tls-suites.ts';
import type { HostView, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';

export interface TlsEndpoint {
  port: number;
  proto: Proto;
  /** Service kind (https, rtsps, sips, unknown …). */
  kind: string;
  handshake?: Fact;
  certificate?: Fact;
}

/** Services that are TLS by their kind or flag, plus any port where the TLS scanner found TLS. */
export function tlsEndpoints(host: HostView): TlsEndpoint[] {
  const out = new Map<number, TlsEndpoint>();
  for (const s of host.services) {
    if (s.proto === 'tcp' && (s.tls || TLS_SERVICE_KINDS.has(s.kind))) out.set(s.port, { port: s.port, proto: s.proto, kind: s.kind });
  }
  for (const f of [...factsOf(host, 'tls.handshake'), ...factsOf(host, 'tls.certificate')]) {
    if (f.port === undefined || out.has(f.port)) continue;
    const kind = host.services.find((s) => s.port === f.port && s.proto === 'tcp')?.kind ?? 'unknown';
    out.set(f.port, { port: f.port, proto: 'tcp', kind });
  }
  for (const e of out.values()) {
    e.handshake = factsOf(host, 'tls.handshake', e.port)[0];
    e.certificate = factsOf(host, 'tls.certificate', e.port)[0];
  }
  return [...out.values()].sort((a, b) => a.port - b.port);
}

export function where(e: TlsEndpoint): { port: number; proto: Proto } {
  return { port: e.port, proto: e.proto };
}

export function evidenceOf(fact: Fact | undefined): { evidence?: Fact['evidence'] } {
  return fact?.evidence ? { evidence: fact.evidence } : {};
}

const NO_HANDSHAKE = 'the TLS handshake could not be enumerated on this port (see errors)';
const NO_CERTIFICATE = 'the TLS certificate could not be read on this port (see errors)';

/** Run `judge` on each endpoint's handshake; a missing one is not-evaluated. */
export function perHandshake(host: HostView, judge: (e: TlsEndpoint, d: TlsHandshakeData) => Outcome[], filter: (e: TlsEndpoint) => boolean = () => true): Outcome[] {
  const out: Outcome[] = [];
  for (const e of tlsEndpoints(host).filter(filter)) {
    if (!e.handshake) {
      out.push(notEvaluated(NO_HANDSHAKE, where(e)));
      continue;
    }
    out.push(...judge(e, e.handshake.data as unknown as TlsHandshakeData));
  }
  return out;
}

/** Run `judge` on each endpoint's certificate chain; a missing or empty one is not-evaluated. */
export function perCertificate(host: HostView, judge: (e: TlsEndpoint, d: TlsCertificateData, leaf: TlsCertInfo) => Outcome[]): Outcome[] {
  const out: Outcome[] = [];
  for (const e of tlsEndpoints(host)) {
    if (!e.certificate) {
      out.push(notEvaluated(NO_CERTIFICATE, where(e)));
      continue;
    }
    const d = e.certificate.data as unknown as TlsCertificateData;
    const leaf = d.chain?.[0];
    if (!leaf) {
      out.push(notEvaluated(d.reason ?? 'no certificate was sent', where(e)));
      continue;
    }
    out.push(...judge(e, d, leaf));
  }
  return out;
}

/** Certificates worth grading: the leaf, and every other one except self-signed CA roots (their own signature protects nothing). */
export function gradedCertificates(d: TlsCertificateData): { cert: TlsCertInfo; role: string }[] {
  return (d.chain ?? [])
    .map((cert, i) => ({ cert, role: i === 0 ? 'leaf' : cert.selfSigned ? 'root' : 'intermediate' }))
    .filter((c) => c.role !== 'root');
}

export function describeCert(c: TlsCertInfo): string {
  return c.subject || c.sha256;
}

const VERSION_NAMES: Readonly<Record<string, TlsVersionName>> = {
  'TLSv1.2': 'TLSv1.2',
  'TLSv1.3': 'TLSv1.3',
  'TLSv1.1': 'TLSv1.1',
  'TLSv1.0': 'TLSv1.0',
  TLSv1: 'TLSv1.0',
  '1.2': 'TLSv1.2',
  '1.3': 'TLSv1.3',
};

/** The profile's minimum version (`TLSv1.2` by default). */
export function minVersionParam(params: Readonly<Record<string, unknown>>): TlsVersionName {
  const v = params.minVersion;
  if (typeof v === 'string' && (VERSION_NAMES[v] || (TLS_VERSIONS as readonly string[]).includes(v))) return VERSION_NAMES[v] ?? (v as TlsVersionName);
  return 'TLSv1.2';
}

/**
 * Versions below `min` the server accepts; when none, the ones that could
 * not be tested (a verdict of "no legacy protocol" would then be a guess).
 */
export function legacyVersions(d: TlsHandshakeData, min: TlsVersionName): { accepted: TlsVersionData[]; untested: TlsVersionData[] } {
  const below = (d.versions ?? []).filter((v) => versionRank(v.version) < versionRank(min));
  return { accepted: below.filter((v) => v.status === 'accepted'), untested: below.filter((v) => v.status === 'unknown') };
}

/** Shared body of tls.legacy-protocol and rtsps.legacy-tls. */
export function judgeLegacy(e: TlsEndpoint, d: TlsHandshakeData, min: TlsVersionName): Outcome[] {
  const { accepted, untested } = legacyVersions(d, min);
  if (accepted.length) {
    const list = accepted.map((v) => `${v.version}${v.suites.length ? ` (${v.suites.length} suite${v.suites.length > 1 ? 's' : ''})` : ''}`).join(', ');
    return [fires({ ...where(e), detail: `accepts ${list} on ${e.port}/tcp; minimum required: ${min}`, ...evidenceOf(e.handshake) })];
  }
  if (untested.length) return [notEvaluated(`${untested.map((v) => `${v.version}: ${v.reason ?? 'no answer'}`).join('; ')}`, where(e))];
  return [];
}

/** Why an enumeration is incomplete, for not-evaluated lines. */
export function incompleteReason(d: TlsHandshakeData): string {
  const untested = (d.versions ?? []).filter((v) => v.status === 'unknown' || !v.complete).map((v) => `${v.version}: ${v.reason ?? 'cut short'}`);
  return `the suite enumeration did not finish (${[...untested, ...(d.notes ?? [])].join('; ') || 'some versions could not be tested'})`.slice(0, 500);
}
