import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires } from '../types.ts';
import { REF } from '../references.ts';
import type { CredentialNoAuthData, TelnetGreetingData } from '../../core/facts.ts';

/** A login service that lets anyone in: any password, any user, or no login at all. */
export const noAuth: HostCheck = {
  meta: {
    id: 'cred.no-auth',
    level: 'host',
    severity: 'critical',
    classes: 'all',
    title: { en: 'Service accessible without authentication', fr: 'Service accessible sans authentification' },
    rationale: {
      en: 'A service that should require a login lets anyone in (it accepted a random user and password, a wrong password, or gave a shell without asking): no password change can protect it.',
      fr: "Un service qui devrait exiger une authentification laisse entrer n'importe qui (il a accepté un utilisateur et un mot de passe aléatoires, un mauvais mot de passe, ou donné un shell sans rien demander) : aucun changement de mot de passe ne le protège.",
    },
    remediation: {
      en: 'Enable authentication on the service, or disable the service; update the firmware if the device ignores passwords (authentication bypass).',
      fr: "Activer l'authentification sur le service, ou le désactiver ; mettre à jour le micrologiciel si l'équipement ignore les mots de passe (contournement d'authentification).",
    },
    references: [REF.iso_8_5, REF.iso_5_17, REF.nis2_21_2_i],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const f of factsOf(host, 'credential.no-auth')) {
      const d = f.data as unknown as CredentialNoAuthData;
      out.push(fires({ port: f.port!, proto: f.proto ?? 'tcp', ...(d.user ? { key: d.user } : {}), detail: `${d.protocol} at ${d.where}: ${d.how}`, ...(f.evidence ? { evidence: f.evidence } : {}) }));
    }
    for (const f of factsOf(host, 'telnet.greeting')) {
      const d = f.data as unknown as TelnetGreetingData;
      if (d.prompt === 'shell') out.push(fires({ port: f.port!, proto: 'tcp', detail: 'telnet gives a shell prompt without any login', ...(f.evidence ? { evidence: f.evidence } : {}) }));
    }
    return out;
  },
};
