import type { HostCheck, Outcome } from '../types.ts';
import { fires, notEvaluated } from '../types.ts';
import { REF } from '../references.ts';
import { describeOutcomes, onvifPorts, refusedForAuth } from './common.ts';

/** Operations that must need a token: who the device is, who its users are, where its video is. */
const PROTECTED = ['GetDeviceInformation', 'GetUsers', 'GetStreamUri'];

/**
 * Protected ONVIF operations answered without any WS-UsernameToken. Only
 * GetDeviceInformation, GetUsers and GetStreamUri count: GetSystemDateAndTime,
 * GetCapabilities and GetServices are anonymous by specification (PRE_AUTH)
 * and never make this fire. A fault other than a refusal, a time-out or
 * garbage proves nothing: not evaluated.
 */
export const onvifUnauthenticated: HostCheck = {
  meta: {
    id: 'onvif.unauthenticated',
    level: 'host',
    severity: 'critical',
    classes: 'all',
    title: { en: 'ONVIF answers protected operations without authentication', fr: 'ONVIF répond sans authentification à des opérations protégées' },
    rationale: {
      en: 'Anyone who reaches the device can ask ONVIF for its identity and firmware, its user accounts and the address of its video streams, with no credentials at all. Many devices ship this way; the ONVIF specification only allows anonymous access to a few pre-authentication operations (GetSystemDateAndTime, GetCapabilities, GetServices).',
      fr: "Quiconque atteint l'équipement peut demander à ONVIF son identité et son micrologiciel, ses comptes utilisateurs et l'adresse de ses flux vidéo, sans aucun identifiant. Beaucoup d'équipements sont livrés ainsi ; la spécification ONVIF n'autorise l'accès anonyme qu'à quelques opérations de pré-authentification (GetSystemDateAndTime, GetCapabilities, GetServices).",
    },
    remediation: {
      en: 'Enable ONVIF user authentication (WS-UsernameToken, often labelled "ONVIF authentication" or "digest" in the web interface), create a dedicated ONVIF account for the recorder/VMS with the lowest sufficient level, and disable ONVIF entirely if nothing uses it.',
      fr: "Activer l'authentification des utilisateurs ONVIF (WS-UsernameToken, souvent libellée « authentification ONVIF » ou « digest » dans l'interface web), créer un compte ONVIF dédié à l'enregistreur/VMS avec le niveau suffisant le plus bas, et désactiver ONVIF si rien ne l'utilise.",
    },
    references: [REF.onvifCore, REF.iso_5_15, REF.iso_8_5, REF.nis2_21_2_i, REF.gdpr_32],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const p of onvifPorts(host)) {
      const where = { port: p.port, proto: 'tcp' as const };
      const anonymous = p.operations.filter((o) => o.auth === 'none' && PROTECTED.includes(o.op));
      const answered = anonymous.filter((o) => o.outcome === 'ok');
      if (answered.length) {
        const ops = [...new Set(answered.map((o) => o.op))];
        const facts = p.operationFacts.filter((f) => (f.data as { auth?: string; op?: string; outcome?: string }).auth === 'none' && ops.includes(String(f.data.op)) && f.data.outcome === 'ok');
        const said: string[] = [];
        const info = answered.find((o) => o.op === 'GetDeviceInformation')?.data as { manufacturer?: string; model?: string; firmwareVersion?: string } | undefined;
        if (info) said.push(`identity ${[info.manufacturer, info.model, info.firmwareVersion].filter(Boolean).join(' ')}`);
        const users = answered.find((o) => o.op === 'GetUsers')?.data as { users?: { name: string }[] } | undefined;
        if (users?.users) said.push(`${users.users.length} user name(s)`);
        const streams = answered.filter((o) => o.op === 'GetStreamUri').length;
        if (streams) said.push(`${streams} stream URI(s)`);
        const evidence = facts[0]?.evidence;
        out.push(fires({ ...where, detail: `${ops.join(', ')} answered without WS-UsernameToken at ${p.endpoint.url}${said.length ? ` (gave ${said.join(', ')})` : ''}`, ...(evidence ? { evidence } : {}) }));
        continue;
      }
      if (anonymous.some(refusedForAuth)) continue; // refused without a token: the good case
      out.push(notEvaluated(anonymous.length ? `no protected operation gave a conclusive answer without credentials: ${describeOutcomes(anonymous)}` : 'no protected ONVIF operation was asked (passive mode, or the scan stopped before)', where));
    }
    return out;
  },
};
