/**
 * Firmware advisories: `profiles/advisories/*.yaml`, one file per vendor.
 * Each advisory names its CVEs, its source, the affected model series (a
 * regular expression over the model the fingerprint found) and version ranges
 * in the vendor's own notation (src/checks/firmware/version.ts). Files are
 * validated at load, errors at file:line:column; every entry says where its
 * data was verified (`verified:`), so a reviewer can redo it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Localized } from '../../core/model.ts';
import { PROFILES_DIR } from '../../core/paths.ts';
import { canonicalVendor } from '../../core/fingerprint.ts';
import { readYamlFile } from '../../core/yaml-file.ts';
import type { VersionRange } from './version.ts';
import { parseBuildDate, parseFirmware } from './version.ts';

const versionString = z.string().min(1).max(100).refine((v) => parseFirmware(v) !== undefined, 'not a version (no number in it)');

export const AffectedRange = z
  .strictObject({
    /** The series as the advisory writes it ("DS-2CD2xx2F-I Series"). */
    series: z.string().min(1),
    /** Regular expression over the device model, case-insensitive (anchor it with ^). */
    model: z.string().min(1).refine((re) => {
      try {
        new RegExp(re, 'i');
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression'),
    /** First affected version (inclusive). */
    from: versionString.optional(),
    /** Last affected version (inclusive), as the advisory writes "V5.2.0 build 140721 to V5.4.0 build 160530". */
    to: versionString.optional(),
    /** First fixed version (exclusive upper bound). */
    before: versionString.optional(),
    /** Affected when built before this day (YYYY-MM-DD): Dahua dates its ranges by build time. */
    builtBefore: z
      .string()
      .refine((d) => parseBuildDate(d) === d, 'a date like 2021-06-01')
      .optional(),
  })
  .refine((r) => r.to !== undefined || r.before !== undefined || r.builtBefore !== undefined, 'give an upper bound: to, before or builtBefore');
export type AffectedRange = z.infer<typeof AffectedRange>;

export const Advisory = z.strictObject({
  /** Stable id, the finding's key: usually the CVE id. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  cve: z.array(z.string().regex(/^CVE-\d{4}-\d{4,}$/, 'a CVE id like CVE-2017-7921')).min(1),
  vendor: z.string().min(1),
  title: Localized,
  /** critical or high (CHECKS.md): the finding's severity. */
  severity: z.enum(['critical', 'high']),
  cvss: z.strictObject({ score: z.number().min(0).max(10), vector: z.string().optional(), source: z.string() }).optional(),
  /** The advisory itself (vendor or CERT). */
  source: z.url(),
  references: z.array(z.url()).default([]),
  /** Listed in CISA's Known Exploited Vulnerabilities catalog, with the date added. */
  kev: z.iso.date().optional(),
  affected: z.array(AffectedRange).min(1),
  /** What fixes it, in words (the advisory rarely names one fixed version for every series). */
  fixed: Localized.optional(),
  /** Where the entry was checked, and what was read there. */
  verified: z.string().min(10),
});
export type Advisory = z.infer<typeof Advisory>;

const AdvisoryFile = z.strictObject({ advisories: z.array(Advisory) });

export const ADVISORIES_DIR = join(PROFILES_DIR, 'advisories');

const cache = new Map<string, Advisory[]>();

/** Every advisory of a directory (default `profiles/advisories/`), files in name order; ids must be unique. */
export function loadAdvisories(dir = ADVISORIES_DIR): Advisory[] {
  const hit = cache.get(dir);
  if (hit) return hit;
  const out: Advisory[] = [];
  const seen = new Map<string, string>();
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const file = readYamlFile(join(dir, name), AdvisoryFile, 'advisory file');
    file.data.advisories.forEach((a, i) => {
      const other = seen.get(a.id);
      if (other) throw file.error(['advisories', i, 'id'], `duplicate advisory id ${a.id} (also in ${other})`);
      seen.set(a.id, name);
      out.push(a);
    });
  }
  cache.set(dir, out);
  return out;
}

/** Does the advisory's vendor match the device's (both through the canonical vendor names)? */
export function sameVendor(advisory: Pick<Advisory, 'vendor'>, vendor: string | undefined): boolean {
  return vendor !== undefined && canonicalVendor(advisory.vendor).toLowerCase() === canonicalVendor(vendor).toLowerCase();
}

/** The ranges of an advisory whose model pattern matches `model`. */
export function rangesFor(advisory: Advisory, model: string): AffectedRange[] {
  return advisory.affected.filter((r) => new RegExp(r.model, 'i').test(model.trim()));
}

export function asRange(r: AffectedRange): VersionRange {
  const out: VersionRange = {};
  if (r.from) out.from = r.from;
  if (r.to) out.to = r.to;
  if (r.before) out.before = r.before;
  if (r.builtBefore) out.builtBefore = r.builtBefore;
  return out;
}
