/** What the ssh.* checks share: finding the SSH services of a host and the facts about each. */
import type { Fact, Service } from '../../core/model.ts';
import type { HostView, Outcome } from '../types.ts';
import { factsOf, notEvaluated } from '../types.ts';

export function sshServices(host: HostView): Service[] {
  return host.services.filter((s) => s.kind === 'ssh' && s.proto === 'tcp');
}

/** Why a check could not conclude, by missing fact: it says so instead of passing. */
export const MISSING = {
  kexinit: 'the server’s key exchange offer (KEXINIT) could not be read (see errors)',
  auth: 'the authentication methods could not be read (see errors)',
  ident: 'the SSH identification line could not be read (see errors)',
} as const;

/**
 * Run `judge` on each SSH service of the host with its fact of `type`; a
 * service without that fact gets a not-evaluated line with `missing`.
 */
export function perSshService(host: HostView, type: string, missing: string, judge: (service: Service, fact: Fact) => Outcome[]): Outcome[] {
  const out: Outcome[] = [];
  for (const service of sshServices(host)) {
    const fact = factsOf(host, type, service.port)[0];
    if (!fact) {
      out.push(notEvaluated(missing, { port: service.port, proto: service.proto }));
      continue;
    }
    out.push(...judge(service, fact));
  }
  return out;
}

/** Evidence of a fact, when it has some (exactOptionalPropertyTypes-friendly spread). */
export function evidenceOf(fact: Fact): { evidence?: NonNullable<Fact['evidence']> } {
  return fact.evidence ? { evidence: fact.evidence } : {};
}

/** Compare dotted versions by their digit groups: "8.9p1" < "9.0" < "9.2p1"; "2014.63" < "2022.83". */
export function compareVersions(a: string, b: string): number {
  const pa = (a.match(/\d+/g) ?? []).map(Number);
  const pb = (b.match(/\d+/g) ?? []).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
