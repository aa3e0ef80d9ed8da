import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { asRange, loadAdvisories, rangesFor, sameVendor, type Advisory } from './advisories.ts';
import { describeRange, inRange, parseFirmware } from './version.ts';
import { deviceLabel, identityEvidence } from './common.ts';

/**
 * The device's vendor, model and firmware (from the fingerprint) fall inside an
 * advisory of `profiles/advisories/`. One finding per advisory, with the
 * advisory's severity; a version the advisory's range cannot be compared with
 * is not-evaluated, never "not affected".
 */
export const firmwareKnownVulnerable: HostCheck = {
  meta: {
    id: 'firmware.known-vulnerable',
    level: 'host',
    severity: 'critical',
    classes: 'all',
    title: { en: 'The firmware has a published vulnerability', fr: 'Le micrologiciel présente une vulnérabilité publiée' },
    rationale: {
      en: 'A vulnerability published for this model and firmware comes with public details and often public exploit code: anyone who reaches the device can use it, whatever its passwords. Camera and recorder flaws of this kind (authentication bypass, command injection) have been used to build botnets.',
      fr: 'Une vulnérabilité publiée pour ce modèle et ce micrologiciel s’accompagne de détails publics et souvent d’un code d’exploitation public : quiconque atteint l’équipement peut s’en servir, quels que soient ses mots de passe. Des failles de ce type sur caméras et enregistreurs (contournement d’authentification, injection de commandes) ont servi à constituer des botnets.',
    },
    remediation: {
      en: 'Install the vendor’s fixed firmware (see the advisory in the finding); until then keep the device on an isolated security network, reachable only from the management hosts.',
      fr: 'Installer le micrologiciel corrigé du fabricant (voir l’avis cité dans le constat) ; d’ici là, garder l’équipement sur un réseau de sûreté isolé, joignable uniquement depuis les postes d’administration.',
    },
    references: [REF.iso_8_8, REF.nis2_21_2_e],
    appliesTo: {
      en: 'Devices whose fingerprinted vendor has advisories in profiles/advisories/. Fires when the model matches an affected series and the firmware is inside its range (severity from the advisory). Not evaluated when the firmware or the model is unknown, or the range cannot be compared with the firmware string (e.g. no build date where the advisory counts by build date). Devices of vendors without advisories get no line.',
      fr: 'Équipements dont le fabricant identifié a des avis dans profiles/advisories/. Se déclenche quand le modèle relève d’une série concernée et que le micrologiciel est dans la plage (sévérité de l’avis). Non évalué quand le micrologiciel ou le modèle est inconnu, ou que la plage ne peut être comparée à la version (par exemple sans date de build quand l’avis date par build). Aucun résultat pour les fabricants sans avis.',
    },
  },
  evaluate(host) {
    const advisories = loadAdvisories().filter((a) => sameVendor(a, host.vendor));
    if (!advisories.length) return [];
    if (!host.model) return [notEvaluated(`the model is unknown: ${advisories.length} ${host.vendor} advisor${advisories.length > 1 ? 'ies' : 'y'} could apply`)];
    const out: Outcome[] = [];
    for (const advisory of advisories) {
      const ranges = rangesFor(advisory, host.model);
      if (!ranges.length) continue;
      out.push(...judge(advisory, ranges, host));
    }
    return out;
  },
};

function judge(advisory: Advisory, ranges: ReturnType<typeof rangesFor>, host: Parameters<HostCheck['evaluate']>[0]): Outcome[] {
  if (!host.firmware) return [notEvaluated(`${advisory.id} concerns ${host.vendor} ${host.model}: its firmware version is unknown`)];
  const version = parseFirmware(host.firmware);
  if (!version) return [notEvaluated(`${advisory.id}: the firmware string "${host.firmware.slice(0, 80)}" holds no version number`)];
  const unknown: string[] = [];
  for (const range of ranges) {
    const verdict = inRange(version, asRange(range));
    if ('unknown' in verdict) {
      unknown.push(verdict.unknown);
      continue;
    }
    if (!verdict.inRange) continue;
    return [
      fires({
        key: advisory.id,
        severity: advisory.severity,
        detail: `${advisory.cve.join(', ')}: ${deviceLabel(host)} is in ${range.series} ${describeRange(asRange(range))}${advisory.cvss ? ` (CVSS ${advisory.cvss.score})` : ''}${advisory.kev ? ', listed in CISA KEV' : ''}`,
        references: advisory.cve.map((id) => ({ id, title: advisory.title.en, url: id === advisory.id ? advisory.source : `https://nvd.nist.gov/vuln/detail/${id}` })),
        ...identityEvidence(host),
      }),
    ];
  }
  return unknown.length ? [notEvaluated(`${advisory.id}: ${unknown[0]}`)] : [];
}
