import type { HostCheck } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import type { SshKexinitData } from '../../core/facts.ts';
import { describeWeak, weakOffered } from './algorithms.ts';
import { evidenceOf, MISSING, perSshService } from './common.ts';

/** Key exchange methods the server offers that the algorithm database grades fail or warn. */
export const sshWeakKex: HostCheck = {
  meta: {
    id: 'ssh.weak-kex',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'SSH offers weak key exchange methods', fr: 'SSH propose des méthodes d’échange de clés faibles' },
    rationale: {
      en: 'The key exchange protects every session key. A server that still offers 1024-bit Diffie-Hellman groups or SHA-1 exchange hashes lets a client — or an attacker in the middle who can influence the negotiation — settle for them.',
      fr: 'L’échange de clés protège toutes les clés de session. Un serveur qui propose encore des groupes Diffie-Hellman de 1024 bits ou des empreintes d’échange SHA-1 laisse un client — ou un attaquant placé au milieu qui influence la négociation — s’en contenter.',
    },
    remediation: {
      en: 'Remove the listed methods from the SSH server configuration (OpenSSH: KexAlgorithms; embedded devices: update the firmware). Keep curve25519-sha256, a post-quantum hybrid if available, or diffie-hellman-group16/18-sha512.',
      fr: 'Retirer les méthodes citées de la configuration du serveur SSH (OpenSSH : KexAlgorithms ; équipements embarqués : mettre à jour le micrologiciel). Garder curve25519-sha256, un hybride post-quantique si disponible, ou diffie-hellman-group16/18-sha512.',
    },
    references: [REF.anssiSsh, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host, params) {
    return perSshService(host, 'ssh.kexinit', MISSING.kexinit, (service, fact) => {
      const weak = weakOffered('kex', (fact.data as unknown as SshKexinitData).kex ?? [], params);
      return weak.length ? [fires({ port: service.port, proto: service.proto, detail: describeWeak(weak), ...evidenceOf(fact) })] : [];
    });
  },
};
