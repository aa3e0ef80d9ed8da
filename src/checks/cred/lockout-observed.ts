import type { HostCheck } from '../types.ts';
import { factsOf, fires } from '../types.ts';
import { REF } from '../references.ts';

/** The device started refusing logins; vigie stopped testing it. Informational: lockouts are good. */
export const lockoutObserved: HostCheck = {
  meta: {
    id: 'cred.lockout-observed',
    level: 'host',
    severity: 'info',
    classes: 'all',
    title: { en: 'Login lockout observed: credential testing stopped', fr: 'Verrouillage des connexions constaté : tests d’identifiants arrêtés' },
    rationale: {
      en: 'The device refused further logins after failed attempts (lockout message, HTTP 429/503, or resets). vigie left it alone, so credentials on this device are only partly tested.',
      fr: "L'équipement a refusé de nouvelles connexions après des échecs (message de verrouillage, HTTP 429/503 ou coupures). vigie ne l'a plus sollicité : les identifiants de cet équipement ne sont que partiellement testés.",
    },
    remediation: {
      en: 'Nothing to fix on the device (a lockout is a protection). Check that legitimate users were not locked out, and test this device again later or with a lower budget.',
      fr: "Rien à corriger sur l'équipement (le verrouillage est une protection). Vérifier qu'aucun utilisateur légitime n'a été bloqué, et retester cet équipement plus tard ou avec un budget réduit.",
    },
    references: [REF.iso_8_5],
  },
  evaluate(host) {
    return factsOf(host, 'credential.lockout').map((f) => {
      const d = f.data as { protocol: string; where: string; reason: string; user?: string };
      return fires({ port: f.port!, proto: f.proto ?? 'tcp', detail: `${d.protocol} at ${d.where}: ${d.reason}`, ...(f.evidence ? { evidence: f.evidence } : {}) });
    });
  },
};
