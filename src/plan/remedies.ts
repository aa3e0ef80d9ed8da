/**
 * The remedy catalogue (`profiles/remediation-steps.yaml`): which checks one
 * action closes, its effort, and how to carry it out per vendor. Read once;
 * the planner itself takes the catalogue as a parameter and does no I/O.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Localized } from '../core/model.ts';
import { PROFILES_DIR } from '../core/paths.ts';

/** Vendor keys of the steps; `switch-cli` is a Cisco-IOS-like command line. */
export const STEP_VENDORS = ['hikvision', 'dahua', 'axis', 'hanwha', 'switch-cli'] as const;
export type StepVendor = (typeof STEP_VENDORS)[number];

const Step = Localized.extend({ source: z.string().optional() });

const RemedyFile = z.strictObject({
  checks: z.array(z.string()).min(1),
  title: Localized,
  effort: z.strictObject({ perDevice: z.number().min(0), fixed: z.number().min(0) }),
  steps: z.strictObject({
    generic: Localized,
    hikvision: Step.optional(),
    dahua: Step.optional(),
    axis: Step.optional(),
    hanwha: Step.optional(),
    'switch-cli': Step.optional(),
  }),
});

const CatalogueFile = z.strictObject({
  version: z.number().int(),
  directAccess: z.array(z.string()),
  sources: z.record(z.string(), z.string()).optional(),
  remedies: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'), RemedyFile),
});

export interface Remedy {
  id: string;
  checks: readonly string[];
  title: Localized;
  effort: { perDevice: number; fixed: number };
  steps: { generic: Localized } & Partial<Record<StepVendor, Localized & { source?: string }>>;
}

export interface RemedyCatalogue {
  remedies: readonly Remedy[];
  byCheck: ReadonlyMap<string, Remedy>;
  /** High findings of these checks need no credential and no on-path position: they count as exposed. */
  directAccess: ReadonlySet<string>;
}

/** Build a catalogue from parsed YAML; a check listed under two remedies is an error. */
export function catalogueFrom(doc: unknown, where = 'remediation-steps.yaml'): RemedyCatalogue {
  const parsed = CatalogueFile.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${where}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const remedies: Remedy[] = [];
  const byCheck = new Map<string, Remedy>();
  for (const [id, r] of Object.entries(parsed.data.remedies)) {
    const remedy: Remedy = { id, checks: r.checks, title: r.title, effort: r.effort, steps: r.steps };
    for (const check of r.checks) {
      const other = byCheck.get(check);
      if (other) throw new Error(`${where}: check ${check} is in two remedies (${other.id}, ${id})`);
      byCheck.set(check, remedy);
    }
    remedies.push(remedy);
  }
  return { remedies, byCheck, directAccess: new Set(parsed.data.directAccess) };
}

let cached: RemedyCatalogue | undefined;

export function loadRemedies(path = join(PROFILES_DIR, 'remediation-steps.yaml')): RemedyCatalogue {
  const isDefault = path === join(PROFILES_DIR, 'remediation-steps.yaml');
  if (isDefault && cached) return cached;
  const catalogue = catalogueFrom(parseYaml(readFileSync(path, 'utf8')), path);
  if (isDefault) cached = catalogue;
  return catalogue;
}
