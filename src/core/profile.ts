/**
 * Hardening profiles: YAML files in `profiles/`, validated with zod, with
 * errors that point to file:line:column. A profile may `extends:` another.
 *
 * Merge rules for `extends` (the child is applied over the parent):
 *   - scalars: the child's value replaces the parent's;
 *   - maps (`checks`, `politeness`, `timeouts`, a check's `params`, `ports.udp`, `scanners`): merged key by key, recursively;
 *   - lists (`ports.tcp`, `ports.udp.<scanner>`, `classes`): the child's list replaces the parent's whole.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { z } from 'zod';
import { DeviceClass, Localized, Severity } from './model.ts';
import { UsageError } from './errors.ts';
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

/** Where a YAML path sits in the file, for error messages. */
function locate(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: readonly PropertyKey[]): string {
  let node: unknown = doc.contents;
  let last: Node | undefined = doc.contents ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown })?.value === key);
      if (!pair) break;
      last = (pair.value as Node) ?? (pair.key as Node);
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      last = node as Node;
    } else break;
  }
  const offset = last?.range?.[0] ?? 0;
  const { line, col } = counter.linePos(offset);
  return `${line}:${col}`;
}

/** Read and validate one profile file (no `extends` resolution). */
export function readProfileFile(path: string): ProfileFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read profile "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const { line, col } = counter.linePos(e.pos[0]);
    throw new UsageError(`${path}:${line}:${col}: ${e.message.split('\n')[0]}`);
  }
  const parsed = ProfileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = locate(doc, counter, issue.path);
    const field = issue.path.join('.') || '(top level)';
    throw new UsageError(`${path}:${where}: ${field}: ${issue.message}`);
  }
  return parsed.data;
}

/** A profile id from `profiles/`, or a path to a YAML file. */
export function profilePath(idOrPath: string): string {
  if (/[/\\]/.test(idOrPath) || /\.ya?ml$/.test(idOrPath)) return idOrPath;
  const path = join(PROFILES_DIR, `${idOrPath}.yaml`);
  if (!existsSync(path)) throw new UsageError(`unknown profile "${idOrPath}" (see: vigie profiles)`);
  return path;
}

export function loadProfile(idOrPath = 'anssi-base'): Profile {
  const chain: ProfileFile[] = [];
  let next: string | undefined = idOrPath;
  const seen = new Set<string>();
  while (next) {
    const file = readProfileFile(profilePath(next));
    if (seen.has(file.id)) throw new UsageError(`profile "${file.id}" extends itself (cycle: ${[...seen, file.id].join(' → ')})`);
    seen.add(file.id);
    chain.unshift(file);
    next = file.extends;
  }
  let merged: Record<string, unknown> = { ...DEFAULTS };
  for (const file of chain) merged = mergeProfiles(merged, file as unknown as Record<string, unknown>);
  const leaf = chain[chain.length - 1]!;
  const profile = merged as unknown as Profile;
  return {
    ...profile,
    id: leaf.id,
    version: leaf.version,
    title: leaf.title,
    ...(leaf.description ? { description: leaf.description } : {}),
    lineage: chain.map((f) => f.id),
    checks: profile.checks ?? {},
    scanners: profile.scanners ?? {},
  };
}
