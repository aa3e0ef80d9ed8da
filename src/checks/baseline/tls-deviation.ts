import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { observedTls, refLabel, TlsParams } from './reference.ts';
import { BASELINE_RATIONALE_TAIL, difference, listShort, referenceParams } from './common.ts';

/**
 * On each TLS port of the reference: versions and suites accepted must be
 * exactly the reference's. Every version or suite added or missing is named.
 */
export const baselineTlsDeviation: HostCheck = {
  meta: {
    id: 'baseline.tls-deviation',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'TLS settings differ from the commissioning reference', fr: 'Réglages TLS différents de la référence de mise en service' },
    rationale: {
      en: `The device accepts TLS versions or cipher suites the reference does not (or lacks some it accepts): its TLS settings were not set like the site standard. ${BASELINE_RATIONALE_TAIL.en}`,
      fr: `L'équipement accepte des versions ou des suites TLS que la référence n'accepte pas (ou lui en manque) : ses réglages TLS ne suivent pas le standard du site. ${BASELINE_RATIONALE_TAIL.fr}`,
    },
    remediation: {
      en: 'Set the same TLS versions and cipher suites as on the reference device (same firmware, same TLS policy), then verify again.',
      fr: "Régler les mêmes versions et suites TLS que sur l'équipement de référence (même micrologiciel, même politique TLS), puis vérifier à nouveau.",
    },
    references: [REF.anssiTls, REF.iso_8_24, REF.iso_8_9],
    appliesTo: {
      en: 'Reads `tls.handshake` on each port of `params.endpoints`. Fires per version or suite added or missing. Not evaluated when the enumeration is incomplete or missing on an open port.',
      fr: "Lit `tls.handshake` sur chaque port de `params.endpoints`. Un constat par version ou suite ajoutée ou manquante. Non évalué si l'énumération est incomplète ou absente sur un port ouvert.",
    },
    params: TlsParams,
  },
  evaluate(host, params) {
    const parsed = referenceParams(TlsParams, params, 'TLS configuration');
    if (!parsed.ok) return parsed.outcome;
    const ref = parsed.params;
    const seen = observedTls(host);
    const out: Outcome[] = [];
    for (const r of ref.endpoints) {
      const where = { port: r.port, proto: 'tcp' as const };
      const refVersions = Object.keys(r.versions).sort();
      const o = seen.get(r.port);
      if (!o) {
        const open = host.services.some((s) => s.port === r.port && s.proto === 'tcp');
        if (open) out.push(notEvaluated(`the TLS versions and suites could not be enumerated on ${r.port}/tcp (see errors)`, where));
        else out.push(fires({ ...where, key: `no-tls:${r.port}`, detail: `no TLS service on ${r.port}/tcp; ${refLabel(ref)} accepts ${refVersions.join(', ')} there` }));
        continue;
      }
      if (!o.complete) {
        out.push(notEvaluated(`the TLS enumeration on ${r.port}/tcp is incomplete (${o.why}): a deviation could be missed`, where));
        continue;
      }
      const versions = Object.keys(o.endpoint.versions).sort();
      for (const v of difference(versions, refVersions)) {
        out.push(fires({ ...where, key: `version+:${v}`, detail: `${r.port}/tcp accepts ${v}; ${refLabel(ref)} does not` }));
      }
      for (const v of difference(refVersions, versions)) {
        out.push(fires({ ...where, key: `version-:${v}`, detail: `${r.port}/tcp refuses ${v}; ${refLabel(ref)} accepts it` }));
      }
      for (const v of versions.filter((x) => refVersions.includes(x))) {
        const extra = difference(o.endpoint.versions[v]!, r.versions[v]!);
        const missing = difference(r.versions[v]!, o.endpoint.versions[v]!);
        if (extra.length) {
          out.push(fires({ ...where, key: `suites+:${v}`, detail: `${r.port}/tcp ${v} accepts ${extra.length} suite(s) ${refLabel(ref)} does not: ${listShort(extra)}`, evidence: { note: `not in the reference: ${extra.join(', ')}` } }));
        }
        if (missing.length) {
          out.push(fires({ ...where, key: `suites-:${v}`, detail: `${r.port}/tcp ${v} refuses ${missing.length} suite(s) ${refLabel(ref)} accepts: ${listShort(missing)}`, evidence: { note: `missing from the device: ${missing.join(', ')}` } }));
        }
      }
    }
    return out;
  },
};
