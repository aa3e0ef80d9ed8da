/**
 * Default-credential dictionaries (`profiles/credentials/*.yaml`) and the
 * user's own site credentials. Entries are chosen by fingerprint first (the
 * device's vendor), then generic; an entry's id never contains its password.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PROFILES_DIR } from '../core/paths.ts';
import { UsageError } from '../core/errors.ts';
import { SiteCredential } from '../core/site-file.ts';

const Entry = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  vendor: z.string().optional(),
  user: z.string(),
  password: z.string(),
  protocols: z.array(z.string()).min(1),
  source: z.string().min(10),
});
export type DictionaryEntry = z.infer<typeof Entry> & { origin: 'dictionary' | 'site' };

const DictionaryFile = z.strictObject({ entries: z.array(Entry) });

let cache: DictionaryEntry[] | undefined;

export function loadDictionary(dir = join(PROFILES_DIR, 'credentials')): DictionaryEntry[] {
  if (cache && dir === join(PROFILES_DIR, 'credentials')) return cache;
  const out: DictionaryEntry[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const parsed = DictionaryFile.safeParse(parseYaml(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    for (const e of parsed.data.entries) {
      // Ids and sources end up in results and reports: neither may carry the secret.
      const word = new RegExp(`(^|[^\\w])${e.password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`);
      // (A password equal to its user name cannot be hidden: the user is named.)
      if (e.password.length >= 3 && e.password !== e.user && (word.test(e.id) || word.test(e.source))) {
        throw new Error(`${file}: entry ${e.id}: the id and the source must not contain the password`);
      }
      out.push({ ...e, origin: 'dictionary' });
    }
  }
  const ids = new Set<string>();
  for (const e of out) {
    if (ids.has(e.id)) throw new Error(`credential dictionary: duplicate id ${e.id}`);
    ids.add(e.id);
  }
  if (dir === join(PROFILES_DIR, 'credentials')) cache = out;
  return out;
}

/** Look a dictionary entry up by id (for `--show-secrets` in a local report). */
export function dictionaryEntry(id: string): DictionaryEntry | undefined {
  return loadDictionary().find((e) => e.id === id);
}

// One shape for `--credentials` files and the site file's `credentials:` list (src/core/site-file.ts).
const SiteCredentials = z.array(SiteCredential);

/**
 * The user's own credentials (`--credentials FILE`): tried in `safe` and
 * `credentials` modes. Each needs an id: results name the id, never the secret.
 */
export function readSiteCredentials(path: string, env: NodeJS.ProcessEnv = process.env): DictionaryEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read credentials file "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0]}`);
  }
  const list = (doc as { credentials?: unknown })?.credentials ?? doc;
  const parsed = SiteCredentials.safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${path}: credentials.${issue.path.join('.')}: ${issue.message}`);
  }
  return resolveSiteCredentials(parsed.data, path, env);
}

/** Site credentials with their passwords (from the file or the environment); `path` names where they were written. */
export function resolveSiteCredentials(list: readonly SiteCredential[], path: string, env: NodeJS.ProcessEnv = process.env): DictionaryEntry[] {
  return list.map((c) => {
    const password = c.password ?? (c.passwordEnv ? env[c.passwordEnv] : undefined);
    if (password === undefined) throw new UsageError(`${path}: credential "${c.id}" has no password (give password: or passwordEnv:${c.passwordEnv ? `; ${c.passwordEnv} is not set` : ''})`);
    return { id: `site:${c.id}`, user: c.user, password, protocols: c.protocols, source: `site credentials file ${path}`, origin: 'site' as const };
  });
}

function matchesProtocol(entry: DictionaryEntry, protocol: string): boolean {
  return entry.protocols.includes('any') || entry.protocols.includes(protocol) || entry.protocols.some((p) => protocol.startsWith(`${p}-`));
}

/** Candidates for one protocol on one device: site first, then the vendor's, then generic. */
export function candidatesFor(protocol: string, vendor: string | undefined, opts: { dictionary: boolean; site: readonly DictionaryEntry[] }): DictionaryEntry[] {
  const site = opts.site.filter((e) => matchesProtocol(e, protocol));
  if (!opts.dictionary) return site;
  const all = loadDictionary().filter((e) => matchesProtocol(e, protocol));
  const own = vendor ? all.filter((e) => e.vendor?.toLowerCase() === vendor.toLowerCase()) : [];
  const generic = all.filter((e) => !e.vendor);
  // Other vendors' defaults last: fingerprints can be wrong or missing.
  const others = all.filter((e) => e.vendor && !own.includes(e));
  const seen = new Set<string>();
  return [...site, ...own, ...generic, ...others].filter((e) => {
    const key = `${e.user}\u0000${e.password}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
