import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { suiteByCode, versionRank, type TlsSuite, type TlsVersionName } from '../../core/tls-suites.ts';
import { evidenceOf, incompleteReason, perHandshake, where } from './common.ts';

/** Why one accepted suite is weak under one version (empty: it is not). */
export function weaknesses(s: TlsSuite, version: TlsVersionName): string[] {
  const r: string[] = [];
  if (s.flags.null) r.push('no encryption');
  if (s.flags.export) r.push('EXPORT grade');
  if (s.flags.rc4) r.push('RC4');
  if (s.flags['3des']) r.push('3DES');
  else if (s.flags.des) r.push('DES');
  else if (s.flags.block64) r.push('64-bit block cipher');
  if (!s.flags.pfs && s.kex !== 'NULL') r.push(`static ${s.kex} key exchange (no forward secrecy)`);
  if (s.flags.cbc && s.mac === 'SHA1' && versionRank(version) <= versionRank('TLSv1.1')) r.push('CBC with SHA-1 under TLS ≤ 1.1');
  return r;
}

/**
 * Suites without forward secrecy (static RSA/DH/ECDH/PSK), NULL, EXPORT, RC4,
 * DES/3DES and other 64-bit block ciphers, and CBC with SHA-1 under TLS ≤ 1.1.
 * Not weak: AEAD suites with ECDHE/DHE, and ECDHE/DHE CBC suites under TLS 1.2.
 * Anonymous suites are `tls.anonymous-cipher`; SSLv2 cipher kinds come with
 * `tls.legacy-protocol`.
 */
export const tlsWeakCipher: HostCheck = {
  meta: {
    id: 'tls.weak-cipher',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'Weak TLS cipher suites accepted', fr: 'Suites cryptographiques TLS faibles acceptées' },
    rationale: {
      en: 'Static RSA key exchange gives no forward secrecy: whoever obtains the device key later decrypts every recorded session. RC4, DES/3DES (Sweet32), EXPORT and NULL suites are broken or offer no encryption, and CBC with SHA-1 under TLS 1.0/1.1 is exposed to padding-oracle attacks (BEAST, Lucky13).',
      fr: 'L’échange de clés RSA statique n’offre pas de confidentialité persistante : qui obtient plus tard la clé de l’équipement déchiffre toutes les sessions enregistrées. RC4, DES/3DES (Sweet32), les suites EXPORT et NULL sont cassées ou ne chiffrent pas, et CBC avec SHA-1 sous TLS 1.0/1.1 est exposé aux attaques par oracle de remplissage (BEAST, Lucky13).',
    },
    remediation: {
      en: 'Keep only ECDHE (or DHE with 2048-bit groups or more) suites with AES-GCM or ChaCha20-Poly1305, e.g. ECDHE-ECDSA/RSA-AES128/256-GCM and the TLS 1.3 suites; remove the listed ones in the device’s TLS settings or ask the vendor for a firmware that does.',
      fr: 'Ne garder que des suites ECDHE (ou DHE avec des groupes d’au moins 2048 bits) avec AES-GCM ou ChaCha20-Poly1305, par exemple ECDHE-ECDSA/RSA-AES128/256-GCM et les suites TLS 1.3 ; retirer celles citées dans les réglages TLS de l’équipement ou demander au fabricant un micrologiciel qui le permet.',
    },
    references: [REF.anssiTls, REF.pa072R25, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host) {
    return perHandshake(host, (e, d) => {
      const weak = new Map<string, { versions: string[]; why: Set<string> }>();
      for (const v of d.versions ?? []) {
        if (v.status !== 'accepted' || v.version === 'SSLv2') continue;
        for (const s of v.suites) {
          const suite = suiteByCode(parseInt(s.code, 16));
          if (!suite || suite.flags.anon) continue;
          const why = weaknesses(suite, v.version);
          if (!why.length) continue;
          const entry = weak.get(suite.name) ?? { versions: [], why: new Set<string>() };
          entry.versions.push(v.version);
          for (const w of why) entry.why.add(w);
          weak.set(suite.name, entry);
        }
      }
      const out: Outcome[] = [];
      if (weak.size) {
        const list = [...weak].map(([name, w]) => `${name} [${w.versions.join(', ')}]: ${[...w.why].join(', ')}`);
        out.push(fires({ ...where(e), detail: `${weak.size} weak suite(s) on ${e.port}/tcp: ${list.join('; ')}`.slice(0, 1500), ...evidenceOf(e.handshake) }));
      } else if (!d.complete) {
        out.push(notEvaluated(incompleteReason(d), where(e)));
      }
      return out;
    });
  },
};
