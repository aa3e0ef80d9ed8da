import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { SnmpInterfacesData } from '../../core/facts.ts';

/** ethernetCsmacd, iso88023Csmacd, fastEther, fastEtherFX, gigabitEthernet (IANAifType). */
const ETHERNET = new Set([6, 7, 62, 69, 117]);

/**
 * Access ports that are up but carry no description are ports nobody
 * documented: a forgotten device, or one plugged in since. Reads IF-MIB
 * (ifType, ifOperStatus, ifAlias). Parameter `minPorts` (default 4).
 */
export const switchUnusedPortsUp: HostCheck = {
  meta: {
    id: 'switch.unused-ports-up',
    level: 'host',
    severity: 'low',
    classes: ['switch'],
    title: { en: 'Switch ports up without a description', fr: 'Ports de commutateur actifs sans description' },
    rationale: {
      en: 'On a security network every access port should be documented (which camera, which door controller) and unused ports disabled: an undocumented port that is up is either a device nobody inventoried or a way in for someone who plugged a laptop into a camera socket.',
      fr: "Sur un réseau de sûreté, chaque port d'accès devrait être documenté (quelle caméra, quel contrôleur de porte) et les ports inutilisés désactivés : un port actif non documenté est soit un équipement absent de l'inventaire, soit une porte d'entrée pour qui a branché un portable sur la prise d'une caméra.",
    },
    remediation: {
      en: 'Give every used access port a description (interface description / ifAlias) naming the device behind it; shut down unused ports and, where possible, enable port security or 802.1X.',
      fr: "Donner à chaque port d'accès utilisé une description (description d'interface / ifAlias) nommant l'équipement raccordé ; désactiver les ports inutilisés et, si possible, activer la sécurité de port ou 802.1X.",
    },
    references: [REF.pa072R18, REF.iso_5_9, REF.iso_8_20],
  },
  evaluate(host, params) {
    const min = typeof params.minPorts === 'number' && params.minPorts > 0 ? params.minPorts : 4;
    const tables = factsOf(host, 'snmp.interfaces');
    if (!tables.length) return [notEvaluated('the interface table (IF-MIB) could not be read: no community answered and no SNMPv3 account was supplied')];
    const out: Outcome[] = [];
    for (const f of tables) {
      const d = f.data as unknown as SnmpInterfacesData;
      const undocumented = d.rows.filter((r) => r.type !== undefined && ETHERNET.has(r.type) && r.operStatus === 1 && !r.alias?.trim());
      const where = { port: f.port!, proto: 'udp' as const };
      if (undocumented.length >= min) {
        const names = undocumented.slice(0, 12).map((r) => r.name ?? r.descr ?? `ifIndex ${r.index}`);
        out.push(
          fires({
            ...where,
            detail: `${undocumented.length} Ethernet ports up without a description (ifAlias): ${names.join(', ')}${undocumented.length > names.length ? ', …' : ''}`,
            evidence: {
              sent: `IF-MIB walk (ifDescr, ifType, ifOperStatus, ifName, ifAlias) via ${d.via}`,
              received: undocumented
                .slice(0, 24)
                .map((r) => `${r.name ?? r.descr ?? r.index}: up, no ifAlias`)
                .join('; '),
              note: `${d.rows.length} interfaces read${d.truncated ? ' (walk stopped at its bound)' : ''}`,
            },
          }),
        );
      } else if (d.truncated) {
        out.push(notEvaluated(`only part of the interface table was read (${d.rows.length} rows): ${undocumented.length} undocumented ports up so far`, where));
      }
    }
    return out;
  },
};
