import type { HostCheck } from '../types.ts';
import { factsOf, fires } from '../types.ts';
import { REF } from '../references.ts';

/** FTP sends logins and files in clear. */
export const ftpEnabled: HostCheck = {
  meta: {
    id: 'proto.ftp-enabled',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'FTP is enabled', fr: 'FTP est activé' },
    rationale: {
      en: 'FTP carries user names, passwords and files (snapshots, recordings, configuration backups) in clear text.',
      fr: "FTP transporte identifiants, mots de passe et fichiers (instantanés, enregistrements, sauvegardes de configuration) en clair.",
    },
    remediation: {
      en: 'Disable the FTP server of the device; use SFTP or HTTPS for file transfers if they are needed.',
      fr: "Désactiver le serveur FTP de l'équipement ; utiliser SFTP ou HTTPS pour les transferts de fichiers s'ils sont nécessaires.",
    },
    references: [REF.pa072R25, REF.pa072R18, REF.iso_8_24],
  },
  evaluate(host) {
    return factsOf(host, 'ftp.greeting')
      .filter((f) => (f.data as { code: number }).code === 220)
      .map((f) => fires({ port: f.port!, proto: 'tcp', detail: `FTP answers 220 on ${f.port}/tcp: ${(f.data as { banner: string }).banner}`, ...(f.evidence ? { evidence: f.evidence } : {}) }));
  },
};
