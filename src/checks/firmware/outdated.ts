import { z } from 'zod';
import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { sameVendor } from './advisories.ts';
import { compareToBound, parseFirmware } from './version.ts';
import { deviceLabel, identityEvidence } from './common.ts';

const regex = z.string().refine((re) => {
  try {
    new RegExp(re, 'i');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

/** The profile's minimum firmware per vendor and model pattern (a list: a profile that extends another replaces it whole). */
export const OutdatedParams = z.strictObject({
  minimum: z
    .array(
      z.strictObject({
        vendor: z.string().min(1),
        /** Regular expression over the model, case-insensitive. */
        model: regex,
        version: z.string().refine((v) => parseFirmware(v) !== undefined, 'not a version (no number in it)'),
        /** Why this minimum (shown in the finding). */
        reason: z.string().optional(),
      }),
    )
    .default([]),
});

/** Older than the minimum the profile sets for that vendor and model. */
export const firmwareOutdated: HostCheck = {
  meta: {
    id: 'firmware.outdated',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'The firmware is older than the profile’s minimum', fr: 'Le micrologiciel est plus ancien que le minimum du profil' },
    rationale: {
      en: 'Each firmware release closes vulnerabilities, published or not. A device left below the line the site has set misses those fixes and is usually also out of the vendor’s support.',
      fr: 'Chaque version de micrologiciel corrige des vulnérabilités, publiées ou non. Un équipement resté sous le seuil fixé pour le site n’a pas ces corrections et n’est souvent plus supporté par le fabricant.',
    },
    remediation: {
      en: 'Update the firmware to the minimum version or later, from the vendor’s site (check the file’s signature or checksum), after a configuration backup; record the update in the maintenance log.',
      fr: 'Mettre à jour le micrologiciel vers la version minimale ou une version ultérieure, depuis le site du fabricant (vérifier la signature ou l’empreinte du fichier), après sauvegarde de la configuration ; consigner la mise à jour dans le registre de maintenance.',
    },
    references: [REF.iso_8_8, REF.nis2_21_2_e],
    appliesTo: {
      en: 'Devices whose vendor and model match an entry of the profile parameter `minimum` (vendor, model pattern, version). Fires when the firmware is older. Not evaluated when an entry applies but the firmware is unknown or cannot be compared with the minimum. Without a matching entry, no line.',
      fr: 'Équipements dont le fabricant et le modèle correspondent à une entrée du paramètre de profil `minimum` (fabricant, motif de modèle, version). Se déclenche quand le micrologiciel est plus ancien. Non évalué quand une entrée s’applique mais que la version est inconnue ou incomparable. Sans entrée correspondante, aucun résultat.',
    },
    params: OutdatedParams,
  },
  evaluate(host, params) {
    const parsed = OutdatedParams.safeParse(params);
    if (!parsed.success) return [notEvaluated(`the profile parameter is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`)];
    const rules = parsed.data.minimum.filter((m) => sameVendor(m, host.vendor) && host.model !== undefined && new RegExp(m.model, 'i').test(host.model.trim()));
    if (!rules.length) return [];
    const out: Outcome[] = [];
    for (const rule of rules) {
      if (!host.firmware) {
        out.push(notEvaluated(`the profile sets ${rule.version} as the minimum for ${host.vendor} ${host.model}: the firmware version is unknown`));
        continue;
      }
      const c = compareToBound(host.firmware, rule.version);
      if (c === undefined) {
        out.push(notEvaluated(`"${host.firmware.slice(0, 80)}" cannot be ordered against the minimum ${rule.version}`));
        continue;
      }
      if (c < 0) {
        out.push(
          fires({
            key: rule.model,
            detail: `${deviceLabel(host)} is older than ${rule.version}, the profile's minimum for ${rule.vendor} ${rule.model}${rule.reason ? ` (${rule.reason})` : ''}`,
            ...identityEvidence(host),
          }),
        );
      }
    }
    return out;
  },
};
