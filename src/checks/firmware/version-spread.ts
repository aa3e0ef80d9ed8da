import type { FleetCheck, HostView, Outcome } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import { canonicalVendor } from '../../core/fingerprint.ts';
import { compareFirmware } from './version.ts';
import { identityEvidence } from './common.ts';

/**
 * Devices of one vendor and model running different firmware: the ones behind
 * the newest version seen on the site were missed by an update campaign. When
 * the versions cannot be ordered, every device of the group is named.
 */
export const firmwareVersionSpread: FleetCheck = {
  meta: {
    id: 'firmware.version-spread',
    level: 'fleet',
    severity: 'low',
    classes: 'all',
    title: { en: 'Devices of one model run different firmware versions', fr: 'Des équipements d’un même modèle ont des micrologiciels différents' },
    rationale: {
      en: 'When identical devices run different firmware, updates are done device by device and some were missed: those keep vulnerabilities their siblings no longer have, and the site’s configuration cannot be managed as one.',
      fr: 'Quand des équipements identiques ont des micrologiciels différents, les mises à jour se font au cas par cas et certaines ont été oubliées : ces équipements gardent des vulnérabilités que leurs semblables n’ont plus, et la configuration du site ne peut être gérée d’un bloc.',
    },
    remediation: {
      en: 'Bring every device of the model to the same current firmware, in one maintenance campaign, and keep the version of each device in the site inventory.',
      fr: 'Amener tous les équipements du modèle au même micrologiciel à jour, en une campagne de maintenance, et tenir la version de chaque équipement dans l’inventaire du site.',
    },
    references: [REF.iso_8_8, REF.iso_8_9, REF.nis2_21_2_e],
    appliesTo: {
      en: 'Every device whose vendor, model and firmware are known, grouped by vendor and model. Fires on the devices behind the newest version of their group (on all of them when the versions cannot be ordered). Devices with an unknown firmware are left out.',
      fr: 'Tous les équipements dont fabricant, modèle et micrologiciel sont connus, regroupés par fabricant et modèle. Se déclenche sur ceux qui sont en retard sur la version la plus récente du groupe (sur tous quand les versions ne peuvent être ordonnées). Les équipements de version inconnue sont laissés de côté.',
    },
  },
  evaluate(hosts) {
    const groups = new Map<string, HostView[]>();
    for (const h of hosts) {
      if (!h.vendor || !h.model || !h.firmware) continue;
      const key = `${canonicalVendor(h.vendor).toLowerCase()}\u0000${h.model.trim().toLowerCase()}`;
      groups.set(key, [...(groups.get(key) ?? []), h]);
    }
    const out: (Outcome & { host: string })[] = [];
    for (const group of groups.values()) {
      const versions = [...new Set(group.map((h) => h.firmware!.trim()))];
      if (versions.length < 2) continue;
      // Equal versions written differently ("1.41" and "1.41.00") are not a spread.
      const distinct = versions.filter((v, i) => versions.findIndex((w) => compareFirmware(v, w) === 0) === i);
      if (distinct.length < 2) continue;
      let newest: string | undefined = distinct[0];
      for (const v of distinct.slice(1)) {
        const c = newest === undefined ? undefined : compareFirmware(v, newest);
        if (c === undefined) {
          newest = undefined;
          break;
        }
        if (c > 0) newest = v;
      }
      const model = `${group[0]!.vendor} ${group[0]!.model}`;
      for (const h of group) {
        const mine = h.firmware!.trim();
        if (newest !== undefined && compareFirmware(mine, newest) === 0) continue;
        const others = group.filter((o) => o !== h && o.firmware!.trim() !== mine);
        const detail =
          newest !== undefined
            ? `${model}: runs ${mine}; ${others.filter((o) => compareFirmware(o.firmware!, newest!) === 0).length} other device(s) of the model run ${newest}`
            : `${model}: runs ${mine}; the model's versions on the site (${distinct.join(', ')}) cannot be ordered`;
        out.push({ ...fires({ key: group[0]!.model!.trim(), detail, ...identityEvidence(h) }), host: h.address });
      }
    }
    return out;
  },
};
