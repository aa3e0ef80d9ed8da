import type { HostCheck, Outcome } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import { observedSnmp, refLabel, SnmpParams } from './reference.ts';
import { BASELINE_RATIONALE_TAIL, difference, referenceParams } from './common.ts';

/** The SNMP versions that answer must be the reference's (e.g. v3 only, or no SNMP at all). */
export const baselineSnmpDeviation: HostCheck = {
  meta: {
    id: 'baseline.snmp-deviation',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'SNMP versions differ from the commissioning reference', fr: 'Versions SNMP différentes de la référence de mise en service' },
    rationale: {
      en: `The device answers SNMP versions the reference does not (v1/v2c left on, typically), or lacks one it answers. ${BASELINE_RATIONALE_TAIL.en}`,
      fr: `L'équipement répond à des versions SNMP que la référence ne parle pas (v1/v2c restés actifs, le plus souvent), ou il lui en manque une. ${BASELINE_RATIONALE_TAIL.fr}`,
    },
    remediation: {
      en: 'Enable exactly the SNMP versions of the reference device (SNMPv3 authPriv, or none), with the same users and restrictions.',
      fr: "Activer exactement les versions SNMP de l'équipement de référence (SNMPv3 authPriv, ou aucune), avec les mêmes utilisateurs et restrictions.",
    },
    references: [REF.pa072R25, REF.iso_8_9],
    appliesTo: {
      en: 'Reads the SNMP facts (v1/v2c communities, v3 engine discovery) and `params.versions`. Fires per version answering that the reference does not, or missing.',
      fr: "Lit les faits SNMP (communautés v1/v2c, découverte du moteur v3) et `params.versions`. Un constat par version qui répond sans que la référence la parle, ou qui manque.",
    },
    params: SnmpParams,
  },
  evaluate(host, params) {
    const parsed = referenceParams(SnmpParams, params, 'SNMP versions');
    if (!parsed.ok) return parsed.outcome;
    const ref = parsed.params;
    const seen = observedSnmp(host);
    const out: Outcome[] = [];
    const refText = ref.versions.length ? ref.versions.join(', ') : 'no SNMP';
    const port = host.services.find((s) => s.proto === 'udp' && s.kind === 'snmp')?.port;
    const where = port !== undefined ? { port, proto: 'udp' as const } : {};
    for (const v of difference(seen, ref.versions)) out.push(fires({ ...where, key: `version+:${v}`, detail: `SNMP ${v} answers; ${refLabel(ref)}: ${refText}` }));
    for (const v of difference(ref.versions, seen)) out.push(fires({ key: `version-:${v}`, detail: `SNMP ${v} does not answer; ${refLabel(ref)}: ${refText}` }));
    return out;
  },
};
