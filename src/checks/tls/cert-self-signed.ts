import type { HostCheck } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import { evidenceOf, perCertificate, where } from './common.ts';

/**
 * The leaf is self-signed (issuer = subject, verifies with its own key) and is
 * not itself a trust anchor (system store or --ca). A certificate issued by a
 * private CA is `tls.cert-untrusted-ca`, not this.
 */
export const tlsCertSelfSigned: HostCheck = {
  meta: {
    id: 'tls.cert-self-signed',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'Self-signed TLS certificate', fr: 'Certificat TLS autosigné' },
    rationale: {
      en: 'A self-signed certificate cannot be verified by the clients: operators learn to click through the warning, and an attacker on the path can present their own certificate unnoticed. Devices generate one at first boot, often with the vendor name or a default host name.',
      fr: 'Un certificat autosigné ne peut pas être vérifié par les clients : les opérateurs prennent l’habitude d’ignorer l’alerte, et un attaquant sur le chemin peut présenter son propre certificat sans être remarqué. Les équipements en génèrent un au premier démarrage, souvent au nom du fabricant ou d’un nom d’hôte par défaut.',
    },
    remediation: {
      en: 'Issue the device a certificate from the site’s PKI (a private CA is fine when its root is deployed on the clients and given to vigie with --ca), install it with its key, and remove the factory certificate.',
      fr: 'Émettre pour l’équipement un certificat de l’IGC du site (une AC privée convient si sa racine est déployée sur les clients et fournie à vigie avec --ca), l’installer avec sa clé et retirer le certificat d’usine.',
    },
    references: [REF.anssiTls, REF.pa072R25, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host) {
    return perCertificate(host, (e, d, leaf) => {
      if (!leaf.selfSigned || d.trust !== 'none') return [];
      return [fires({ ...where(e), key: leaf.sha256, detail: `self-signed certificate "${leaf.subject}" on ${e.port}/tcp (SHA-256 ${leaf.sha256})`, ...evidenceOf(e.certificate) })];
    });
  },
};
