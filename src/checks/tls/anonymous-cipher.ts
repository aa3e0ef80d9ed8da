import type { HostCheck } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { suiteByCode } from '../../core/tls-suites.ts';
import { evidenceOf, incompleteReason, perHandshake, where } from './common.ts';

/** aNULL suites (DH_anon, ECDH_anon): the server is never authenticated. */
export const tlsAnonymousCipher: HostCheck = {
  meta: {
    id: 'tls.anonymous-cipher',
    level: 'host',
    severity: 'critical',
    classes: 'all',
    title: { en: 'Anonymous TLS cipher suites accepted (no server authentication)', fr: 'Suites TLS anonymes acceptées (aucune authentification du serveur)' },
    rationale: {
      en: 'With an anonymous suite (ADH, AECDH) the server sends no certificate: any machine on the path can pose as the device, read the session and the credentials typed into it. Encryption without authentication protects nothing against an active attacker.',
      fr: 'Avec une suite anonyme (ADH, AECDH), le serveur n’envoie aucun certificat : n’importe quelle machine sur le chemin peut se faire passer pour l’équipement, lire la session et les identifiants qui y sont saisis. Un chiffrement sans authentification ne protège de rien face à un attaquant actif.',
    },
    remediation: {
      en: 'Remove every anonymous suite (OpenSSL syntax: add !aNULL to the cipher list) and serve a certificate issued by the site’s CA.',
      fr: 'Retirer toutes les suites anonymes (syntaxe OpenSSL : ajouter !aNULL à la liste) et présenter un certificat émis par l’IGC du site.',
    },
    references: [REF.anssiTls, REF.pa072R25, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host) {
    return perHandshake(host, (e, d) => {
      const anon = new Map<string, string[]>();
      for (const v of d.versions ?? []) {
        if (v.status !== 'accepted') continue;
        for (const s of v.suites) {
          if (!suiteByCode(parseInt(s.code, 16))?.flags.anon) continue;
          anon.set(s.name, [...(anon.get(s.name) ?? []), v.version]);
        }
      }
      if (anon.size) {
        const list = [...anon].map(([name, versions]) => `${name} [${versions.join(', ')}]`).join('; ');
        return [fires({ ...where(e), detail: `${anon.size} anonymous suite(s) on ${e.port}/tcp: ${list}`.slice(0, 1500), ...evidenceOf(e.handshake) })];
      }
      if (!d.complete) return [notEvaluated(incompleteReason(d), where(e))];
      return [];
    });
  },
};
