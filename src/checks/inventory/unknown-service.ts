import type { HostCheck } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';

/** An open port nothing recognised: unexplained exposure until someone names it. */
export const unknownService: HostCheck = {
  meta: {
    id: 'inventory.unknown-service',
    level: 'host',
    severity: 'low',
    classes: 'all',
    title: { en: 'Open port with an unrecognised service', fr: 'Port ouvert avec un service non reconnu' },
    rationale: {
      en: 'Every open port is a way in. One that no scanner recognised may be a vendor debug or maintenance service that should not be reachable.',
      fr: "Chaque port ouvert est une porte d'entrée. Un port qu'aucun scanner n'a reconnu peut être un service de débogage ou de maintenance du fabricant qui ne devrait pas être accessible.",
    },
    remediation: {
      en: 'Identify the service from the vendor documentation; disable it if it is not needed, or filter it.',
      fr: "Identifier le service dans la documentation du fabricant ; le désactiver s'il n'est pas nécessaire, ou le filtrer.",
    },
    references: [REF.pa072R18, REF.iso_8_20],
  },
  evaluate(host) {
    return host.services
      .filter((s) => s.kind === 'unknown')
      .map((s) => fires({ port: s.port, proto: s.proto, detail: `${s.port}/${s.proto} open${s.banner ? `, banner: ${s.banner}` : ', no banner'}`, ...(s.banner ? { evidence: { received: s.banner } } : {}) }));
  },
};
