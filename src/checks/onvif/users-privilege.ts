import type { CheckParams, HostCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { OnvifUsersData } from '../../core/facts.ts';
import { describeOutcomes, onvifPorts } from './common.ts';

const DEFAULT_NAMES = ['admin', 'root', 'service'];
/** Names that say the account is for day-to-day use, not administration. */
const OPERATOR_NAMES = '^(operator|oper|viewer|view|user|guest|guard|live|monitor|security|visitor|operateur|opérateur)\\d*$';

function params(p: CheckParams): { maxAdministrators: number; defaultNames: string[]; operatorNames: RegExp } {
  const max = typeof p.maxAdministrators === 'number' && p.maxAdministrators >= 1 ? p.maxAdministrators : 1;
  const names = Array.isArray(p.defaultNames) ? p.defaultNames.filter((n): n is string => typeof n === 'string').map((n) => n.toLowerCase()) : DEFAULT_NAMES;
  let re: RegExp;
  try {
    re = new RegExp(typeof p.operatorNames === 'string' ? p.operatorNames : OPERATOR_NAMES, 'i');
  } catch {
    re = new RegExp(OPERATOR_NAMES, 'i');
  }
  return { maxAdministrators: max, defaultNames: names, operatorNames: re };
}

/**
 * Least privilege over the ONVIF accounts (GetUsers): more Administrators than
 * the profile allows, accounts that keep a factory name, and day-to-day
 * accounts (operator, viewer …) given Administrator rights. GetUsers faulting
 * or timing out is not evaluated.
 */
export const onvifUsersPrivilege: HostCheck = {
  meta: {
    id: 'onvif.users-privilege',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'ONVIF accounts do not follow least privilege', fr: 'Les comptes ONVIF ne respectent pas le moindre privilège' },
    rationale: {
      en: 'Each Administrator account can change users, network settings and firmware. Several of them multiply the passwords that open the device; factory names (admin, root, service) are the first ones guessed; an operator or viewer account with Administrator rights gives administration to people who only need to watch.',
      fr: "Chaque compte Administrateur peut modifier les utilisateurs, le réseau et le micrologiciel. Plusieurs tels comptes multiplient les mots de passe qui ouvrent l'équipement ; les noms d'usine (admin, root, service) sont les premiers essayés ; un compte opérateur ou de visualisation doté des droits Administrateur donne l'administration à des personnes qui n'ont besoin que de regarder.",
    },
    remediation: {
      en: 'Keep one named Administrator account per device (or per administration team), rename or disable factory accounts where the device allows it, and give operators and viewers the Operator or User level only.',
      fr: "Ne garder qu'un compte Administrateur nominatif par équipement (ou par équipe d'administration), renommer ou désactiver les comptes d'usine quand l'équipement le permet, et ne donner aux opérateurs et aux personnes qui visualisent que le niveau Operator ou User.",
    },
    references: [REF.pa072R8, REF.iso_8_2, REF.iso_5_15, REF.iso_5_18, REF.nis2_21_2_i],
  },
  evaluate(host, p) {
    const { maxAdministrators, defaultNames, operatorNames } = params(p);
    const out: Outcome[] = [];
    for (const port of onvifPorts(host)) {
      const where = { port: port.port, proto: 'tcp' as const };
      const fact = factsOf(host, 'onvif.users', port.port)[0];
      if (!fact) {
        const ops = port.operations.filter((o) => o.op === 'GetUsers');
        out.push(notEvaluated(ops.length ? `the user list could not be read (${describeOutcomes(ops)})` : 'GetUsers was not asked', where));
        continue;
      }
      const users = (fact.data as unknown as OnvifUsersData).users ?? [];
      const evidence = fact.evidence ? { evidence: fact.evidence } : {};
      const admins = users.filter((u) => /^administrator$/i.test(u.level));
      if (admins.length > maxAdministrators) {
        out.push(fires({ ...where, key: 'administrators', detail: `${admins.length} Administrator accounts: ${admins.map((u) => u.name).join(', ')} (at most ${maxAdministrators} expected)`, ...evidence }));
      }
      for (const u of users) {
        if (defaultNames.includes(u.name.toLowerCase())) {
          out.push(fires({ ...where, key: `default-name:${u.name}`, detail: `account "${u.name}" (${u.level}) keeps a factory default name`, ...evidence }));
        }
        if (/^administrator$/i.test(u.level) && operatorNames.test(u.name)) {
          out.push(fires({ ...where, key: `role:${u.name}`, detail: `account "${u.name}" is named for day-to-day use but has Administrator rights`, ...evidence }));
        }
      }
    }
    return out;
  },
};
