import type { HostCheck } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { SshIdentificationData } from '../../core/facts.ts';
import { compareVersions, evidenceOf, MISSING, perSshService } from './common.ts';

/** The profile's `minimum` parameter: product name (as in the banner, any case) → lowest acceptable version. */
function minimumFor(params: Readonly<Record<string, unknown>>, product: string): string | undefined {
  const table = params.minimum;
  if (!table || typeof table !== 'object') return undefined;
  for (const [name, v] of Object.entries(table as Record<string, unknown>)) {
    if (name.toLowerCase() === product.toLowerCase() && (typeof v === 'string' || typeof v === 'number')) return String(v);
  }
  return undefined;
}

/** The banner's software version is older than the profile's minimum for that product. */
export const sshOutdatedSoftware: HostCheck = {
  meta: {
    id: 'ssh.outdated-software',
    level: 'host',
    severity: 'low',
    classes: 'all',
    title: { en: 'SSH server software is older than the profile minimum', fr: 'Le logiciel serveur SSH est plus ancien que le minimum du profil' },
    rationale: {
      en: 'Old SSH servers carry known vulnerabilities and lack the current counter-measures (strict key exchange, SHA-2 signatures). The version comes from the banner: a vendor may have backported fixes without changing it, so confirm with the vendor.',
      fr: 'Les anciens serveurs SSH portent des vulnérabilités connues et n’ont pas les contre-mesures actuelles (échange de clés strict, signatures SHA-2). La version vient de la bannière : un fabricant peut avoir reporté des correctifs sans la changer, à confirmer auprès de lui.',
    },
    remediation: {
      en: 'Update the device firmware (or the server package) to a release whose SSH server meets the minimum; ask the vendor when no update exists.',
      fr: 'Mettre à jour le micrologiciel de l’équipement (ou le paquet du serveur) vers une version dont le serveur SSH atteint le minimum ; interroger le fabricant si aucune mise à jour n’existe.',
    },
    references: [REF.anssiSsh, REF.iso_8_8, REF.nis2_21_2_e],
  },
  evaluate(host, params) {
    return perSshService(host, 'ssh.identification', MISSING.ident, (service, fact) => {
      const where = { port: service.port, proto: service.proto };
      const d = fact.data as unknown as SshIdentificationData;
      if (!d.product) return [notEvaluated(`no product name in the SSH banner "${d.software}"`, where)];
      const minimum = minimumFor(params, d.product);
      if (!minimum) return [notEvaluated(`the profile sets no minimum version for ${d.product}`, where)];
      if (!d.version) return [notEvaluated(`the SSH banner names ${d.product} without a version`, where)];
      if (compareVersions(d.version, minimum) >= 0) return [];
      return [fires({ ...where, detail: `${d.product} ${d.version} is older than ${minimum} (profile minimum)${d.comments ? `; banner comment: ${d.comments}` : ''}`, ...evidenceOf(fact) })];
    });
  },
};
