import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { describeCert, evidenceOf, gradedCertificates, perCertificate, where } from './common.ts';

function minimum(params: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

/** RSA/DSA keys under `minRsaBits` (2048), EC keys under `minEcBits` (256), in the leaf or an intermediate. */
export const tlsCertWeakKey: HostCheck = {
  meta: {
    id: 'tls.cert-weak-key',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'Weak TLS certificate key', fr: 'Clé de certificat TLS trop faible' },
    rationale: {
      en: 'An RSA key under 2048 bits or an elliptic-curve key under 256 bits is within reach of factoring or discrete-log attacks; whoever recovers it can impersonate the device and, with static RSA suites, decrypt recorded sessions.',
      fr: 'Une clé RSA de moins de 2048 bits ou une clé sur courbe elliptique de moins de 256 bits est à portée d’attaques par factorisation ou logarithme discret ; qui la retrouve peut usurper l’équipement et, avec des suites RSA statiques, déchiffrer les sessions enregistrées.',
    },
    remediation: {
      en: 'Generate a new key on the device (RSA 2048 bits or more, or ECDSA P-256/P-384) and have the certificate reissued by the site’s PKI; if the firmware cannot, ask the vendor for an update.',
      fr: 'Générer une nouvelle clé sur l’équipement (RSA d’au moins 2048 bits, ou ECDSA P-256/P-384) et faire réémettre le certificat par l’IGC du site ; si le micrologiciel ne le permet pas, demander une mise à jour au fabricant.',
    },
    references: [REF.anssiTls, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host, params) {
    const minRsa = minimum(params, 'minRsaBits', 2048);
    const minEc = minimum(params, 'minEcBits', 256);
    return perCertificate(host, (e, d) => {
      const weak: string[] = [];
      const unknown: string[] = [];
      for (const { cert, role } of gradedCertificates(d)) {
        const type = cert.keyType;
        if ((type === 'rsa' || type === 'rsa-pss' || type === 'dsa') && cert.keyBits > 0) {
          if (cert.keyBits < minRsa) weak.push(`${role} "${describeCert(cert)}": ${type.toUpperCase()} ${cert.keyBits} bits (< ${minRsa})`);
        } else if (type === 'ec' && cert.keyBits > 0) {
          if (cert.keyBits < minEc) weak.push(`${role} "${describeCert(cert)}": EC ${cert.curve ?? ''} ${cert.keyBits} bits (< ${minEc})`);
        } else if (type !== 'ed25519' && type !== 'ed448') unknown.push(`${role} "${describeCert(cert)}" (${type})`);
      }
      const out: Outcome[] = [];
      if (weak.length) out.push(fires({ ...where(e), detail: `${weak.join('; ')} on ${e.port}/tcp`, ...evidenceOf(e.certificate) }));
      else if (unknown.length) out.push(notEvaluated(`key type or size not readable: ${unknown.join(', ')}`, where(e)));
      return out;
    });
  },
};
