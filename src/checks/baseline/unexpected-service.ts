import type { HostCheck, Outcome } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import { observedServices, refLabel, serviceKey, ServicesParams } from './reference.ts';
import { BASELINE_RATIONALE_TAIL, referenceParams } from './common.ts';

/**
 * Services of the device that the reference did not have (and only those are
 * allowed: port, protocol and kind must match), and services of the reference
 * the device lacks. One finding per deviation, each named.
 */
export const baselineUnexpectedService: HostCheck = {
  meta: {
    id: 'baseline.unexpected-service',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'Services differ from the commissioning reference', fr: 'Services différents de la référence de mise en service' },
    rationale: {
      en: `A service the reference device does not run was left on (or one it runs is missing): the device is not configured like the site standard. ${BASELINE_RATIONALE_TAIL.en}`,
      fr: `Un service que l'équipement de référence n'exécute pas est resté actif (ou l'un de ses services manque) : l'équipement n'est pas configuré selon le standard du site. ${BASELINE_RATIONALE_TAIL.fr}`,
    },
    remediation: {
      en: 'Disable every service the reference does not run, and enable those it runs, with the same settings as the reference device (or take a new baseline if the standard changed).',
      fr: "Désactiver chaque service que la référence n'exécute pas et activer ceux qu'elle exécute, avec les mêmes réglages que l'équipement de référence (ou prendre une nouvelle référence si le standard a changé).",
    },
    references: [REF.pa072R18, REF.iso_8_9],
    appliesTo: {
      en: 'Reads the device\'s services (port, protocol, kind) and the reference list the baseline wrote into `params.services`. Fires once per service the reference does not run and once per reference service missing. Not evaluated when the profile holds no reference.',
      fr: "Lit les services de l'équipement (port, protocole, nature) et la liste de référence écrite par `vigie baseline` dans `params.services`. Un constat par service absent de la référence et par service de la référence manquant. Non évalué si le profil ne contient pas de référence.",
    },
    params: ServicesParams,
  },
  evaluate(host, params) {
    const parsed = referenceParams(ServicesParams, params, 'service list');
    if (!parsed.ok) return parsed.outcome;
    const ref = parsed.params;
    const allowed = new Set(ref.services.map(serviceKey));
    const seen = observedServices(host);
    const present = new Set(seen.map(serviceKey));
    const out: Outcome[] = [];
    for (const s of seen) {
      if (allowed.has(serviceKey(s))) continue;
      const same = ref.services.find((r) => r.port === s.port && r.proto === s.proto);
      out.push(
        fires({
          port: s.port,
          proto: s.proto,
          key: `extra:${serviceKey(s)}`,
          detail: same ? `${s.port}/${s.proto} speaks ${s.kind}; on ${refLabel(ref)} it speaks ${same.kind}` : `${serviceKey(s)} is open; ${refLabel(ref)} does not run it`,
        }),
      );
    }
    for (const r of ref.services) {
      if (present.has(serviceKey(r)) || seen.some((s) => s.port === r.port && s.proto === r.proto)) continue;
      out.push(fires({ port: r.port, proto: r.proto, key: `missing:${serviceKey(r)}`, detail: `${serviceKey(r)} is not running; ${refLabel(ref)} runs it` }));
    }
    return out;
  },
};
