import type { HostCheck } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import type { SshKexinitData } from '../../core/facts.ts';
import { describeWeak, weakOffered } from './algorithms.ts';
import { evidenceOf, MISSING, perSshService } from './common.ts';

/** Ciphers (either direction) the server offers that the algorithm database grades fail or warn. */
export const sshWeakCipher: HostCheck = {
  meta: {
    id: 'ssh.weak-cipher',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'SSH offers weak ciphers', fr: 'SSH propose des algorithmes de chiffrement faibles' },
    rationale: {
      en: 'CBC modes, 64-bit block ciphers (3DES, Blowfish, CAST), RC4 and "none" expose administration sessions to plaintext recovery or have no confidentiality at all. Offering them is enough: old clients and downgrade attempts will use them.',
      fr: 'Les modes CBC, les chiffrements par blocs de 64 bits (3DES, Blowfish, CAST), RC4 et « none » exposent les sessions d’administration au recouvrement de clair ou n’ont aucune confidentialité. Il suffit de les proposer : les anciens clients et les tentatives de dégradation les utiliseront.',
    },
    remediation: {
      en: 'Remove the listed ciphers (OpenSSH: Ciphers); keep chacha20-poly1305@openssh.com, aes256-gcm@openssh.com, aes128-gcm@openssh.com and the aes-ctr family. On embedded devices, update the firmware or restrict SSH to the management network.',
      fr: 'Retirer les algorithmes cités (OpenSSH : Ciphers) ; garder chacha20-poly1305@openssh.com, aes256-gcm@openssh.com, aes128-gcm@openssh.com et la famille aes-ctr. Sur les équipements embarqués, mettre à jour le micrologiciel ou réserver SSH au réseau d’administration.',
    },
    references: [REF.anssiSsh, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host, params) {
    return perSshService(host, 'ssh.kexinit', MISSING.kexinit, (service, fact) => {
      const d = fact.data as unknown as SshKexinitData;
      const weak = weakOffered('cipher', [...(d.encC2S ?? []), ...(d.encS2C ?? [])], params);
      return weak.length ? [fires({ port: service.port, proto: service.proto, detail: describeWeak(weak), ...evidenceOf(fact) })] : [];
    });
  },
};
