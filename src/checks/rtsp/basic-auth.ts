import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { ChallengeSummary } from '../../core/facts.ts';
import { rtspServices } from './view.ts';

/** Basic sends the password Base64-encoded, i.e. readable, with every request. */
export const rtspBasicAuth: HostCheck = {
  meta: {
    id: 'rtsp.basic-auth',
    level: 'host',
    severity: 'low',
    classes: 'all',
    title: { en: 'RTSP server offers Basic authentication', fr: "Le serveur RTSP propose l'authentification Basic" },
    rationale: {
      en: 'With Basic, the client sends the user name and password merely Base64-encoded with each request: over plain RTSP anyone on the path reads them, and a client may choose Basic whenever the server offers it, even next to Digest.',
      fr: "Avec Basic, le client envoie l'identifiant et le mot de passe simplement encodés en Base64 à chaque requête : en RTSP non chiffré, quiconque sur le chemin les lit, et un client peut choisir Basic dès que le serveur le propose, même à côté de Digest.",
    },
    remediation: {
      en: 'Set the device RTSP authentication to Digest only (often "digest" or "safe" mode in the stream settings) and check that the recorder/VMS still connects.',
      fr: "Régler l'authentification RTSP de l'équipement sur Digest uniquement (souvent le mode « digest » ou « sécurisé » des réglages de flux) et vérifier que l'enregistreur/le VMS se connecte toujours.",
    },
    references: [REF.rfc7617, REF.iso_8_5, REF.pa072R25],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const v of rtspServices(host)) {
      const where = { port: v.service.port, proto: v.service.proto };
      const seen: { url: string; auth: ChallengeSummary[]; evidence?: NonNullable<typeof v.describes[number]['fact']['evidence']> }[] = [
        ...(v.options ? [{ url: v.options.data.url, auth: v.options.data.auth, ...(v.options.fact.evidence ? { evidence: v.options.fact.evidence } : {}) }] : []),
        ...v.describes.map((d) => ({ url: d.data.url, auth: d.data.auth, ...(d.fact.evidence ? { evidence: d.fact.evidence } : {}) })),
      ];
      if (!seen.length) {
        out.push(notEvaluated('the RTSP service could not be read (see errors)', where));
        continue;
      }
      const basic = seen.find((s) => s.auth.some((a) => a.scheme === 'basic'));
      if (basic) {
        const realm = basic.auth.find((a) => a.scheme === 'basic')?.realm;
        const withDigest = basic.auth.some((a) => a.scheme === 'digest');
        out.push(fires({ ...where, detail: `Basic offered${realm ? ` (realm "${realm}")` : ''}${withDigest ? ' next to Digest' : ''} at ${basic.url}`, ...(basic.evidence ? { evidence: basic.evidence } : {}) }));
        continue;
      }
      if (!seen.some((s) => s.auth.length)) out.push(notEvaluated('no authentication challenge was observed on the URLs tried', where));
    }
    return out;
  },
};
