/**
 * The site file (`vigie.site.yaml`): what a technician knows about a site
 * before scanning it — its name, the scope, the inventory, the site's own
 * credentials (by reference), and the waivers the client accepted. Validated
 * with zod; every error points to file:line:column (docs/site-file.md).
 *
 * Pure data: passwords are resolved from the environment by src/creds, waivers
 * are applied by src/checks/waivers.ts.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { DeviceClass } from './model.ts';
import { parseIpv4, parseRange } from './scope.ts';
import { readYamlFile, type YamlFile } from './yaml-file.ts';

/** One credential of the site, in the `--credentials` file format: the password never sits in the file when `passwordEnv` is used. */
export const SiteCredential = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash, underscore'),
  user: z.string(),
  password: z.string().optional(),
  /** Name of an environment variable holding the password (keeps it out of the file). */
  passwordEnv: z.string().optional(),
  protocols: z.array(z.string()).default(['any']),
});
export type SiteCredential = z.infer<typeof SiteCredential>;

const ipv4 = z.string().refine((a) => parseIpv4(a) !== undefined, 'not an IPv4 address');
const block = z.string().refine((s) => {
  try {
    parseRange(s);
    return true;
  } catch {
    return false;
  }
}, 'not an address, CIDR block or range (192.0.2.10, 192.0.2.0/24, 192.0.2.1-20)');

const checkId = z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'a check id like proto.telnet-enabled');

/**
 * A waiver: the client accepts one check's finding on some devices until a
 * date. Exactly one selector says which devices: `host` (an address), `cidr`,
 * `class` or `name` (a glob over the inventory name: `cam-*`).
 */
export const Waiver = z
  .strictObject({
    /** The client's reference for it (shown in reports). */
    id: z.string().max(100).optional(),
    check: checkId,
    host: ipv4.optional(),
    cidr: block.optional(),
    class: DeviceClass.optional(),
    name: z.string().min(1).max(200).optional(),
    /** Only the finding on this port (e.g. 23 for Telnet). */
    port: z.number().int().min(1).max(65535).optional(),
    justification: z.string().min(10, 'say why the risk is accepted (at least 10 characters)'),
    approver: z.string().min(2, 'who approved it'),
    /** Last day the waiver applies (YYYY-MM-DD); from the next day the finding is open again. */
    expires: z.iso.date('a date like 2026-06-30'),
  })
  .refine((w) => [w.host, w.cidr, w.class, w.name].filter((s) => s !== undefined).length === 1, 'give exactly one of host, cidr, class or name');
export type Waiver = z.infer<typeof Waiver>;

export const InventoryDevice = z.strictObject({
  address: ipv4,
  name: z.string().min(1).max(200).optional(),
  class: DeviceClass.optional(),
});

export const SiteFileSchema = z.strictObject({
  /** The site's name (reports, hand-over record). */
  name: z.string().min(1).max(200),
  scope: z
    .strictObject({
      include: z.array(block).min(1),
      exclude: z.array(block).default([]),
    })
    .optional(),
  /** The devices to scan when no target is given on the command line, with their names and classes. */
  inventory: z.array(InventoryDevice).default([]),
  /** Site credentials: a path to a `--credentials` file (relative to the site file), or the list itself. */
  credentials: z.union([z.string().min(1), z.array(SiteCredential)]).optional(),
  waivers: z.array(Waiver).default([]),
  /** Answers to the profile's manual requirements: read by src/score (docs/scoring.md). */
  manual: z.unknown().optional(),
  /** Where the scan runs from (network checks). */
  vantage: z.unknown().optional(),
});
export type SiteFile = z.infer<typeof SiteFileSchema>;

export interface LoadedSiteFile {
  path: string;
  site: SiteFile;
  /** The `credentials:` path resolved against the site file's directory. */
  credentialsPath?: string;
  /** `file:line:column` of a node (for messages about its content). */
  where: YamlFile<SiteFile>['where'];
}

/**
 * Read and validate a site file. With `knownCheck`, a waiver naming a check
 * the catalogue does not have is an error at its line (a typo would
 * otherwise waive nothing, silently).
 */
export function readSiteFile(path: string, knownCheck?: (id: string) => boolean): LoadedSiteFile {
  const file = readYamlFile(path, SiteFileSchema, 'site file');
  const site = file.data;
  if (knownCheck) {
    site.waivers.forEach((w, i) => {
      if (!knownCheck(w.check)) throw file.error(['waivers', i, 'check'], `unknown check id "${w.check}" (see: vigie checks)`);
    });
  }
  const seen = new Set<string>();
  site.inventory.forEach((d, i) => {
    if (seen.has(d.address)) throw file.error(['inventory', i, 'address'], `${d.address} is listed twice`);
    seen.add(d.address);
  });
  const out: LoadedSiteFile = { path, site, where: file.where };
  if (typeof site.credentials === 'string') out.credentialsPath = isAbsolute(site.credentials) ? site.credentials : join(dirname(path), site.credentials);
  return out;
}

/** How a waiver names its devices, for results and reports: "host 192.0.2.10", "class camera", "name cam-*". */
export function waiverSelector(w: Waiver): string {
  if (w.host) return `host ${w.host}`;
  if (w.cidr) return `cidr ${w.cidr}`;
  if (w.class) return `class ${w.class}`;
  return `name ${w.name}`;
}
