import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { onvifPorts, onvifTimeVerdict, type TimeVerdict } from '../onvif/common.ts';

/**
 * The device's clock is not synchronised, whatever protocol says so. One
 * finding per device. Sources today: ONVIF (GetSystemDateAndTime, GetNTP);
 * another source (SNMP) adds its verdicts to `verdicts` below. A conclusive
 * source wins over an inconclusive one; when none concludes: not evaluated.
 */
export const timeNtpNotConfigured: HostCheck = {
  meta: {
    id: 'time.ntp-not-configured',
    level: 'host',
    severity: 'low',
    classes: 'all',
    title: { en: 'Device clock not synchronised (no NTP)', fr: "Horloge de l'équipement non synchronisée (pas de NTP)" },
    rationale: {
      en: 'Without NTP the device clock drifts: timestamps of recordings, access events and logs no longer line up across the site, which weakens them as evidence and hampers incident analysis; time-limited credentials and certificates misbehave.',
      fr: "Sans NTP, l'horloge de l'équipement dérive : l'horodatage des enregistrements, des événements d'accès et des journaux ne concorde plus d'un équipement à l'autre, ce qui affaiblit leur valeur probante et gêne l'analyse d'incident ; les identifiants et certificats à durée limitée se comportent mal.",
    },
    remediation: {
      en: 'Configure every device to synchronise with the site NTP servers (two or more, on or reachable from the security network) and check the time mode is NTP, not manual.',
      fr: "Configurer chaque équipement pour qu'il se synchronise sur les serveurs NTP du site (deux ou plus, sur le réseau de sûreté ou joignables depuis lui) et vérifier que le mode horaire est NTP et non manuel.",
    },
    references: [REF.iso_8_17, REF.anssiLogging],
  },
  evaluate(host) {
    const verdicts: (TimeVerdict & { source: string })[] = onvifPorts(host).map((p) => ({ ...onvifTimeVerdict(host, p), source: `ONVIF ${p.port}/tcp` }));
    if (!verdicts.length) return [];
    const bad = verdicts.find((v) => v.state === 'not-configured');
    if (bad && bad.state === 'not-configured') {
      return [fires({ port: bad.port, proto: 'tcp', detail: `${bad.source}: ${bad.detail}`, ...(bad.evidence ? { evidence: bad.evidence } : {}) })];
    }
    if (verdicts.some((v) => v.state === 'configured')) return [];
    const out: Outcome[] = [notEvaluated(verdicts.map((v) => `${v.source}: ${v.state === 'unknown' ? v.reason : ''}`).join('; ').slice(0, 400))];
    return out;
  },
};
