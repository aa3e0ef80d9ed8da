import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires } from '../types.ts';
import { REF } from '../references.ts';
import type { SnmpV3UserData } from '../../core/facts.ts';

/** SNMPv3 is only as strong as its weakest account: no authentication, MD5, or DES. */
export const snmpV3Weak: HostCheck = {
  meta: {
    id: 'snmp.v3-weak',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'Weak SNMPv3 security', fr: 'Sécurité SNMPv3 faible' },
    rationale: {
      en: 'An SNMPv3 user at noAuthNoPriv is no better than a v1 community: anyone who knows the user name reads the device. HMAC-MD5 authentication and DES privacy are obsolete: MD5 is broken as a hash and DES keys (56 bits) are found by brute force; both remain in devices for compatibility only.',
      fr: "Un utilisateur SNMPv3 en noAuthNoPriv ne vaut pas mieux qu'une communauté v1 : quiconque connaît le nom lit l'équipement. L'authentification HMAC-MD5 et le chiffrement DES sont obsolètes : MD5 est cassé comme fonction de hachage et une clé DES (56 bits) se retrouve par force brute ; ils ne subsistent que pour la compatibilité.",
    },
    remediation: {
      en: 'Use authPriv for every SNMPv3 user, with SHA-2 (or at least SHA-1) authentication and AES privacy; delete unauthenticated users such as "initial".',
      fr: "Utiliser authPriv pour chaque utilisateur SNMPv3, avec une authentification SHA-2 (ou au moins SHA-1) et un chiffrement AES ; supprimer les utilisateurs sans authentification comme « initial ».",
    },
    references: [REF.rfc3414, REF.rfc3826, REF.pa072R25, REF.iso_8_5, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    const seen = new Set<string>();
    for (const f of factsOf(host, 'snmp.v3-user')) {
      const d = f.data as unknown as SnmpV3UserData;
      // Data without authentication, or any authenticated answer (even a refusal proves the account and its protocols).
      const authenticated = d.level !== 'noAuthNoPriv' && (d.result === 'accepted' || d.result === 'refused');
      if (d.result !== 'accepted' && !authenticated) continue;
      const weak: string[] = [];
      if (d.level === 'noAuthNoPriv') weak.push('answers without authentication (noAuthNoPriv)');
      else {
        if (d.authProtocol === 'md5') weak.push('authenticates with HMAC-MD5');
        if (d.privProtocol === 'des') weak.push('is declared with DES privacy (the agent accepted its authentication)');
      }
      const key = `${f.port}:${d.user}:${d.level}`;
      if (!weak.length || seen.has(key)) continue;
      seen.add(key);
      out.push(fires({ port: f.port!, proto: 'udp', key: d.user, detail: `SNMPv3 user "${d.user}" ${weak.join(' and ')}`, ...(f.evidence ? { evidence: f.evidence } : {}) }));
    }
    return out;
  },
};
