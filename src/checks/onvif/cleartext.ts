import type { HostCheck, Outcome } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import { onvifPorts } from './common.ts';

/** The ONVIF device service answers SOAP over plain HTTP. */
export const onvifCleartext: HostCheck = {
  meta: {
    id: 'onvif.cleartext',
    level: 'host',
    severity: 'low',
    classes: 'all',
    title: { en: 'ONVIF device service reachable over plain HTTP', fr: 'Service ONVIF accessible en HTTP non chiffré' },
    rationale: {
      en: 'Over plain HTTP every ONVIF exchange can be read and altered on the network path: configuration, user names, stream addresses, and WS-UsernameToken digests that can be attacked offline. Changing settings (users, network, time) over an unauthenticated channel lets an attacker on the path tamper with them.',
      fr: "En HTTP non chiffré, chaque échange ONVIF peut être lu et modifié sur le chemin réseau : configuration, noms d'utilisateurs, adresses des flux, et empreintes WS-UsernameToken attaquables hors ligne. Modifier des réglages (utilisateurs, réseau, heure) par un canal non authentifié permet à un attaquant sur le chemin de les altérer.",
    },
    remediation: {
      en: 'Serve ONVIF over HTTPS only (most devices have an "HTTPS only" or "ONVIF over HTTPS" setting) with a certificate from the site PKI, and configure the recorder/VMS to use the https:// device service address.',
      fr: "Ne servir ONVIF qu'en HTTPS (la plupart des équipements ont un réglage « HTTPS uniquement » ou « ONVIF sur HTTPS ») avec un certificat de l'IGC du site, et configurer l'enregistreur/VMS pour utiliser l'adresse https:// du service.",
    },
    references: [REF.pa072R25, REF.iso_8_24, REF.iso_8_20, REF.nis2_21_2_h],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const p of onvifPorts(host)) {
      if (p.endpoint.scheme !== 'http') continue;
      out.push(fires({ port: p.port, proto: 'tcp', detail: `ONVIF device service answers SOAP ${p.endpoint.soapVersion} over plain HTTP at ${p.endpoint.url}`, ...(p.evidence ? { evidence: p.evidence } : {}) }));
    }
    return out;
  },
};
