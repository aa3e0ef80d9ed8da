import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { TelnetGreetingData } from '../../core/facts.ts';

/** Telnet sends the administrator's password and the whole session in clear. */
export const telnetEnabled: HostCheck = {
  meta: {
    id: 'proto.telnet-enabled',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'Telnet is enabled', fr: 'Telnet est activé' },
    rationale: {
      en: 'Telnet carries logins, passwords and commands in clear text: anyone on the path can read or hijack an administration session. Cameras often leave it on from the factory or for vendor support.',
      fr: "Telnet transporte identifiants, mots de passe et commandes en clair : quiconque sur le chemin peut lire ou détourner une session d'administration. Les caméras le laissent souvent actif en sortie d'usine ou pour le support du fabricant.",
    },
    remediation: {
      en: 'Disable Telnet on the device; administer it over SSH or HTTPS from the management network only.',
      fr: "Désactiver Telnet sur l'équipement ; l'administrer en SSH ou HTTPS depuis le seul réseau d'administration.",
    },
    references: [REF.pa072R25, REF.pa072R18, REF.iso_8_20, REF.iso_8_24],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const service of host.services.filter((s) => s.kind === 'telnet')) {
      const greeting = factsOf(host, 'telnet.greeting', service.port)[0];
      const where = { port: service.port, proto: service.proto };
      if (!greeting) {
        out.push(notEvaluated('the telnet greeting could not be read (see errors)', where));
        continue;
      }
      const d = greeting.data as unknown as TelnetGreetingData;
      if (!d.answered) {
        out.push(notEvaluated('the port accepted the connection but sent nothing (no banner, no option negotiation)', where));
        continue;
      }
      const said = [d.negotiations?.length ? `${d.negotiations.length} option(s) negotiated` : undefined, d.prompt && d.prompt !== 'none' ? `${d.prompt} prompt` : undefined]
        .filter(Boolean)
        .join(', ');
      out.push(fires({ ...where, detail: `telnet answers on ${service.port}/tcp${said ? ` (${said})` : ''}`, ...(greeting.evidence ? { evidence: greeting.evidence } : {}) }));
    }
    return out;
  },
};
