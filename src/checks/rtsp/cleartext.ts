import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { answersSummary, rtspServices } from './view.ts';

/**
 * Video served over plain rtsp://: the session, the credentials the
 * recorder sends and the media can be read on the path. Fires on a cleartext
 * RTSP service that serves a stream (a session description, or a challenge
 * on a stream URL) when the host offers no RTSPS and the media is not SRTP.
 */
export const rtspCleartext: HostCheck = {
  meta: {
    id: 'rtsp.cleartext',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'Video streamed over cleartext RTSP (no RTSPS)', fr: 'Flux vidéo diffusé en RTSP non chiffré (pas de RTSPS)' },
    rationale: {
      en: 'Over rtsp:// the stream, the session and the credentials the recorder sends (Basic in clear, Digest open to offline guessing) cross the network unencrypted: anyone on the path can watch the images of people (personal data) and capture the login.',
      fr: "En rtsp://, le flux, la session et les identifiants envoyés par l'enregistreur (Basic en clair, Digest exposé à la recherche hors ligne) traversent le réseau sans chiffrement : quiconque sur le chemin peut voir les images de personnes (données personnelles) et capturer l'authentification.",
    },
    remediation: {
      en: 'Enable RTSPS (RTSP over TLS, port 322 by default) or SRTP on the device and make the recorder/VMS use it, then disable plain RTSP; at least keep the stream on an isolated video network.',
      fr: "Activer RTSPS (RTSP sur TLS, port 322 par défaut) ou SRTP sur l'équipement et le faire utiliser par l'enregistreur/le VMS, puis désactiver le RTSP en clair ; à défaut, garder le flux sur un réseau vidéo isolé.",
    },
    references: [REF.pa072R25, REF.iso_8_24, REF.iso_8_20, REF.nis2_21_2_h, REF.rfc7826],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    const services = rtspServices(host);
    const tlsServices = services.filter((v) => v.tls);
    const rtspsAnswers = tlsServices.some((v) => v.options || v.describes.length);
    for (const v of services.filter((x) => !x.tls)) {
      const where = { port: v.service.port, proto: v.service.proto };
      if (!v.options && !v.describes.length) {
        out.push(notEvaluated('the RTSP service could not be read (see errors)', where));
        continue;
      }
      if (rtspsAnswers) continue; // RTSPS is offered: the must-not-fire case
      const stream = v.describes.find((d) => d.data.status === 200 && d.data.sdp) ?? v.describes.find((d) => d.data.status === 401);
      if (!stream) {
        out.push(
          notEvaluated(
            v.describes.length
              ? `RTSP answers in clear but no stream was found (${answersSummary(v.describes)})`
              : 'RTSP answers in clear but no stream URL was described (passive mode or budget)',
            where,
          ),
        );
        continue;
      }
      const sdp = v.describes.filter((d) => d.data.sdp);
      if (sdp.length && sdp.every((d) => d.data.transports.length > 0 && d.data.transports.every((t) => t.startsWith('RTP/SAVP')))) continue; // SRTP media
      if (tlsServices.length) {
        out.push(notEvaluated(`port ${tlsServices.map((x) => x.service.port).join(', ')} looks like RTSPS but did not answer RTSP over TLS`, where));
        continue;
      }
      const how = stream.data.status === 200 ? 'served without credentials' : `behind ${stream.data.auth.map((a) => a.scheme).join('/') || 'an'} authentication`;
      out.push(fires({ ...where, detail: `stream ${stream.data.url} ${how}, over cleartext RTSP on ${v.service.port}/tcp; no RTSPS offered`, ...(stream.fact.evidence ? { evidence: stream.fact.evidence } : {}) }));
    }
    return out;
  },
};
