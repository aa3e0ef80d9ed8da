/**
 * `--site vigie.site.yaml`: what the site file brings to a scan. The command
 * line always wins: targets given on it replace the inventory, `--scope`
 * replaces the file's scope, `--credentials` replaces its credentials.
 * Exclusions add up (an address excluded on either side is never contacted).
 */
import { readSiteFile, type LoadedSiteFile, type Waiver } from '../core/site-file.ts';
import type { Target } from '../core/scope.ts';
import { UsageError } from '../core/errors.ts';
import { readSiteCredentials, resolveSiteCredentials, type DictionaryEntry } from '../creds/dictionary.ts';
import { findCheck } from '../checks/index.ts';
import { readSiteManual, type SiteManualAnswers } from '../score/index.ts';

export interface SiteInputs {
  file: LoadedSiteFile;
  name: string;
  /** Targets: the command line's, or the inventory's addresses. */
  targets: string[];
  scope?: string[];
  exclude: string[];
  /** Undefined: no credentials from the site file (the command line's `--credentials`, if any, applies). */
  credentials?: DictionaryEntry[];
  waivers: Waiver[];
  manual: SiteManualAnswers;
  /** Names and classes from the inventory, for targets the command line did not describe. */
  annotate(targets: Target[]): void;
}

export function siteInputs(path: string, args: readonly string[], opts: { scope?: string[]; exclude?: string[]; credentials?: string }, env: NodeJS.ProcessEnv = process.env): SiteInputs {
  const file = readSiteFile(path, (id) => findCheck(id) !== undefined);
  const { site } = file;
  const targets = args.length ? [...args] : site.inventory.map((d) => d.address);
  if (!targets.length) throw new UsageError(`no targets: give them on the command line or list devices under "inventory:" in ${path}`);
  let credentials: DictionaryEntry[] | undefined;
  if (!opts.credentials && site.credentials !== undefined) {
    credentials = typeof site.credentials === 'string' ? readSiteCredentials(file.credentialsPath!, env) : resolveSiteCredentials(site.credentials, path, env);
  }
  const byAddress = new Map(site.inventory.map((d) => [d.address, d]));
  const inputs: SiteInputs = {
    file,
    name: site.name,
    targets,
    exclude: [...new Set([...(opts.exclude ?? []), ...(site.scope?.exclude ?? [])])],
    waivers: site.waivers,
    manual: readSiteManual(path),
    annotate(list) {
      for (const t of list) {
        const d = byAddress.get(t.address);
        if (!d) continue;
        if (!t.name && d.name) t.name = d.name;
        if (!t.expectedClass && d.class) t.expectedClass = d.class;
      }
    },
  };
  const scope = opts.scope?.length ? opts.scope : site.scope?.include;
  if (scope) inputs.scope = [...scope];
  if (credentials) inputs.credentials = credentials;
  return inputs;
}
