/**
 * The reference documents checks cite, in one place so that a citation is
 * written once and verified once. Recommendation numbers are only those read
 * in the source document (see docs/references.md for how each was checked).
 */
import type { Reference } from '../core/model.ts';

const PA072_URL = 'https://cyber.gouv.fr/publications/recommandations-sur-la-securisation-des-systemes-de-controle-dacces-physique-et-de';

export const REF = {
  /** ANSSI-PA-072 R18: disable the unused ports of the supporting networks. */
  pa072R18: { id: 'ANSSI-PA-072 R18', title: 'Désactiver les ports non utilisés des réseaux supports', url: PA072_URL },
  /** ANSSI-PA-072 R25: flows over an uncontrolled network are encrypted and authenticated. */
  pa072R25: { id: 'ANSSI-PA-072 R25', title: 'Chiffrer et authentifier les flux transitant sur un réseau non maîtrisé', url: PA072_URL },
  /** ANSSI-PA-072 R8: user rights according to responsibilities. */
  pa072R8: { id: 'ANSSI-PA-072 R8', title: 'Identifier les types de droits des usagers en fonction de leurs responsabilités', url: PA072_URL },
  iso_5_9: { id: 'ISO/IEC 27001:2022 A.5.9', title: 'Inventory of information and other associated assets' },
  iso_8_5: { id: 'ISO/IEC 27001:2022 A.8.5', title: 'Secure authentication' },
  iso_8_9: { id: 'ISO/IEC 27001:2022 A.8.9', title: 'Configuration management' },
  iso_8_20: { id: 'ISO/IEC 27001:2022 A.8.20', title: 'Networks security' },
  iso_8_24: { id: 'ISO/IEC 27001:2022 A.8.24', title: 'Use of cryptography' },
  nis2_21_2_h: { id: 'NIS2 Art. 21(2)(h)', title: 'Policies and procedures regarding the use of cryptography and, where appropriate, encryption' },
  nis2_21_2_i: { id: 'NIS2 Art. 21(2)(i)', title: 'Human resources security, access control policies and asset management' },
} as const satisfies Record<string, Reference>;
