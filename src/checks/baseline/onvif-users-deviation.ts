import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { observedOnvifUsers, OnvifUsersParams, refLabel, speaksOnvif } from './reference.ts';
import { BASELINE_RATIONALE_TAIL, referenceParams } from './common.ts';

/** The ONVIF accounts (names and levels) must be the reference's: no extra account, none missing, no other role. */
export const baselineOnvifUsersDeviation: HostCheck = {
  meta: {
    id: 'baseline.onvif-users-deviation',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'ONVIF accounts differ from the commissioning reference', fr: 'Comptes ONVIF différents de la référence de mise en service' },
    rationale: {
      en: `An account the reference does not have (often a factory one), a missing account, or an account with another role: the device's accounts were not set like the site standard (least privilege). ${BASELINE_RATIONALE_TAIL.en}`,
      fr: `Un compte absent de la référence (souvent un compte d'usine), un compte manquant, ou un compte d'un autre rôle : les comptes de l'équipement ne suivent pas le standard du site (moindre privilège). ${BASELINE_RATIONALE_TAIL.fr}`,
    },
    remediation: {
      en: 'Create exactly the reference accounts with their roles, delete the others (factory accounts first), and give each a password of its own.',
      fr: 'Créer exactement les comptes de la référence avec leurs rôles, supprimer les autres (les comptes d’usine en premier), et donner à chacun un mot de passe qui lui est propre.',
    },
    references: [REF.pa072R8, REF.iso_5_18, REF.iso_8_2],
    appliesTo: {
      en: 'Reads `onvif.users` (GetUsers, with the site account when given) and `params.users`. Fires per extra account, missing account or other role. Not evaluated when the device speaks ONVIF but its user list could not be read.',
      fr: "Lit `onvif.users` (GetUsers, avec le compte du site s'il est fourni) et `params.users`. Un constat par compte en trop, compte manquant ou rôle différent. Non évalué si l'équipement parle ONVIF mais que sa liste d'utilisateurs n'a pas pu être lue.",
    },
    params: OnvifUsersParams,
  },
  evaluate(host, params) {
    const parsed = referenceParams(OnvifUsersParams, params, 'ONVIF account list');
    if (!parsed.ok) return parsed.outcome;
    const ref = parsed.params;
    const users = observedOnvifUsers(host);
    if (!users) {
      if (!speaksOnvif(host)) return ref.users.length ? [fires({ key: 'no-onvif', detail: `the device does not answer ONVIF; ${refLabel(ref)} has ${ref.users.length} ONVIF account(s)` })] : [];
      return [notEvaluated('the ONVIF user list could not be read (GetUsers needs the site ONVIF account: --credentials)')];
    }
    const out: Outcome[] = [];
    const want = new Map(ref.users.map((u) => [u.name, u.level]));
    const got = new Map(users.map((u) => [u.name, u.level]));
    for (const [name, level] of got) {
      const expected = want.get(name);
      if (expected === undefined) out.push(fires({ key: `extra:${name}`, detail: `account "${name}" (${level}) is not in ${refLabel(ref)}` }));
      else if (expected !== level) out.push(fires({ key: `level:${name}`, detail: `account "${name}" is ${level}; in ${refLabel(ref)} it is ${expected}` }));
    }
    for (const [name, level] of want) {
      if (!got.has(name)) out.push(fires({ key: `missing:${name}`, detail: `account "${name}" (${level}) of ${refLabel(ref)} is missing` }));
    }
    return out;
  },
};
