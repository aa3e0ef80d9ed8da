import type { HostCheck } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import type { SshKexinitData } from '../../core/facts.ts';
import { evidenceOf, MISSING, perSshService } from './common.ts';

export const STRICT_KEX_MARKER = 'kex-strict-s-v00@openssh.com';
const CHACHA = /^chacha20-poly1305(@openssh\.com)?$/;
const CBC = /-cbc(@|$)/;
const ETM = /-etm@openssh\.com$/;

/**
 * Terrapin (CVE-2023-48795): the prefix truncation works against
 * chacha20-poly1305 and against CBC ciphers combined with an -etm MAC, unless
 * both sides use strict key exchange, which the server announces with
 * kex-strict-s-v00@openssh.com.
 */
export function terrapinExposure(d: Pick<SshKexinitData, 'kex' | 'encC2S' | 'encS2C' | 'macC2S' | 'macS2C'>): string | undefined {
  if ((d.kex ?? []).includes(STRICT_KEX_MARKER)) return undefined;
  const enc = [...new Set([...(d.encC2S ?? []), ...(d.encS2C ?? [])])];
  const mac = [...new Set([...(d.macC2S ?? []), ...(d.macS2C ?? [])])];
  const chacha = enc.filter((c) => CHACHA.test(c));
  const cbc = enc.filter((c) => CBC.test(c));
  const etm = mac.filter((m) => ETM.test(m));
  const reasons: string[] = [];
  if (chacha.length) reasons.push(`${chacha.join(', ')} offered`);
  if (cbc.length && etm.length) reasons.push(`CBC (${cbc.join(', ')}) with encrypt-then-MAC (${etm.join(', ')}) offered`);
  return reasons.length ? `${reasons.join('; ')}; ${STRICT_KEX_MARKER} absent` : undefined;
}

export const sshTerrapin: HostCheck = {
  meta: {
    id: 'ssh.terrapin',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'SSH is exposed to the Terrapin attack (CVE-2023-48795)', fr: 'SSH est exposé à l’attaque Terrapin (CVE-2023-48795)' },
    rationale: {
      en: 'An attacker in the middle can silently drop the first encrypted messages of a session (for instance the extension negotiation that protects the signature algorithm), when chacha20-poly1305 or CBC with an encrypt-then-MAC MAC is used and the server does not do strict key exchange.',
      fr: 'Un attaquant placé au milieu peut supprimer sans trace les premiers messages chiffrés d’une session (par exemple la négociation d’extensions qui protège l’algorithme de signature), quand chacha20-poly1305 ou CBC avec un MAC encrypt-then-MAC est utilisé et que le serveur ne pratique pas l’échange de clés strict.',
    },
    remediation: {
      en: 'Update the SSH server to a version with strict key exchange (OpenSSH 9.6 or a distribution backport, dropbear 2024.84 or vendor firmware announcing kex-strict-s-v00@openssh.com); until then, disable chacha20-poly1305@openssh.com and the -etm MACs when CBC ciphers are enabled.',
      fr: 'Mettre à jour le serveur SSH vers une version pratiquant l’échange de clés strict (OpenSSH 9.6 ou un correctif de distribution, dropbear 2024.84 ou un micrologiciel annonçant kex-strict-s-v00@openssh.com) ; d’ici là, désactiver chacha20-poly1305@openssh.com et les MAC -etm si des chiffrements CBC sont actifs.',
    },
    references: [REF.terrapin, REF.anssiSsh, REF.iso_8_24, REF.iso_8_8],
  },
  evaluate(host) {
    return perSshService(host, 'ssh.kexinit', MISSING.kexinit, (service, fact) => {
      const why = terrapinExposure(fact.data as unknown as SshKexinitData);
      return why ? [fires({ port: service.port, proto: service.proto, detail: why, ...evidenceOf(fact) })] : [];
    });
  },
};
