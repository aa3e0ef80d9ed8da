import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import type { SipOptionsData } from '../../core/facts.ts';

/**
 * SIP in clear: intercom calls are set up, and their digest logins and media
 * keys exchanged, where anyone on the path can read and replay them. Fires on
 * each cleartext transport (udp/tcp) that answered OPTIONS when the host
 * offers no SIP over TLS.
 */
export const sipCleartext: HostCheck = {
  meta: {
    id: 'sip.cleartext',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'SIP signalling in clear (no SIP over TLS)', fr: 'Signalisation SIP en clair (pas de SIP sur TLS)' },
    rationale: {
      en: 'Over plain SIP, call set-up, user names, digest authentication exchanges and the media keys in the SDP cross the network in clear: calls of the intercom can be listened to, redirected or spoofed (a fake door-opening call).',
      fr: "En SIP non chiffré, l'établissement des appels, les identifiants, les échanges d'authentification digest et les clés de média de la SDP traversent le réseau en clair : les appels de l'interphone peuvent être écoutés, détournés ou usurpés (faux appel d'ouverture de porte).",
    },
    remediation: {
      en: 'Enable SIP over TLS (port 5061) with SRTP for the media on the intercom and its call server, then disable SIP on udp/tcp 5060.',
      fr: "Activer SIP sur TLS (port 5061) avec SRTP pour le média sur l'interphone et son serveur d'appels, puis désactiver SIP sur udp/tcp 5060.",
    },
    references: [REF.pa072R25, REF.iso_8_24, REF.nis2_21_2_h, REF.rfc5630],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    const facts = factsOf(host, 'sip.options').map((fact) => ({ fact, data: fact.data as unknown as SipOptionsData }));
    const tls = facts.filter((f) => f.data.transport === 'tls');
    if (tls.some((f) => f.data.answered)) return out; // SIP-TLS offered: the must-not-fire case
    for (const { fact, data } of facts.filter((f) => f.data.transport !== 'tls')) {
      const where = { port: fact.port!, proto: fact.proto ?? (data.transport === 'udp' ? 'udp' : 'tcp') };
      if (!data.answered) {
        out.push(notEvaluated(`${data.transport}/${fact.port} is open but did not answer SIP OPTIONS`, where));
        continue;
      }
      if (tls.length) {
        out.push(notEvaluated(`port ${tls.map((f) => f.fact.port).join(', ')} looks like SIP over TLS but did not answer OPTIONS`, where));
        continue;
      }
      const who = data.server ?? data.userAgent;
      out.push(
        fires({
          ...where,
          detail: `SIP answers OPTIONS over ${data.transport}/${fact.port} (${data.status} ${data.reason ?? ''}`.trimEnd() + `)${who ? `, ${who}` : ''}; no SIP over TLS offered`,
          ...(fact.evidence ? { evidence: fact.evidence } : {}),
        }),
      );
    }
    return out;
  },
};
