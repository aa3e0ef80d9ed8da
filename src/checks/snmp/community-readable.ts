import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { SnmpCommunityData } from '../../core/facts.ts';
import { probeOn, snmpPorts } from './common.ts';

/**
 * A default community is a password everybody knows. Fires for each
 * dictionary community that returned data over v1/v2c. An SNMPv3 agent's
 * engine-discovery Report is not a v1/v2c answer and never counts.
 */
export const snmpCommunityReadable: HostCheck = {
  meta: {
    id: 'snmp.community-readable',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'A default SNMP community is accepted', fr: 'Une communauté SNMP par défaut est acceptée' },
    rationale: {
      en: 'SNMP v1/v2c "authenticates" with a community string sent in clear. Default communities (public, private, vendor defaults) are in every attack tool: anyone on the network reads the device description, its interfaces, often its ARP and routing tables, sometimes its configuration, and maps the security network from it.',
      fr: "SNMP v1/v2c « s'authentifie » par une chaîne de communauté transmise en clair. Les communautés par défaut (public, private, valeurs des constructeurs) figurent dans tous les outils d'attaque : n'importe qui sur le réseau lit la description de l'équipement, ses interfaces, souvent ses tables ARP et de routage, parfois sa configuration, et cartographie ainsi le réseau de sûreté.",
    },
    remediation: {
      en: 'Disable SNMP v1/v2c; if monitoring needs SNMP, use SNMPv3 with authPriv (SHA-2 or SHA, AES) and a dedicated account, restricted to the supervision hosts. At the very least replace every default community by a long random one and restrict it to read-only and to the supervision addresses.',
      fr: "Désactiver SNMP v1/v2c ; si la supervision a besoin de SNMP, utiliser SNMPv3 en authPriv (SHA-2 ou SHA, AES) avec un compte dédié, restreint aux postes de supervision. À défaut, remplacer toute communauté par défaut par une valeur longue et aléatoire, en lecture seule et limitée aux adresses de supervision.",
    },
    references: [REF.pa072R25, REF.iso_5_17, REF.iso_8_5, REF.iso_8_20, REF.nis2_21_2_i],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const port of snmpPorts(host)) {
      const where = { port, proto: 'udp' as const };
      const communities = factsOf(host, 'snmp.community', port);
      if (!probeOn(host, port) && !communities.length) {
        out.push(notEvaluated('SNMP answered discovery but the agent was not audited (see errors)', where));
        continue;
      }
      const defaults = communities.filter((f) => (f.data as unknown as SnmpCommunityData).default);
      const any = defaults.find((f) => (f.data as unknown as SnmpCommunityData).anyCommunity);
      if (any) {
        const d = any.data as unknown as SnmpCommunityData;
        out.push(
          fires({
            ...where,
            key: 'any community',
            detail: `the agent returns data for any community, even a random one (e.g. "${d.community}"), over ${d.versions.join(' and ')}`,
            ...(any.evidence ? { evidence: any.evidence } : {}),
          }),
        );
        continue;
      }
      for (const f of defaults) {
        const d = f.data as unknown as SnmpCommunityData;
        out.push(fires({ ...where, key: d.community, detail: `community "${d.community}" returns data over ${d.versions.join(' and ')}`, ...(f.evidence ? { evidence: f.evidence } : {}) }));
      }
    }
    return out;
  },
};
