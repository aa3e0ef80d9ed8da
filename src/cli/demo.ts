/** `vigie demo`: start the simulated site, audit it, report, stop it. */
import { Scope, type Target } from '../core/scope.ts';
import { loadCatalogueProfile } from '../checks/profiles.ts';
import { defaultLang } from '../../reports/i18n.ts';
import { startSite, DEMO_SITE } from '../lab/site.ts';
import { LAB_SECRETS } from '../lab/secrets.ts';
import { announceMode, finish, progressSink, scanWithInterrupt, type OutputCliOptions } from './scan.ts';
import { parseFormats } from './output.ts';
import { EXIT } from '../core/errors.ts';
import { recordScanStart, saveOrWarn, type StoreCliOptions } from './store-cli.ts';

export type DemoCliOptions = OutputCliOptions & Omit<StoreCliOptions, 'progress'> & { profile?: string };

export async function runDemoCommand(opts: DemoCliOptions): Promise<number> {
  parseFormats(opts.format);
  const lang = opts.lang ?? defaultLang();
  const fr = lang === 'fr';
  const say = (line: string) => {
    if (!opts.quiet) process.stdout.write(`${line}\n`);
  };
  const site = await startSite(DEMO_SITE);
  try {
    const cidr = `127.42.${site.block}.0/24`;
    say(
      fr
        ? `Site simulé démarré : ${site.devices.length} équipements sur ${cidr} (boucle locale uniquement)`
        : `Simulated site started: ${site.devices.length} devices on ${cidr} (loopback only)`,
    );
    for (const d of site.devices) say(`  ${d.address.padEnd(15)} ${d.name.padEnd(14)} ${d.personality.id}`);
    for (const note of site.notes) say(`  ${fr ? 'note' : 'note'}: ${note}`);
    const profile = loadCatalogueProfile(opts.profile ?? 'anssi-base');
    announceMode(opts, profile);
    const targets: Target[] = site.devices.map((d) => ({ address: d.address, name: d.name, expectedClass: d.personality.class }));
    const ports = [...new Set([...profile.ports.tcp, ...site.ports])];
    // The history store (src/cli/store-cli.ts): the demo's scans go under the site "demo" unless --site-name says otherwise.
    const storeCtx = { action: 'demo' as const, site: opts.siteName ?? 'demo', targets: targets.map((t) => t.address), scope: { include: [cidr], exclude: [] }, mode: opts.mode };
    await recordScanStart(opts, { ...storeCtx, declaredCredentialIds: ['site:cam-parking'] });
    const result = await scanWithInterrupt({
      targets,
      specs: targets.map((t) => t.address),
      scope: Scope.parse([cidr]),
      profile,
      mode: opts.mode,
      ports,
      // UDP services may have moved too (not root): probe where the site really listens.
      udpPorts: Object.fromEntries(Object.entries(site.udpPorts).map(([id, bound]) => [id, [...new Set([...(profile.ports.udp[id] ?? []), ...bound])]])),
      // The simulated site's private CA plays the client's CA (`--ca` on a real site).
      params: { caPem: site.caPem },
      // What a technician brings for the hardened camera: its site account (like `--credentials`).
      siteCredentials: [
        { id: 'site:cam-parking', user: LAB_SECRETS.hardenedCamera.user, password: LAB_SECRETS.hardenedCamera.password, protocols: ['onvif'], source: 'demo site credentials', origin: 'site' },
      ],
      progress: progressSink(opts),
    });
    const saved = await saveOrWarn(result, opts, storeCtx);
    const code = finish(result, { ...opts, lang });
    return saved || code !== EXIT.ok ? code : EXIT.runtime;
  } finally {
    await site.stop();
    say(fr ? 'Site simulé arrêté.' : 'Simulated site stopped.');
  }
}
