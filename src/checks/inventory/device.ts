import type { HostCheck } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';

/** One line per device found: the inventory is the first deliverable of an audit. */
export const inventoryDevice: HostCheck = {
  meta: {
    id: 'inventory.device',
    level: 'host',
    severity: 'info',
    classes: 'all',
    title: { en: 'Device inventoried', fr: 'Équipement inventorié' },
    rationale: {
      en: 'An audit starts from an inventory: class, vendor, model and firmware of every device, and which observation said so.',
      fr: "Un audit part d'un inventaire : classe, fabricant, modèle et micrologiciel de chaque équipement, et l'observation qui l'a établi.",
    },
    remediation: {
      en: 'Check the device against the site inventory; an unexpected device must be explained or removed.',
      fr: "Rapprocher l'équipement de l'inventaire du site ; un équipement inattendu doit être justifié ou retiré.",
    },
    references: [REF.iso_5_9],
  },
  evaluate(host) {
    const parts = [
      `class=${host.class}`,
      host.vendor && `vendor=${host.vendor}`,
      host.model && `model=${host.model}`,
      host.firmware && `firmware=${host.firmware}`,
      `services=${host.services.map((s) => `${s.port}/${s.proto} ${s.kind}`).join(', ') || 'none'}`,
    ].filter(Boolean);
    return [fires({ detail: parts.join('; ') })];
  },
};
