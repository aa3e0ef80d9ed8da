/**
 * Hardening profiles: YAML files in `profiles/`, validated with zod, with
 * errors that point to file:line:column. A profile may `extends:` another.
 *
 * Merge rules for `extends` (the child is applied over the parent):
 *   - scalars: the child's value replaces the parent's;
 *   - maps (`checks`, `politeness`, `timeouts`, a check's `params`, `ports.udp`, `scanners`): merged key by key, recursively;
 *   - lists (`ports.tcp`, `ports.udp.<scanner>`, `classes`, list params such as
 *     `firmware.outdated.params.minimum`): the child's list replaces the parent's whole.
 * `extends:` names a profile of `profiles/` by id, or a YAML file (relative to
 * the file that extends it). With the check catalogue (the CLI always passes
 * it), an unknown check id or a malformed `params` is an error at its line.
 * The rules are tested in test/profiles.test.ts; docs/profiles.md explains them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DeviceClass, Localized, Severity } from './model.ts';
import { UsageError } from './errors.ts';
import { readYamlFile } from './yaml-file.ts';
import { checkMergedSections, ManualSection, ScoringSection } from './scoring.ts';
import { PROFILES_DIR } from './paths.ts';

const CheckSetting = z.strictObject({
  enabled: z.boolean().optional(),
  severity: Severity.optional(),
  classes: z.array(DeviceClass).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

export const ProfileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  version: z.number().int().positive(),
  extends: z.string().optional(),
  title: Localized,
  description: Localized.optional(),
  ports: z
    .strictObject({
      tcp: z.array(z.number().int().min(1).max(65535)).min(1),
      /** UDP ports per host scanner id (UDP has no banner: the port says which protocol to speak). */
      udp: z.record(z.string(), z.array(z.number().int().min(1).max(65535))),
    })
    .partial()
    .optional(),
  politeness: z
    .strictObject({
      perHost: z.number().int().min(1).max(16),
      global: z.number().int().min(1).max(1024),
      minIntervalMs: z.number().int().min(0).max(10_000),
    })
    .partial()
    .optional(),
  timeouts: z
    .strictObject({
      connectMs: z.number().int().min(50).max(60_000),
      readMs: z.number().int().min(50).max(120_000),
    })
    .partial()
    .optional(),
  checks: z.record(z.string(), CheckSetting).optional(),
  /** The credential engine's budget (mode `credentials`, and site credentials in mode `safe`). */
  credentials: z
    .strictObject({
      budget: z.number().int().min(1).max(10),
      maxFailuresPerDevice: z.number().int().min(1).max(50),
    })
    .partial()
    .optional(),
  /** Parameters of the scanners, by scanner id (e.g. `rtsp: { describeBudget: 8 }`). */
  scanners: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** Commissioning verification (`vigie verify`): a device fails on an open finding at or above `failAt`. */
  commissioning: z.strictObject({ failAt: Severity }).optional(),
  /** The hardening score: weights, grade thresholds, caps, required checks (src/score/, docs/scoring.md). */
  scoring: ScoringSection.optional(),
  /** Requirements no scan can test, answered in the site file (`manual:`); never in the score. */
  manual: ManualSection.optional(),
});
export type ProfileFile = z.infer<typeof ProfileSchema>;

/** A profile after `extends` is resolved and defaults are filled in. */
export interface Profile {
  id: string;
  version: number;
  title: { en: string; fr: string };
  description?: { en: string; fr: string };
  /** The chain of profile ids, base first. */
  lineage: string[];
  ports: { tcp: number[]; udp: Record<string, number[]> };
  politeness: { perHost: number; global: number; minIntervalMs: number };
  timeouts: { connectMs: number; readMs: number };
  checks: Record<string, z.infer<typeof CheckSetting>>;
  credentials: { budget: number; maxFailuresPerDevice: number };
  scanners: Record<string, Record<string, unknown>>;
  commissioning?: { failAt: Severity };
  scoring?: ScoringSection;
  manual?: ManualSection;
}

const DEFAULTS = {
  ports: { tcp: [21, 22, 23, 80, 443, 554, 322, 5060, 8000, 8080, 8443, 8899, 37777, 34567], udp: { sip: [5060], ssdp: [1900] } },
  politeness: { perHost: 2, global: 64, minIntervalMs: 10 },
  timeouts: { connectMs: 2000, readMs: 3000 },
  credentials: { budget: 3, maxFailuresPerDevice: 6 },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge following the rules in this file's header. */
export function mergeProfiles(parent: Record<string, unknown>, child: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...parent };
  for (const [k, v] of Object.entries(child)) {
    const p = out[k];
    out[k] = isPlainObject(p) && isPlainObject(v) ? mergeProfiles(p, v) : v;
  }
  return out;
}

