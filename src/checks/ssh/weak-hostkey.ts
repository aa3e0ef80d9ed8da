import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { SshHostKeyData, SshKexinitData } from '../../core/facts.ts';
import { describeWeak, weakOffered } from './algorithms.ts';
import { evidenceOf, MISSING, perSshService } from './common.ts';

const DEFAULT_MIN_RSA_BITS = 3072;

/**
 * Host key algorithms graded fail/warn (ssh-rsa with SHA-1 signatures, ssh-dss)
 * and RSA/DSA host keys smaller than the profile's `minRsaBits` (3072 by default).
 */
export const sshWeakHostkey: HostCheck = {
  meta: {
    id: 'ssh.weak-hostkey',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'SSH host key or host key algorithm is weak', fr: 'La clé d’hôte SSH ou son algorithme est faible' },
    rationale: {
      en: 'The host key is how an administrator knows they talk to the real device. SHA-1 signatures (ssh-rsa), DSA and RSA keys under 3072 bits no longer give that assurance for the lifetime of a security installation.',
      fr: 'La clé d’hôte permet à l’administrateur de savoir qu’il parle au vrai équipement. Les signatures SHA-1 (ssh-rsa), DSA et les clés RSA de moins de 3072 bits ne donnent plus cette assurance sur la durée de vie d’une installation de sûreté.',
    },
    remediation: {
      en: 'Generate an Ed25519 host key (or RSA of 3072 bits or more), remove DSA and small RSA keys, and offer rsa-sha2-512/rsa-sha2-256 instead of ssh-rsa (OpenSSH: HostKey, HostKeyAlgorithms). Distribute the new fingerprint to the administrators.',
      fr: 'Générer une clé d’hôte Ed25519 (ou RSA de 3072 bits ou plus), retirer les clés DSA et RSA trop courtes, et proposer rsa-sha2-512/rsa-sha2-256 au lieu de ssh-rsa (OpenSSH : HostKey, HostKeyAlgorithms). Diffuser la nouvelle empreinte aux administrateurs.',
    },
    references: [REF.anssiSsh, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host, params) {
    const minBits = typeof params.minRsaBits === 'number' ? params.minRsaBits : DEFAULT_MIN_RSA_BITS;
    return perSshService(host, 'ssh.kexinit', MISSING.kexinit, (service, fact) => {
      const where = { port: service.port, proto: service.proto };
      const offered = (fact.data as unknown as SshKexinitData).hostKey ?? [];
      const problems = weakOffered('hostkey', offered, params).length ? [describeWeak(weakOffered('hostkey', offered, params))] : [];
      const keys = factsOf(host, 'ssh.hostkey', service.port).flatMap((f) => (f.data as unknown as SshHostKeyData).keys ?? []);
      for (const k of keys) {
        if ((k.type === 'ssh-rsa' || k.type === 'ssh-dss') && k.bits !== undefined && k.bits < minBits) {
          problems.push(`${k.type} host key of ${k.bits} bits (< ${minBits}) ${k.fingerprint}`);
        }
      }
      const out: Outcome[] = [];
      if (problems.length) {
        const keyFact = factsOf(host, 'ssh.hostkey', service.port)[0];
        out.push(fires({ ...where, detail: problems.join('; '), ...evidenceOf(keyFact ?? fact) }));
        return out;
      }
      // RSA offered but its size unknown: the check cannot say the key is large enough.
      const rsaOffered = offered.some((a) => a === 'rsa-sha2-256' || a === 'rsa-sha2-512' || a === 'ssh-rsa');
      if (rsaOffered && !keys.some((k) => k.type === 'ssh-rsa')) out.push(notEvaluated('an RSA host key is offered but its size could not be read (see errors)', where));
      return out;
    });
  },
};
