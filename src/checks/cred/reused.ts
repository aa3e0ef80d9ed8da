import type { FleetCheck, FindingOutcome } from '../types.ts';
import { factsOf } from '../types.ts';
import { REF } from '../references.ts';
import type { CredentialAcceptedData } from '../../core/facts.ts';

/** One credential opens several devices: one leak opens the whole site. */
export const credentialReused: FleetCheck = {
  meta: {
    id: 'cred.reused',
    level: 'fleet',
    severity: 'high',
    classes: 'all',
    title: { en: 'Same credential accepted on several devices', fr: 'Même identifiant accepté sur plusieurs équipements' },
    rationale: {
      en: 'When one user name and password open several devices, the compromise of one device (or one technician laptop) opens them all.',
      fr: "Quand un même couple identifiant / mot de passe ouvre plusieurs équipements, la compromission d'un seul (ou d'un poste de technicien) les ouvre tous.",
    },
    remediation: {
      en: 'Give each device its own password (a password manager or the VMS credential vault makes this practical).',
      fr: 'Attribuer un mot de passe propre à chaque équipement (un gestionnaire de mots de passe ou le coffre du VMS le rend praticable).',
    },
    references: [REF.iso_5_17, REF.nis2_21_2_i],
  },
  evaluate(hosts) {
    // Group by credential entry: entry ids identify the secret without carrying it.
    const byEntry = new Map<string, { host: string; port: number; user: string; evidence?: FindingOutcome['evidence'] }[]>();
    for (const h of hosts) {
      for (const f of factsOf(h, 'credential.accepted')) {
        const d = f.data as unknown as CredentialAcceptedData;
        const list = byEntry.get(d.entry) ?? [];
        if (!list.some((x) => x.host === h.address)) list.push({ host: h.address, port: f.port!, user: d.user, ...(f.evidence ? { evidence: f.evidence } : {}) });
        byEntry.set(d.entry, list);
      }
    }
    const out: (FindingOutcome & { host: string })[] = [];
    for (const [entry, list] of byEntry) {
      if (list.length < 2) continue;
      for (const x of list) {
        out.push({
          kind: 'finding',
          host: x.host,
          key: entry,
          detail: `user "${x.user}" with credential ${entry} is accepted on ${list.length} devices: ${list.map((y) => y.host).join(', ')}`,
          ...(x.evidence ? { evidence: x.evidence } : {}),
        });
      }
    }
    return out;
  },
};
