import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { onvifPorts, onvifTimeVerdict } from './common.ts';

/**
 * ONVIF says the clock is not synchronised: DateTimeType Manual, or GetNTP
 * listing no server. GetNTP faulting (ActionNotSupported, NotAuthorized …) is
 * not evaluated, never a verdict.
 */
export const onvifNtpNotConfigured: HostCheck = {
  meta: {
    id: 'onvif.ntp-not-configured',
    level: 'host',
    severity: 'low',
    classes: 'all',
    title: { en: 'ONVIF reports no time synchronisation', fr: "ONVIF n'indique aucune synchronisation de l'heure" },
    rationale: {
      en: 'A camera or recorder with a hand-set clock drifts: video timestamps and logs stop matching other devices, which weakens recordings as evidence and makes incidents hard to reconstruct. Token-based authentication (WS-UsernameToken) and certificates also depend on the clock.',
      fr: "Un équipement dont l'horloge est réglée à la main dérive : l'horodatage des vidéos et des journaux ne concorde plus avec les autres équipements, ce qui affaiblit la valeur probante des enregistrements et complique la reconstitution d'un incident. L'authentification par jeton (WS-UsernameToken) et les certificats dépendent aussi de l'heure.",
    },
    remediation: {
      en: 'Set the time mode to NTP and point the device at the site NTP servers (two or more, reachable from the security network), through the web interface or ONVIF SetNTP/SetSystemDateAndTime.',
      fr: "Passer le mode horaire en NTP et indiquer les serveurs NTP du site (deux ou plus, joignables depuis le réseau de sûreté), par l'interface web ou par ONVIF SetNTP/SetSystemDateAndTime.",
    },
    references: [REF.iso_8_17, REF.anssiLogging, REF.onvifCore],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const p of onvifPorts(host)) {
      const v = onvifTimeVerdict(host, p);
      const where = { port: p.port, proto: 'tcp' as const };
      if (v.state === 'not-configured') out.push(fires({ ...where, detail: v.detail, ...(v.evidence ? { evidence: v.evidence } : {}) }));
      else if (v.state === 'unknown') out.push(notEvaluated(v.reason, where));
    }
    return out;
  },
};
