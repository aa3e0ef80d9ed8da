import type { HostCheck } from '../types.ts';
import { factsOf, fires } from '../types.ts';
import { REF } from '../references.ts';
import type { FtpAnonymousData } from '../../core/facts.ts';

/** Anyone can log in to the FTP server as `anonymous`. */
export const ftpAnonymous: HostCheck = {
  meta: {
    id: 'ftp.anonymous',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'Anonymous FTP login allowed', fr: 'Connexion FTP anonyme autorisée' },
    rationale: {
      en: 'With anonymous FTP anyone on the network can read (and sometimes write) the files of the device: snapshots, recordings, configuration backups.',
      fr: "Avec le FTP anonyme, n'importe qui sur le réseau peut lire (parfois écrire) les fichiers de l'équipement : instantanés, enregistrements, sauvegardes de configuration.",
    },
    remediation: {
      en: 'Disable anonymous access (or the FTP server altogether).',
      fr: "Désactiver l'accès anonyme (ou le serveur FTP).",
    },
    references: [REF.iso_8_5, REF.iso_5_17, REF.gdpr_32],
  },
  evaluate(host) {
    return factsOf(host, 'ftp.anonymous')
      .filter((f) => (f.data as unknown as FtpAnonymousData).accepted)
      .map((f) => {
        const d = f.data as unknown as FtpAnonymousData;
        return fires({ port: f.port!, proto: 'tcp', key: 'anonymous', detail: `anonymous login accepted (${d.code})${d.pwd ? `, working directory "${d.pwd}"` : ''}`, ...(f.evidence ? { evidence: f.evidence } : {}) });
      });
  },
};
