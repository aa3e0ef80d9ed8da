import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { describeCert, evidenceOf, gradedCertificates, perCertificate, where } from './common.ts';

const WEAK_HASHES = new Set(['md2', 'md4', 'md5', 'sha1']);

/** The leaf or an intermediate is signed with MD5 or SHA-1 (self-signed roots are not graded: nothing verifies their own signature). */
export const tlsCertWeakSignature: HostCheck = {
  meta: {
    id: 'tls.cert-weak-signature',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'TLS certificate signed with MD5 or SHA-1', fr: 'Certificat TLS signé avec MD5 ou SHA-1' },
    rationale: {
      en: 'MD5 and SHA-1 collisions are practical (a rogue CA certificate was forged with MD5, SHA-1 chosen-prefix collisions are affordable): a certificate signed with them can be counterfeited, and current clients reject them.',
      fr: 'Les collisions MD5 et SHA-1 sont praticables (une fausse AC a été forgée avec MD5, les collisions SHA-1 à préfixe choisi sont abordables) : un certificat signé ainsi peut être contrefait, et les clients actuels le refusent.',
    },
    remediation: {
      en: 'Have the certificate reissued with a SHA-256 (or stronger) signature by the site’s PKI; replace any intermediate CA that still signs with SHA-1.',
      fr: 'Faire réémettre le certificat avec une signature SHA-256 (ou plus forte) par l’IGC du site ; remplacer toute AC intermédiaire qui signe encore en SHA-1.',
    },
    references: [REF.anssiTls, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host) {
    return perCertificate(host, (e, d) => {
      const weak: string[] = [];
      const unknown: string[] = [];
      for (const { cert, role } of gradedCertificates(d)) {
        if (WEAK_HASHES.has(cert.signatureHash)) weak.push(`${role} "${describeCert(cert)}": ${cert.signatureAlgorithm}`);
        else if (cert.signatureHash === 'unknown') unknown.push(`${role} "${describeCert(cert)}" (${cert.signatureAlgorithm})`);
      }
      const out: Outcome[] = [];
      if (weak.length) out.push(fires({ ...where(e), detail: `${weak.join('; ')} on ${e.port}/tcp`, ...evidenceOf(e.certificate) }));
      else if (unknown.length) out.push(notEvaluated(`signature algorithm not recognised: ${unknown.join(', ')}`, where(e)));
      return out;
    });
  },
};
