import type { HostCheck } from '../types.ts';
import { REF } from '../references.ts';
import { judgeLegacy, minVersionParam, perHandshake } from './common.ts';

/**
 * SSLv2, SSLv3, TLS 1.0 or TLS 1.1 accepted (below the profile's `minVersion`,
 * TLS 1.2 by default). RTSPS services are graded by `rtsps.legacy-tls` instead,
 * so that one weakness gives one finding.
 */
export const tlsLegacyProtocol: HostCheck = {
  meta: {
    id: 'tls.legacy-protocol',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'Obsolete SSL/TLS protocol versions accepted', fr: 'Versions obsolètes de SSL/TLS acceptées' },
    rationale: {
      en: 'SSLv2 and SSLv3 are broken (DROWN, POODLE); TLS 1.0 and 1.1 only offer CBC suites with SHA-1 or RC4, and are deprecated by RFC 8996. A device that still accepts them lets an attacker on the path force the weakest version a client supports.',
      fr: 'SSLv2 et SSLv3 sont cassés (DROWN, POODLE) ; TLS 1.0 et 1.1 ne proposent que des suites CBC avec SHA-1 ou RC4 et sont dépréciés par la RFC 8996. Un équipement qui les accepte encore permet à un attaquant sur le chemin d’imposer la version la plus faible que le client supporte.',
    },
    remediation: {
      en: 'Allow only TLS 1.2 and TLS 1.3 in the device’s HTTPS/TLS settings (or update the firmware that hard-codes older versions); check that the VMS and recorders still connect afterwards.',
      fr: 'N’autoriser que TLS 1.2 et TLS 1.3 dans les réglages HTTPS/TLS de l’équipement (ou mettre à jour le micrologiciel qui impose des versions anciennes) ; vérifier ensuite que le VMS et les enregistreurs se connectent toujours.',
    },
    references: [REF.anssiTls, REF.pa072R25, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host, params) {
    const min = minVersionParam(params);
    return perHandshake(host, (e, d) => judgeLegacy(e, d, min), (e) => e.kind !== 'rtsps');
  },
};
