import type { HostCheck } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import { evidenceOf, perCertificate, where } from './common.ts';

/**
 * The chain (not self-signed) reaches neither the system trust store nor the
 * CA set given with --ca. Must not fire when the chain reaches --ca.
 */
export const tlsCertUntrustedCa: HostCheck = {
  meta: {
    id: 'tls.cert-untrusted-ca',
    level: 'host',
    severity: 'low',
    classes: 'all',
    title: { en: 'TLS certificate from an unknown CA', fr: 'Certificat TLS émis par une AC inconnue' },
    rationale: {
      en: 'The certificate chain does not lead to a CA the clients are known to trust. Either the site’s CA root was not given to the audit (--ca), or the device carries a certificate from a vendor or test CA that no client can verify, which trains operators to accept warnings.',
      fr: 'La chaîne de certificats ne mène à aucune AC connue des clients. Soit la racine de l’AC du site n’a pas été fournie à l’audit (--ca), soit l’équipement porte un certificat d’une AC de fabricant ou de test qu’aucun client ne peut vérifier, ce qui habitue les opérateurs à accepter les alertes.',
    },
    remediation: {
      en: 'Issue the device certificate from the site’s PKI and deploy that CA’s root on the clients; rerun vigie with --ca FILE (the root in PEM) to have the chain verified. Make sure the device sends its intermediate certificates.',
      fr: 'Émettre le certificat de l’équipement depuis l’IGC du site et déployer la racine de cette AC sur les clients ; relancer vigie avec --ca FICHIER (la racine en PEM) pour vérifier la chaîne. Vérifier que l’équipement envoie ses certificats intermédiaires.',
    },
    references: [REF.anssiTls, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host) {
    return perCertificate(host, (e, d, leaf) => {
      if (leaf.selfSigned || d.trust !== 'none') return [];
      const hint = d.userCaGiven ? 'not the system store nor the --ca set' : 'not the system store; no --ca set given';
      const top = d.chain[d.chain.length - 1]!;
      return [
        fires({
          ...where(e),
          key: leaf.sha256,
          detail: `"${leaf.subject}" issued by "${leaf.issuer}" on ${e.port}/tcp: chain of ${d.chain.length} ending at "${top.subject}" reaches ${hint}`,
          ...evidenceOf(e.certificate),
        }),
      ];
    });
  },
};
