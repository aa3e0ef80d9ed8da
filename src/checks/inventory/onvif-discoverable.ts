import type { HostCheck } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { WsDiscoveryMatchData } from '../../core/facts.ts';

/**
 * The device answers WS-Discovery probes: anyone on the segment can list it,
 * with its type, model and service addresses. Information for the inventory
 * (info); whether discovery should stay on is a site decision.
 */
export const onvifDiscoverable: HostCheck = {
  meta: {
    id: 'inventory.onvif-discoverable',
    level: 'host',
    severity: 'info',
    classes: 'all',
    title: { en: 'Device answers ONVIF WS-Discovery', fr: 'L’équipement répond à la découverte ONVIF (WS-Discovery)' },
    rationale: {
      en: 'A device in discoverable mode tells anyone on its network segment what it is (type, model, name, location) and where its ONVIF services are. That helps inventory and installation, and helps an intruder map the video system just as much.',
      fr: "Un équipement en mode découvrable indique à quiconque sur son segment réseau ce qu'il est (type, modèle, nom, emplacement) et où sont ses services ONVIF. Cela aide l'inventaire et l'installation, et aide tout autant un intrus à cartographier le système vidéo.",
    },
    remediation: {
      en: 'Check the device is in the site inventory. Once installation is over, set ONVIF discovery to "non-discoverable" where the recorder/VMS does not need it, and keep WS-Discovery (UDP 3702) inside the security network.',
      fr: "Vérifier que l'équipement figure à l'inventaire du site. Une fois l'installation terminée, passer la découverte ONVIF en « non découvrable » si l'enregistreur/VMS n'en a pas besoin, et cantonner WS-Discovery (UDP 3702) au réseau de sûreté.",
    },
    references: [REF.iso_5_9, REF.iso_8_20, REF.onvifCore],
  },
  evaluate(host) {
    const matches = factsOf(host, 'wsdiscovery.match');
    const first = matches[0];
    if (first) {
      const d = first.data as unknown as WsDiscoveryMatchData;
      const parts = [
        d.types.length ? `types ${d.types.join(' ')}` : undefined,
        d.hardware ? `hardware "${d.hardware}"` : undefined,
        d.name ? `name "${d.name}"` : undefined,
        d.location ? `location "${d.location}"` : undefined,
        d.xaddrs.length ? `XAddrs ${d.xaddrs.join(' ')}` : undefined,
      ].filter(Boolean);
      return [fires({ port: first.port ?? 3702, proto: 'udp', detail: `answers WS-Discovery (${d.via}): ${parts.join(', ')}`.slice(0, 500), ...(first.evidence ? { evidence: first.evidence } : {}) })];
    }
    // An ONVIF device that was never probed is not "not discoverable".
    if (factsOf(host, 'onvif.endpoint').length && !factsOf(host, 'wsdiscovery.probe').length) {
      return [notEvaluated('WS-Discovery was not probed on this device (no wsdiscovery UDP port in the scan)')];
    }
    return [];
  },
};
