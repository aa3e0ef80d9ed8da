import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { answersSummary, rtspServices } from './view.ts';

/**
 * A camera stream anyone on the network can watch: DESCRIBE without
 * credentials answers 200 with a real session description. An anonymous
 * OPTIONS is allowed; a 401 is the good case; a 200 without an `m=` media
 * line describes nothing (some servers answer 200 to any path).
 */
export const unauthenticatedStream: HostCheck = {
  meta: {
    id: 'rtsp.unauthenticated-stream',
    level: 'host',
    severity: 'critical',
    classes: 'all',
    title: {
      en: 'Video stream readable without authentication (images of people are personal data: GDPR)',
      fr: 'Flux vidéo lisible sans authentification (les images de personnes sont des données personnelles : RGPD)',
    },
    rationale: {
      en: 'Anyone who can reach the device can watch and record its stream with any media player, without a password. Images of people are personal data under the GDPR: an unprotected stream is a personal-data breach risk the operator must prevent (GDPR Art. 32), on top of showing an attacker the site, its guards and its blind spots.',
      fr: "Quiconque atteint l'équipement peut regarder et enregistrer son flux avec n'importe quel lecteur, sans mot de passe. Les images de personnes sont des données personnelles au sens du RGPD : un flux non protégé est un risque de violation de données que le responsable de traitement doit prévenir (RGPD art. 32), en plus de montrer à un attaquant le site, ses agents et ses angles morts.",
    },
    remediation: {
      en: 'Require authentication for RTSP on the device (Digest, with a named viewer account rather than admin), disable anonymous viewing, and restrict who can reach the stream port to the recorder and the VMS.',
      fr: "Exiger l'authentification RTSP sur l'équipement (Digest, avec un compte de visualisation nominatif plutôt qu'admin), désactiver la visualisation anonyme, et limiter l'accès au port du flux à l'enregistreur et au VMS.",
    },
    references: [REF.gdpr_32, REF.iso_5_34, REF.iso_5_15, REF.iso_8_5, REF.nis2_21_2_i],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const v of rtspServices(host)) {
      const where = { port: v.service.port, proto: v.service.proto };
      const open = v.describes.filter((d) => d.data.status === 200 && d.data.sdp);
      if (open.length) {
        const first = open[0]!.data;
        const media = [...new Set(open.flatMap((d) => d.data.media))].join(', ') || 'media';
        const inUrl = first.credentialsInUrl ? ' (the URL itself names a user with an empty password)' : '';
        out.push(
          fires({
            ...where,
            detail: `DESCRIBE ${first.url} answered 200 with a session description (${media}) without credentials${inUrl}${open.length > 1 ? `; ${open.length - 1} more URL(s)` : ''}`,
            ...(open[0]!.fact.evidence ? { evidence: open[0]!.fact.evidence } : {}),
          }),
        );
        continue;
      }
      if (!v.options && !v.describes.length) {
        out.push(notEvaluated('the RTSP service could not be read (see errors)', where));
        continue;
      }
      if (!v.describes.length) {
        out.push(notEvaluated('no stream URL was described (passive mode, or the device DESCRIBE budget was used on another port)', where));
        continue;
      }
      // A challenge on a stream URL: the server authenticates DESCRIBE. That is the good case.
      if (v.describes.some((d) => d.data.status === 401 || d.data.status === 403)) continue;
      out.push(notEvaluated(`no stream found among ${v.describes.length} URL(s) tried without credentials (${answersSummary(v.describes)})`, where));
    }
    return out;
  },
};
