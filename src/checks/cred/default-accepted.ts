import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { CredentialAcceptedData, CredentialSummaryData } from '../../core/facts.ts';

/**
 * A factory or well-known default credential opens a login service. Proven:
 * the engine's negative controls (a random user, then the same user with a
 * wrong password) were refused on that service.
 */
export const defaultAccepted: HostCheck = {
  meta: {
    id: 'cred.default-accepted',
    level: 'host',
    severity: 'critical',
    classes: 'all',
    title: { en: 'Default credential accepted', fr: 'Identifiant par défaut accepté' },
    rationale: {
      en: 'Factory passwords are published in vendor manuals and in the lists botnets such as Mirai try on every camera and recorder: anyone who reaches the device takes control of it, its video and its settings.',
      fr: "Les mots de passe d'usine figurent dans les manuels des fabricants et dans les listes que des botnets comme Mirai essaient sur chaque caméra et enregistreur : quiconque atteint l'équipement en prend le contrôle, ainsi que de ses vidéos et réglages.",
    },
    remediation: {
      en: 'Set a unique, strong password on every account of the device (and on every protocol that uses it), disable unused accounts, and record the change in the site documentation.',
      fr: "Définir un mot de passe robuste et unique pour chaque compte de l'équipement (et pour chaque protocole qui l'utilise), désactiver les comptes inutiles, et consigner le changement dans la documentation du site.",
    },
    references: [REF.iso_5_17, REF.iso_8_5, REF.nis2_21_2_i, REF.mirai],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    const accepted = factsOf(host, 'credential.accepted');
    for (const f of accepted) {
      const d = f.data as unknown as CredentialAcceptedData;
      if (d.origin !== 'dictionary') continue; // the user's own credential working is not a finding
      out.push(
        fires({
          port: f.port!,
          proto: f.proto ?? 'tcp',
          // Protocol + entry id: stable across scans, names the secret without holding it, and
          // tells apart one credential opening two logins on one port (web UI and ONVIF).
          key: `${d.protocol}:${d.entry}`,
          detail: `${d.protocol}: user "${d.user}" accepted with default credential ${d.entry} (${d.source})${d.confirmed ? '' : '; the wrong-password confirmation gave no clear answer'}`,
          ...(f.evidence ? { evidence: f.evidence } : {}),
        }),
      );
    }
    for (const f of factsOf(host, 'credential.summary')) {
      const d = f.data as unknown as CredentialSummaryData;
      if (d.outcome === 'inconclusive' || d.outcome === 'not-tested' || (d.outcome === 'lockout' && !accepted.some((a) => a.port === f.port))) {
        out.push(notEvaluated(`${d.protocol} at ${d.where}: ${d.reason ?? d.outcome}`, { port: f.port!, proto: f.proto ?? 'tcp' }));
      }
    }
    return out;
  },
};
