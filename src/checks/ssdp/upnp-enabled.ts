import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires } from '../types.ts';
import { REF } from '../references.ts';
import type { SsdpResponseData } from '../../core/facts.ts';

/**
 * UPnP announces the device and its services to anyone who asks, and on
 * many cameras and recorders it can open ports on the site router.
 * Fires when the device answers a unicast SSDP M-SEARCH.
 */
export const upnpEnabled: HostCheck = {
  meta: {
    id: 'ssdp.upnp-enabled',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'UPnP (SSDP) is enabled', fr: 'UPnP (SSDP) est activé' },
    rationale: {
      en: 'SSDP tells anyone on the network what the device is (vendor, model, firmware) and where its description is; UPnP is often used by cameras and recorders to open ports on the router towards the Internet, and UPnP stacks have known flaws (e.g. CallStranger). A security device needs none of it.',
      fr: "SSDP indique à quiconque sur le réseau ce qu'est l'équipement (fabricant, modèle, micrologiciel) et où se trouve sa description ; les caméras et enregistreurs s'en servent souvent pour ouvrir des ports du routeur vers Internet, et les piles UPnP ont des failles connues (par ex. CallStranger). Un équipement de sûreté n'en a pas besoin.",
    },
    remediation: {
      en: 'Disable UPnP/SSDP (and UPnP port mapping) in the device network settings; disable UPnP on the site routers too.',
      fr: "Désactiver UPnP/SSDP (et l'ouverture automatique de ports UPnP) dans les réglages réseau de l'équipement ; désactiver aussi UPnP sur les routeurs du site.",
    },
    references: [REF.pa072R18, REF.iso_8_20, REF.iso_8_9, REF.callStranger],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const fact of factsOf(host, 'ssdp.response')) {
      const d = fact.data as unknown as SsdpResponseData;
      if (!d.answers?.length) continue;
      const first = d.answers[0]!;
      const said = [first.server && `SERVER ${first.server}`, first.st && `ST ${first.st}`, first.location && `LOCATION ${first.location}`].filter(Boolean).join('; ');
      out.push(
        fires({
          port: fact.port!,
          proto: 'udp',
          detail: `answers SSDP M-SEARCH on udp/${fact.port} (${d.count} answer${d.count > 1 ? 's' : ''}${said ? `; ${said}` : ''})`,
          ...(fact.evidence ? { evidence: fact.evidence } : {}),
        }),
      );
    }
    return out;
  },
};
