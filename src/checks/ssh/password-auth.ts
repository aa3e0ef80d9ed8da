import type { HostCheck } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { SshAuthMethodsData } from '../../core/facts.ts';
import { evidenceOf, MISSING, perSshService } from './common.ts';

const PASSWORD_METHODS = ['password', 'keyboard-interactive'];

/** The server lists password or keyboard-interactive after a `none` request. */
export const sshPasswordAuth: HostCheck = {
  meta: {
    id: 'ssh.password-auth',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'SSH accepts password logins', fr: 'SSH accepte l’authentification par mot de passe' },
    rationale: {
      en: 'A device that takes passwords over SSH can be guessed at from anywhere that reaches it, and devices rarely lock out; administrators reuse passwords across a fleet. Public keys cannot be guessed or phished.',
      fr: 'Un équipement qui accepte des mots de passe en SSH peut être attaqué par essais depuis tout point qui l’atteint, et les équipements verrouillent rarement ; les administrateurs réutilisent les mots de passe sur tout un parc. Les clés publiques ne se devinent pas et ne s’hameçonnent pas.',
    },
    remediation: {
      en: 'Disable password and keyboard-interactive authentication (OpenSSH: PasswordAuthentication no, KbdInteractiveAuthentication no) and use public keys; where the device cannot, restrict SSH to the management network and use long, unique passwords.',
      fr: 'Désactiver l’authentification par mot de passe et keyboard-interactive (OpenSSH : PasswordAuthentication no, KbdInteractiveAuthentication no) et utiliser des clés publiques ; si l’équipement ne le permet pas, réserver SSH au réseau d’administration et utiliser des mots de passe longs et uniques.',
    },
    references: [REF.anssiSsh, REF.iso_8_5, REF.iso_5_17],
  },
  evaluate(host) {
    return perSshService(host, 'ssh.auth-methods', MISSING.auth, (service, fact) => {
      const where = { port: service.port, proto: service.proto };
      const d = fact.data as unknown as SshAuthMethodsData;
      if (d.noneAccepted) return [notEvaluated('the server let the "none" request in (no authentication at all), so it listed no methods', where)];
      const listed = (d.methods ?? []).filter((m) => PASSWORD_METHODS.includes(m));
      return listed.length ? [fires({ ...where, detail: `methods offered: ${(d.methods ?? []).join(', ')}`, ...evidenceOf(fact) })] : [];
    });
  },
};
