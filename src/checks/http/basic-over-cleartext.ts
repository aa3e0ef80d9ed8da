import type { HostCheck, Outcome } from '../types.ts';
import { factsOf, fires } from '../types.ts';
import { REF } from '../references.ts';
import type { HttpResponseData } from '../../core/facts.ts';

/** Basic authentication over plain HTTP: the password travels in Base64, i.e. in clear. */
export const basicOverCleartext: HostCheck = {
  meta: {
    id: 'http.basic-over-cleartext',
    level: 'host',
    severity: 'medium',
    classes: 'all',
    title: { en: 'HTTP Basic authentication over plain HTTP', fr: 'Authentification HTTP Basic sur HTTP non chiffré' },
    rationale: {
      en: 'Basic authentication sends the user name and password, only Base64-encoded, with every request: over plain HTTP anyone on the path reads them.',
      fr: "L'authentification Basic envoie l'identifiant et le mot de passe, simplement encodés en Base64, à chaque requête : sur HTTP non chiffré, quiconque sur le chemin les lit.",
    },
    remediation: {
      en: 'Serve the interface over HTTPS only, and prefer Digest or form authentication if Basic must stay.',
      fr: "Ne servir l'interface qu'en HTTPS, et préférer l'authentification Digest ou par formulaire si Basic doit rester.",
    },
    references: [REF.pa072R25, REF.iso_8_5, REF.iso_8_24],
  },
  evaluate(host) {
    const out: Outcome[] = [];
    for (const f of factsOf(host, 'http.response')) {
      const d = f.data as unknown as HttpResponseData;
      const pages = [{ url: d.url, auth: d.auth }, { url: d.final.url, auth: d.final.auth }];
      const page = pages.find((p) => p.url.startsWith('http:') && p.auth.some((a) => a.scheme === 'basic'));
      if (page) out.push(fires({ port: f.port!, proto: 'tcp', detail: `Basic challenge${page.auth[0]?.realm ? ` (realm "${page.auth[0].realm}")` : ''} at ${page.url}`, ...(f.evidence ? { evidence: f.evidence } : {}) }));
    }
    return out;
  },
};
