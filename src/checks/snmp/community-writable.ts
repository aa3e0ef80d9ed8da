import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { SnmpCommunityData, SnmpWriteProbeData } from '../../core/facts.ts';
import { communityName, probeOn, snmpPorts } from './common.ts';

const NOT_SENT: Record<string, string> = {
  'passive-mode': 'the write probe is not sent in passive mode',
  disabled: 'the write probe is disabled by the profile (scanners.snmp.writeProbe: false)',
  blocked: 'the write probe was stopped for this device earlier in the run (an agent accepted a mistyped value)',
};

/**
 * Write access, detected WITHOUT writing. vigie sends a SetRequest for
 * sysContact.0 whose value has the wrong type (INTEGER instead of the
 * DisplayString the MIB defines). RFC 3416 §4.2.5 has the agent check each
 * variable's access (not in the MIB view → noAccess/authorizationError; not
 * writable → notWritable, v1: noSuchName/readOnly) BEFORE its type
 * (wrongType; v1: badValue). So wrongType/badValue can only come back to a
 * community that may write, and no compliant agent ever applies the value.
 * sysContact.0 is read before and after; should a faulty agent change it,
 * vigie restores it, says so loudly and never probes that device again.
 */
export const snmpCommunityWritable: HostCheck = {
  meta: {
    id: 'snmp.community-writable',
    level: 'host',
    severity: 'critical',
    classes: 'all',
    title: { en: 'An SNMP community has write access', fr: 'Une communauté SNMP a un accès en écriture' },
    rationale: {
      en: 'A community with write access lets anyone who knows or sniffs it change the device: network settings, interfaces, on many devices the whole configuration or firmware download. vigie proves write access without writing anything: it sends a SetRequest of sysContact.0 with a value of the wrong type (an INTEGER where the MIB defines a text string). RFC 3416 §4.2.5 makes the agent check access before the value type, so a "wrongType" (v2c) or "badValue" (v1) answer means the community may write, while "noAccess", "authorizationError", "notWritable", "readOnly" or "noSuchName" mean it may not; a compliant agent never applies a mistyped value. vigie also reads sysContact.0 before and after, and would restore it and stop probing the device if a faulty agent ever changed it.',
      fr: "Une communauté en écriture permet à quiconque la connaît ou l'intercepte de modifier l'équipement : réglages réseau, interfaces, sur beaucoup d'équipements toute la configuration ou le téléchargement d'un micrologiciel. vigie prouve l'accès en écriture sans rien écrire : il envoie un SetRequest de sysContact.0 avec une valeur du mauvais type (un INTEGER là où la MIB définit une chaîne de caractères). La RFC 3416 §4.2.5 impose à l'agent de vérifier l'accès avant le type de la valeur : une réponse « wrongType » (v2c) ou « badValue » (v1) signifie que la communauté peut écrire, tandis que « noAccess », « authorizationError », « notWritable », « readOnly » ou « noSuchName » signifient qu'elle ne le peut pas ; un agent conforme n'applique jamais une valeur mal typée. vigie relit aussi sysContact.0 avant et après, et le rétablirait en cessant de sonder l'équipement si un agent défaillant l'avait modifié.",
    },
    remediation: {
      en: 'Remove every read-write community. Configure devices through their management interface over an encrypted channel; if SNMP writes are really needed, use SNMPv3 authPriv with a dedicated account restricted to the management hosts.',
      fr: "Supprimer toute communauté en lecture-écriture. Configurer les équipements par leur interface d'administration sur un canal chiffré ; si l'écriture SNMP est vraiment nécessaire, utiliser SNMPv3 en authPriv avec un compte dédié limité aux postes d'administration.",
    },
    references: [REF.rfc3416, REF.pa072R25, REF.iso_5_17, REF.iso_8_5, REF.iso_8_9, REF.nis2_21_2_i],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const port of snmpPorts(host)) {
      const where = { port, proto: 'udp' as const };
      const probes = factsOf(host, 'snmp.write-probe', port);
      for (const f of probes) {
        const d = f.data as unknown as SnmpWriteProbeData;
        const ev = f.evidence ? { evidence: f.evidence } : {};
        if (d.verdict === 'writable') {
          out.push(fires({ ...where, key: d.community, detail: `${communityName(d)} may write (${d.version}: a SetRequest of sysContact.0 with a wrong-type value was answered ${d.answer}; nothing was changed)`, ...ev }));
        } else if (d.verdict === 'changed') {
          out.push(
            fires({
              ...where,
              key: d.community,
              detail: `${communityName(d)} may write, and the agent even ACCEPTED a mistyped value: sysContact.0 went from "${d.before ?? ''}" to "${d.after ?? ''}" and was ${d.restored ? 'restored by vigie' : 'NOT restored: set it back by hand'}`,
              ...ev,
            }),
          );
        } else if (d.verdict === 'inconclusive') {
          out.push(notEvaluated(`${communityName(d)}: the wrong-type SET answer (${d.answer}) does not tell whether it may write`, where));
        }
      }
      if (probes.length) continue;
      const readable = factsOf(host, 'snmp.community', port);
      if (!readable.length) continue;
      const state = probeOn(host, port)?.writeProbe;
      const first = readable[0]!.data as unknown as SnmpCommunityData;
      out.push(notEvaluated(`${communityName(first)} is readable but ${NOT_SENT[state ?? ''] ?? 'the write probe got no answer (see errors)'}`, where));
    }
    return out;
  },
};
