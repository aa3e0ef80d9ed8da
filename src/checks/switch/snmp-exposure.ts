import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { SnmpCommunityData, SnmpMibExposureData } from '../../core/facts.ts';
import { snmpPorts } from '../snmp/common.ts';

/** A default community that reads more than the system and interfaces groups maps the network for an attacker. */
export const switchSnmpExposure: HostCheck = {
  meta: {
    id: 'switch.snmp-exposure',
    level: 'host',
    severity: 'medium',
    classes: ['switch', 'router'],
    title: { en: 'Sensitive SNMP tables readable with a default community', fr: 'Tables SNMP sensibles lisibles avec une communauté par défaut' },
    rationale: {
      en: "On a switch or router, a default community that reads the ARP cache, the bridge forwarding table, routes, connections, processes or the SNMP configuration itself gives an attacker the map of the security network: which camera is on which port, which addresses talk to the recorders, sometimes the other communities and users.",
      fr: "Sur un commutateur ou un routeur, une communauté par défaut qui lit le cache ARP, la table de commutation, les routes, les connexions, les processus ou la configuration SNMP elle-même donne à un attaquant la carte du réseau de sûreté : quelle caméra est sur quel port, quelles adresses parlent aux enregistreurs, parfois les autres communautés et utilisateurs.",
    },
    remediation: {
      en: 'Remove default communities; give supervision an SNMPv3 authPriv account whose view is limited to what it needs (system and interfaces), restricted to the supervision hosts.',
      fr: "Supprimer les communautés par défaut ; donner à la supervision un compte SNMPv3 authPriv dont la vue se limite au nécessaire (system et interfaces), restreint aux postes de supervision.",
    },
    references: [REF.pa072R18, REF.iso_8_20, REF.iso_8_9, REF.nis2_21_2_i],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const port of snmpPorts(host)) {
      const where = { port, proto: 'udp' as const };
      const defaults = factsOf(host, 'snmp.community', port).filter((f) => (f.data as unknown as SnmpCommunityData).default);
      if (!defaults.length) continue;
      const exposures = factsOf(host, 'snmp.mib-exposure', port).filter((f) => (f.data as unknown as SnmpMibExposureData).default);
      if (!exposures.length) {
        out.push(notEvaluated('a default community is readable but its view could not be probed (see errors)', where));
        continue;
      }
      for (const f of exposures) {
        const d = f.data as unknown as SnmpMibExposureData;
        const open = d.subtrees.filter((s) => s.readable).map((s) => s.name);
        if (open.length) out.push(fires({ ...where, key: d.community, detail: `community "${d.community}" reads ${open.join(', ')}`, ...(f.evidence ? { evidence: f.evidence } : {}) }));
      }
    }
    return out;
  },
};
