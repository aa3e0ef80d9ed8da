import type { HostCheck } from '../types.ts';
import { REF } from '../references.ts';
import { judgeLegacy, minVersionParam, perHandshake } from './common.ts';

/** The video stream's TLS (RTSPS) accepts versions below the profile's minimum: graded like `tls.legacy-protocol`. */
export const rtspsLegacyTls: HostCheck = {
  meta: {
    id: 'rtsps.legacy-tls',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'RTSPS (video over TLS) accepts obsolete TLS versions', fr: 'RTSPS (vidéo sur TLS) accepte des versions obsolètes de TLS' },
    rationale: {
      en: 'Encrypting the video stream with RTSPS protects images of people and the stream credentials only if the TLS underneath is sound. SSLv3, TLS 1.0 and 1.1 can be forced by an attacker on the path and only offer CBC/SHA-1 or RC4 protection.',
      fr: 'Chiffrer le flux vidéo en RTSPS ne protège les images de personnes et les identifiants du flux que si le TLS sous-jacent est solide. SSLv3, TLS 1.0 et 1.1 peuvent être imposés par un attaquant sur le chemin et n’offrent qu’une protection CBC/SHA-1 ou RC4.',
    },
    remediation: {
      en: 'Restrict the RTSPS service to TLS 1.2 and 1.3 (device TLS settings or a firmware update); make sure the recorder or VMS supports TLS 1.2 before switching.',
      fr: 'Restreindre le service RTSPS à TLS 1.2 et 1.3 (réglages TLS de l’équipement ou mise à jour du micrologiciel) ; vérifier avant le changement que l’enregistreur ou le VMS supporte TLS 1.2.',
    },
    references: [REF.anssiTls, REF.pa072R25, REF.iso_8_24, REF.nis2_21_2_h, REF.rfc7826],
  },
  evaluate(host, params) {
    const min = minVersionParam(params);
    return perHandshake(host, (e, d) => judgeLegacy(e, d, min), (e) => e.kind === 'rtsps');
  },
};
