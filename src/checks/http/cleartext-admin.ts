import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires } from '../types.ts';
import { REF } from '../references.ts';
import type { HttpResponseData } from '../../core/facts.ts';

/**
 * An administration interface over plain HTTP exposes the login and the
 * session cookie. A port 80 that only redirects to HTTPS is the good case and
 * must not fire.
 */
export const cleartextAdmin: HostCheck = {
  meta: {
    id: 'http.cleartext-admin',
    level: 'host',
    severity: 'high',
    classes: 'all',
    title: { en: 'Administration interface served over plain HTTP', fr: "Interface d'administration servie en HTTP non chiffré" },
    rationale: {
      en: 'Credentials, session cookies and settings typed into a web interface over plain HTTP can be read and replayed by anyone on the network path.',
      fr: "Les identifiants, cookies de session et réglages saisis dans une interface web en HTTP non chiffré peuvent être lus et rejoués par quiconque sur le chemin réseau.",
    },
    remediation: {
      en: 'Enable HTTPS with a certificate from the site PKI, and make port 80 redirect to HTTPS or disable it.',
      fr: "Activer HTTPS avec un certificat de l'IGC du site, et faire rediriger le port 80 vers HTTPS ou le désactiver.",
    },
    references: [REF.pa072R25, REF.iso_8_24, REF.nis2_21_2_h],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const fact of factsOf(host, 'http.response')) {
      const p = fact.data as unknown as HttpResponseData;
      if (p.scheme !== 'http') continue;
      if (p.redirectsToHttps) continue; // the must-not-fire case
      const isRedirect = p.status >= 300 && p.status < 400;
      // After same-host plain-HTTP redirects, judge the page the browser lands on.
      const page = isRedirect ? p.final : { status: p.status, auth: p.auth, loginForm: p.loginForm, title: p.title, url: p.url };
      if (page.url.startsWith('https:')) continue;
      const challenge = page.status === 401 && page.auth.length > 0;
      const appPage = page.status >= 200 && page.status < 300;
      if (!challenge && !appPage) continue;
      const what = challenge
        ? `${page.auth.map((a) => a.scheme).join('/')} authentication${page.auth[0]?.realm ? ` (realm "${page.auth[0].realm}")` : ''}`
        : page.loginForm
          ? 'login form'
          : `page${page.title ? ` "${page.title}"` : ''}`;
      out.push(fires({ port: fact.port!, proto: 'tcp', detail: `${what} at ${page.url}`, ...(fact.evidence ? { evidence: fact.evidence } : {}) }));
    }
    return out;
  },
};
