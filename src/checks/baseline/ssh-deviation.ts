import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { observedSsh, refLabel, SshParams, type SshEndpointRef } from './reference.ts';
import { BASELINE_RATIONALE_TAIL, difference, listShort, referenceParams } from './common.ts';

const LISTS = [
  ['kex', 'key exchange'],
  ['hostKey', 'host key algorithm'],
  ['ciphers', 'cipher'],
  ['macs', 'MAC'],
  ['authMethods', 'authentication method'],
] as const satisfies readonly (readonly [keyof SshEndpointRef, string])[];

/** On each SSH port of the reference: the offered algorithm lists and authentication methods must match. */
export const baselineSshDeviation: HostCheck = {
  meta: {
    id: 'baseline.ssh-deviation',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'SSH settings differ from the commissioning reference', fr: 'Réglages SSH différents de la référence de mise en service' },
    rationale: {
      en: `The SSH server offers algorithms or authentication methods the reference does not (or lacks some it offers). ${BASELINE_RATIONALE_TAIL.en}`,
      fr: `Le serveur SSH propose des algorithmes ou des méthodes d'authentification que la référence ne propose pas (ou lui en manque). ${BASELINE_RATIONALE_TAIL.fr}`,
    },
    remediation: {
      en: 'Set the same SSH algorithms and authentication methods as on the reference device (same firmware, same settings), then verify again.',
      fr: "Régler les mêmes algorithmes et méthodes d'authentification SSH que sur l'équipement de référence (même micrologiciel, mêmes réglages), puis vérifier à nouveau.",
    },
    references: [REF.anssiSsh, REF.iso_8_9],
    appliesTo: {
      en: 'Reads `ssh.kexinit` and `ssh.auth-methods` on each port of `params.endpoints`. Fires per algorithm list (kex, host key, cipher, MAC, authentication) that differs. Not evaluated when the offer could not be read.',
      fr: "Lit `ssh.kexinit` et `ssh.auth-methods` sur chaque port de `params.endpoints`. Un constat par liste d'algorithmes (échange de clés, clé d'hôte, chiffrement, MAC, authentification) différente. Non évalué si l'offre n'a pas pu être lue.",
    },
    params: SshParams,
  },
  evaluate(host, params) {
    const parsed = referenceParams(SshParams, params, 'SSH configuration');
    if (!parsed.ok) return parsed.outcome;
    const ref = parsed.params;
    const seen = observedSsh(host);
    const out: Outcome[] = [];
    for (const r of ref.endpoints) {
      const where = { port: r.port, proto: 'tcp' as const };
      const o = seen.get(r.port);
      if (!o) {
        const open = host.services.some((s) => s.port === r.port && s.proto === 'tcp');
        if (open) out.push(notEvaluated(`the SSH key exchange offer could not be read on ${r.port}/tcp (see errors)`, where));
        else out.push(fires({ ...where, key: `no-ssh:${r.port}`, detail: `no SSH service on ${r.port}/tcp; ${refLabel(ref)} runs one` }));
        continue;
      }
      for (const [field, label] of LISTS) {
        const want = r[field];
        const got = o[field];
        if (!want) continue;
        if (!got) {
          out.push(notEvaluated(`the SSH ${label}s could not be read on ${r.port}/tcp`, where));
          continue;
        }
        const extra = difference(got, want);
        const missing = difference(want, got);
        if (extra.length) out.push(fires({ ...where, key: `${field}+`, detail: `${r.port}/tcp offers ${label}(s) ${refLabel(ref)} does not: ${listShort(extra)}` }));
        if (missing.length) out.push(fires({ ...where, key: `${field}-`, detail: `${r.port}/tcp lacks ${label}(s) ${refLabel(ref)} offers: ${listShort(missing)}` }));
      }
    }
    return out;
  },
};
