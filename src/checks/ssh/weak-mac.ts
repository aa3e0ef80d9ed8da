import type { HostCheck } from '../types.ts';
import { fires } from '../types.ts';
import { REF } from '../references.ts';
import type { SshKexinitData } from '../../core/facts.ts';
import { describeWeak, weakOffered } from './algorithms.ts';
import { evidenceOf, MISSING, perSshService } from './common.ts';

/** MACs (either direction) the server offers that the algorithm database grades fail or warn. */
export const sshWeakMac: HostCheck = {
  meta: {
    id: 'ssh.weak-mac',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'SSH offers weak integrity algorithms (MAC)', fr: 'SSH propose des algorithmes d’intégrité (MAC) faibles' },
    rationale: {
      en: 'The MAC is what stops an attacker on the path from altering an administration session. MD5 and SHA-1 based MACs, truncated 96-bit and 64-bit tags are deprecated; offering them keeps them negotiable.',
      fr: 'Le MAC empêche un attaquant sur le chemin de modifier une session d’administration. Les MAC fondés sur MD5 et SHA-1 et les étiquettes tronquées à 96 ou 64 bits sont dépréciés ; les proposer les garde négociables.',
    },
    remediation: {
      en: 'Remove the listed MACs (OpenSSH: MACs); keep hmac-sha2-256-etm@openssh.com, hmac-sha2-512-etm@openssh.com and umac-128-etm@openssh.com.',
      fr: 'Retirer les MAC cités (OpenSSH : MACs) ; garder hmac-sha2-256-etm@openssh.com, hmac-sha2-512-etm@openssh.com et umac-128-etm@openssh.com.',
    },
    references: [REF.anssiSsh, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host, params) {
    return perSshService(host, 'ssh.kexinit', MISSING.kexinit, (service, fact) => {
      const d = fact.data as unknown as SshKexinitData;
      const weak = weakOffered('mac', [...(d.macC2S ?? []), ...(d.macS2C ?? [])], params);
      return weak.length ? [fires({ port: service.port, proto: service.proto, detail: describeWeak(weak), ...evidenceOf(fact) })] : [];
    });
  },
};
