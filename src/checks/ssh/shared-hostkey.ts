import type { FleetCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { SshHostKeyData } from '../../core/facts.ts';
import { sshServices } from './common.ts';

interface Holder {
  host: string;
  port: number;
  description: string;
}

/** The same SSH host key (SHA-256 fingerprint) on several devices: a factory key. */
export const sshSharedHostkey: FleetCheck = {
  meta: {
    id: 'ssh.shared-hostkey',
    level: 'fleet',
    severity: 'high',
    classes: 'all',
    title: { en: 'The same SSH host key is used on several devices', fr: 'La même clé d’hôte SSH est utilisée par plusieurs équipements' },
    rationale: {
      en: 'A host key shared by several devices was generated once, usually by the vendor and shipped in the firmware image: its private half is on every unit and often public. Anyone holding it can impersonate any of these devices to an administrator.',
      fr: 'Une clé d’hôte partagée par plusieurs équipements a été générée une seule fois, en général par le fabricant et livrée dans l’image du micrologiciel : sa partie privée est sur chaque unité et souvent publique. Qui la détient peut se faire passer pour n’importe lequel de ces équipements auprès d’un administrateur.',
    },
    remediation: {
      en: 'Regenerate the SSH host keys on each device (factory reset procedure or the vendor’s key regeneration command), then distribute the new fingerprints to the administrators.',
      fr: 'Régénérer les clés d’hôte SSH sur chaque équipement (procédure de réinitialisation ou commande de régénération du fabricant), puis diffuser les nouvelles empreintes aux administrateurs.',
    },
    references: [REF.anssiSsh, REF.iso_8_24, REF.iso_8_9],
  },
  evaluate(hosts) {
    const byFingerprint = new Map<string, Holder[]>();
    const out: (Outcome & { host: string })[] = [];
    for (const host of hosts) {
      for (const service of sshServices(host)) {
        const facts = factsOf(host, 'ssh.hostkey', service.port);
        if (!facts.length) {
          out.push({ ...notEvaluated('no SSH host key could be read on this service (see errors)', { port: service.port, proto: service.proto }), host: host.address });
          continue;
        }
        for (const k of facts.flatMap((f) => (f.data as unknown as SshHostKeyData).keys ?? [])) {
          const list = byFingerprint.get(k.fingerprint) ?? [];
          if (!list.some((h) => h.host === host.address && h.port === service.port)) {
            list.push({ host: host.address, port: service.port, description: `${k.type}${k.bits ? ` ${k.bits} bits` : ''}` });
          }
          byFingerprint.set(k.fingerprint, list);
        }
      }
    }
    for (const [fingerprint, holders] of byFingerprint) {
      const hostsSharing = new Set(holders.map((h) => h.host));
      if (hostsSharing.size < 2) continue;
      for (const h of holders) {
        const others = [...hostsSharing].filter((a) => a !== h.host).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
        out.push({
          ...fires({
            port: h.port,
            proto: 'tcp',
            key: fingerprint,
            detail: `${h.description} ${fingerprint} also on ${others.join(', ')} (${hostsSharing.size} devices)`,
            evidence: { note: `SHA-256 fingerprint of the host key read on ${h.host}:${h.port}`, received: fingerprint },
          }),
          host: h.host,
        });
      }
    }
    return out;
  },
};
