/**
 * `vigie report result.json`: render a saved result again (other formats,
 * other language), without scanning. The file is validated against the
 * canonical schema first; a result written before the plan existed gets its
 * plan computed from its own findings.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { EXIT, UsageError } from '../core/errors.ts';
import { Result as ResultSchema, type Result } from '../core/model.ts';
import { loadProfile, type Profile } from '../core/profile.ts';
import { buildPlan } from '../plan/planner.ts';
import { scoreResult } from '../score/index.ts';
import { defaultLang, type Lang } from '../../reports/i18n.ts';
import { historyPoint, type HistoryPoint } from '../../reports/view.ts';
import { parseFormats, writeOutputs } from './output.ts';

export interface ReportCliOptions {
  format: string;
  lang?: Lang;
  out?: string;
  /** Earlier result files of the same site, for the trend chart. */
  history?: string[];
  quiet?: boolean;
}

/** Read and validate a result file; every problem is a usage error naming the file. */
export function readResultFile(path: string): Result {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`"${path}" is not JSON: ${(err as Error).message}`);
  }
  const parsed = ResultSchema.safeParse(doc);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : '';
    throw new UsageError(`"${path}" is not a vigie result (vigie.result/1): ${issues.join('; ')}${more}`);
  }
  return parsed.data;
}

/** The profile the result was scanned with, when vigie still knows it (for the verdicts of an old result). */
function profileOf(result: Result): Profile | undefined {
  try {
    const p = loadProfile(result.scan.profile);
    return p.id === result.scan.profile ? p : undefined;
  } catch {
    return undefined;
  }
}

export async function runReportCommand(file: string, opts: ReportCliOptions): Promise<number> {
  const formats = parseFormats(opts.format);
  const lang = opts.lang ?? defaultLang();
  const result = readResultFile(file);
  if (!result.plan) result.plan = buildPlan(result, profileOf(result));
  // A result written before the hardening score existed gets it from its own findings, under its profile.
  if (!result.score) {
    const profile = profileOf(result);
    if (profile) result.score = scoreResult(result, profile);
  }
  const history: HistoryPoint[] = (opts.history ?? [])
    .map((h) => historyPoint(readResultFile(h)))
    .filter((p) => p.date < result.scan.started)
    .sort((a, b) => a.date.localeCompare(b.date));
  const written = writeOutputs(result, opts.out ?? dirname(file), formats, lang, undefined, { history });
  if (!opts.quiet) for (const p of written) process.stdout.write(`  → ${relative(process.cwd(), p) || p}\n`);
  return EXIT.ok;
}
