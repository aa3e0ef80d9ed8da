import type { FleetCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { TlsCertificateData } from '../../core/facts.ts';
import { tlsEndpoints, where } from './common.ts';

interface Holder {
  host: string;
  port: number;
  cert: string;
  subject: string;
}

/**
 * The same leaf certificate, or the same public key under different
 * certificates, on several devices: a factory certificate whose private key
 * ships in every firmware image. Several ports of one device sharing a
 * certificate is normal and does not count.
 */
export const tlsCertShared: FleetCheck = {
  meta: {
    id: 'tls.cert-shared',
    level: 'fleet',
    severity: 'high',
    classes: 'all',
    title: { en: 'The same TLS certificate or key is used on several devices', fr: 'Le même certificat ou la même clé TLS est utilisé par plusieurs équipements' },
    rationale: {
      en: 'A certificate or key found on several devices was made once, usually by the vendor, and its private key is in every firmware image — often extracted and published. Anyone holding it can impersonate all these devices and, with static RSA suites, decrypt their recorded sessions.',
      fr: 'Un certificat ou une clé présent sur plusieurs équipements a été créé une seule fois, en général par le fabricant, et sa clé privée est dans chaque image de micrologiciel — souvent extraite et publiée. Qui la détient peut usurper tous ces équipements et, avec des suites RSA statiques, déchiffrer leurs sessions enregistrées.',
    },
    remediation: {
      en: 'Generate a new key on each device and have a certificate per device issued by the site’s PKI (with the device’s address or name in the subjectAltName); never reuse one key pair across devices.',
      fr: 'Générer une nouvelle clé sur chaque équipement et faire émettre un certificat par équipement par l’IGC du site (avec son adresse ou son nom dans le subjectAltName) ; ne jamais réutiliser une biclé sur plusieurs équipements.',
    },
    references: [REF.anssiTls, REF.iso_8_24, REF.iso_8_9, REF.nis2_21_2_h],
  },
  evaluate(hosts) {
    const out: (Outcome & { host: string })[] = [];
    const byKey = new Map<string, Holder[]>();
    for (const host of hosts) {
      for (const e of tlsEndpoints(host)) {
        const d = e.certificate?.data as unknown as TlsCertificateData | undefined;
        const leaf = d?.chain?.[0];
        if (!leaf) {
          out.push({ ...notEvaluated(d?.reason ?? 'the TLS certificate could not be read on this port (see errors)', where(e)), host: host.address });
          continue;
        }
        // Group by public key (same certificate implies same key); a key that could not be read falls back to the certificate.
        const key = leaf.spkiSha256 || `cert:${leaf.sha256}`;
        const list = byKey.get(key) ?? [];
        list.push({ host: host.address, port: e.port, cert: leaf.sha256, subject: leaf.subject });
        byKey.set(key, list);
      }
    }
    for (const [key, holders] of byKey) {
      const devices = [...new Set(holders.map((h) => h.host))];
      if (devices.length < 2) continue;
      const sameCert = new Set(holders.map((h) => h.cert)).size === 1;
      for (const h of holders) {
        const others = devices.filter((a) => a !== h.host).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
        const what = sameCert ? `certificate "${h.subject}" (SHA-256 ${h.cert})` : `public key (SPKI SHA-256 ${key}) in certificate "${h.subject}"`;
        out.push({
          ...fires({
            port: h.port,
            proto: 'tcp',
            key,
            detail: `same ${what} also on ${others.join(', ')} (${devices.length} devices)`,
            evidence: { note: `leaf certificate read on ${h.host}:${h.port}`, received: `certificate SHA-256 ${h.cert}\nSPKI SHA-256 ${key}` },
          }),
          host: h.host,
        });
      }
    }
    return out;
  },
};
