import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires } from '../types.ts';
import { REF } from '../references.ts';
import type { SnmpCommunityData } from '../../core/facts.ts';
import { snmpPorts } from './common.ts';

/** SNMP v1/v2c has no real authentication nor encryption, whatever the community. */
export const snmpV1v2cEnabled: HostCheck = {
  meta: {
    id: 'snmp.v1v2c-enabled',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'SNMP v1/v2c is enabled', fr: 'SNMP v1/v2c est activé' },
    rationale: {
      en: 'SNMP v1/v2c sends its community and every value in clear text: a community that is not a default one is still read by anyone on the path, then reused. Only SNMPv3 with authPriv authenticates and encrypts.',
      fr: "SNMP v1/v2c transmet sa communauté et toutes les valeurs en clair : une communauté qui n'est pas celle par défaut est tout de même lue par quiconque sur le chemin, puis réutilisée. Seul SNMPv3 en authPriv authentifie et chiffre.",
    },
    remediation: {
      en: 'Disable SNMP v1 and v2c on the device; use SNMPv3 authPriv (SHA-2 or SHA, AES) for supervision, restricted to the supervision hosts.',
      fr: "Désactiver SNMP v1 et v2c sur l'équipement ; superviser en SNMPv3 authPriv (SHA-2 ou SHA, AES), restreint aux postes de supervision.",
    },
    references: [REF.pa072R25, REF.iso_8_20, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const port of snmpPorts(host)) {
      const facts = factsOf(host, 'snmp.community', port);
      const communities = facts.map((f) => f.data as unknown as SnmpCommunityData);
      if (!communities.length) continue;
      const versions = [...new Set(communities.flatMap((c) => c.versions))].sort();
      const named = communities.filter((c) => c.default).map((c) => `"${c.community}"`);
      const site = communities.filter((c) => !c.default).length;
      const which = [...named, ...(site ? [`${site} site-supplied (not shown)`] : [])].join(', ');
      const evidence = facts.find((f) => f.evidence)?.evidence;
      out.push(fires({ port, proto: 'udp', detail: `SNMP ${versions.join(' and ')} answer${which ? ` (communities: ${which})` : ''}`, ...(evidence ? { evidence } : {}) }));
    }
    return out;
  },
};
