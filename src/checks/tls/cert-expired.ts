import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { describeCert, evidenceOf, gradedCertificates, perCertificate, where } from './common.ts';

/**
 * A certificate of the chain is outside its validity period at the time it was
 * observed (the fact's `observedAt`: re-evaluating later gives the same verdict).
 */
export const tlsCertExpired: HostCheck = {
  meta: {
    id: 'tls.cert-expired',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'TLS certificate expired or not yet valid', fr: 'Certificat TLS expiré ou pas encore valide' },
    rationale: {
      en: 'Clients cannot tell an expired certificate from a forged one: operators and recorders end up configured to ignore certificate errors, which removes the protection TLS gives against impersonation. A notBefore in the future usually means the device clock is wrong, which also breaks log timestamps.',
      fr: 'Les clients ne peuvent pas distinguer un certificat expiré d’un certificat forgé : opérateurs et enregistreurs finissent configurés pour ignorer les erreurs de certificat, ce qui supprime la protection de TLS contre l’usurpation. Une date de début dans le futur signale en général une horloge fausse, qui fausse aussi l’horodatage des journaux.',
    },
    remediation: {
      en: 'Renew the certificate from the site’s PKI and install it; set up NTP on the device and track certificate expiry dates in the maintenance plan.',
      fr: 'Renouveler le certificat auprès de l’IGC du site et l’installer ; configurer NTP sur l’équipement et suivre les dates d’expiration des certificats dans le plan de maintenance.',
    },
    references: [REF.anssiTls, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host) {
    return perCertificate(host, (e, d) => {
      const at = Date.parse(d.observedAt);
      if (Number.isNaN(at)) return [notEvaluated('the time of observation is unknown', where(e))];
      const bad: string[] = [];
      const unreadable: string[] = [];
      for (const { cert, role } of gradedCertificates(d)) {
        const from = Date.parse(cert.validFrom);
        const to = Date.parse(cert.validTo);
        if (Number.isNaN(from) || Number.isNaN(to)) unreadable.push(`${role} "${describeCert(cert)}"`);
        else if (to < at) bad.push(`${role} "${describeCert(cert)}" expired on ${cert.validTo.slice(0, 10)}`);
        else if (from > at) bad.push(`${role} "${describeCert(cert)}" not valid before ${cert.validFrom.slice(0, 10)}`);
      }
      const out: Outcome[] = [];
      if (bad.length) out.push(fires({ ...where(e), detail: `${bad.join('; ')} (observed ${d.observedAt.slice(0, 10)}, ${e.port}/tcp)`, ...evidenceOf(e.certificate) }));
      else if (unreadable.length) out.push(notEvaluated(`validity dates not readable: ${unreadable.join(', ')}`, where(e)));
      return out;
    });
  },
};