/**
 * What a profile may say about checks: which ids exist and, for the checks that
 * declare one, the schema of their `params`. Given by the check catalogue
 * (src/checks/profiles.ts) so that core never imports the checks.
 */
export interface ProfileCatalogue {
  has(id: string): boolean;
  params(id: string): z.ZodType | undefined;
}

/** A params schema as one file may write it: a profile that extends another may set one key. */
function partialParams(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodObject ? schema.partial() : schema;
}

/** Read and validate one profile file (no `extends` resolution); with a catalogue, check ids and params too. */
export function readProfileFile(path: string, catalogue?: ProfileCatalogue): ProfileFile {
  const file = readYamlFile(path, ProfileSchema, 'profile');
  if (catalogue) {
    for (const [id, setting] of Object.entries(file.data.checks ?? {})) {
      if (!catalogue.has(id)) throw file.error(['checks', id], `unknown check id (see: vigie checks)`);
      const schema = catalogue.params(id);
      if (!schema || setting.params === undefined) continue;
      const parsed = partialParams(schema).safeParse(setting.params);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw file.error(['checks', id, 'params', ...issue.path], issue.message);
      }
    }
  }
  return file.data;
}

/** A profile id from `profiles/`, or a path to a YAML file (relative to `from`, the file that names it, when given). */
export function profilePath(idOrPath: string, from?: string): string {
  if (/[/\\]/.test(idOrPath) || /\.ya?ml$/.test(idOrPath)) return from && !isAbsolute(idOrPath) ? join(dirname(from), idOrPath) : idOrPath;
  const path = join(PROFILES_DIR, `${idOrPath}.yaml`);
  if (!existsSync(path)) throw new UsageError(`unknown profile "${idOrPath}" (see: vigie profiles)`);
  return path;
}

export interface LoadProfileOptions {
  /** Check ids and params schemas to validate against (the CLI passes the catalogue). */
  catalogue?: ProfileCatalogue;
}

export function loadProfile(idOrPath = 'anssi-base', opts: LoadProfileOptions = {}): Profile {
  const chain: ProfileFile[] = [];
  let next: string | undefined = idOrPath;
  let from: string | undefined;
  const seen = new Set<string>();
  while (next) {
    const path = profilePath(next, from);
    const file = readProfileFile(path, opts.catalogue);
    if (seen.has(file.id)) throw new UsageError(`profile "${file.id}" extends itself (cycle: ${[...seen, file.id].join(' → ')})`);
    seen.add(file.id);
    chain.unshift(file);
    next = file.extends;
    from = path;
  }
  let merged: Record<string, unknown> = { ...DEFAULTS };
  for (const file of chain) merged = mergeProfiles(merged, file as unknown as Record<string, unknown>);
  const leaf = chain[chain.length - 1]!;
  const { extends: _parent, ...profile } = merged as unknown as Profile & { extends?: string };
  const resolved: Profile = {
    ...profile,
    id: leaf.id,
    version: leaf.version,
    title: leaf.title,
    ...(leaf.description ? { description: leaf.description } : {}),
    lineage: chain.map((f) => f.id),
    checks: profile.checks ?? {},
    scanners: profile.scanners ?? {},
  };
  // Merged params must be complete: each file was checked alone, with every key optional.
  if (opts.catalogue) {
    for (const [id, setting] of Object.entries(resolved.checks)) {
      const schema = opts.catalogue.params(id);
      if (!schema || setting.params === undefined) continue;
      const parsed = schema.safeParse(setting.params);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new UsageError(`profile "${resolved.id}" (after extends: ${resolved.lineage.join(' → ')}): checks.${[id, 'params', ...issue.path].join('.')}: ${issue.message}`);
      }
    }
  }
  // The merged scoring caps and manual requirements must be whole too (src/core/scoring.ts).
  checkMergedSections(resolved);
  return resolved;
}

/** The ids of the profiles shipped in `profiles/` (files that carry id, version and title), sorted. */
export function listProfiles(dir = PROFILES_DIR): string[] {
  const ids: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(join(dir, name), 'utf8'));
    } catch {
      continue;
    }
    if (doc && typeof doc === 'object' && 'id' in doc && 'version' in doc && 'title' in doc && `${(doc as { id: unknown }).id}.yaml` === name) ids.push(String((doc as { id: unknown }).id));
  }
  return ids;
}

/** The published JSON Schema of one profile file (schemas/vigie.profile.schema.json). */
export function profileJsonSchema(): unknown {
  return {
    $id: 'https://vigie.invalid/schemas/vigie.profile.schema.json',
    title: 'vigie hardening profile (profiles/*.yaml)',
    ...(z.toJSONSchema(ProfileSchema, { target: 'draft-2020-12', io: 'input' }) as object),
  };
}
