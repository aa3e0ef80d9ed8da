/**
 * `vigie verify`: commissioning verification. The same scan as `vigie scan`
 * (same options; `scan --profile anssi-commissioning` computes the same
 * verdicts), then a pass/fail verdict per device and the hand-over record.
 *
 * Exit codes: 0 every device passes · 1 a device fails or is incomplete
 * (a required check could not conclude, or it did not answer: not a pass) ·
 * 2 usage · 3 runtime · 130 interrupted (partial result written, no pass).
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { userInfo } from 'node:os';
import { EXIT, UsageError } from '../core/errors.ts';
import { loadProfile } from '../core/profile.ts';
import { buildPlan } from '../plan/planner.ts';
import { defaultLang } from '../../reports/i18n.ts';
import { renderHandover } from '../../reports/handover.ts';
import { FILE_NAMES, parseFormats, summary, writeOutputs } from './output.ts';
import { scanFromCli, type ScanCliOptions } from './scan.ts';
import { saveOrWarn, scanContextOf } from './store-cli.ts';

export interface VerifyCliOptions extends ScanCliOptions {
  /** Who ran the verification (default: the OS user). */
  operator?: string;
  /** Site name for the hand-over record (default: the scope). */
  site?: string;
}

export const HANDOVER_FILE = 'handover.md';

function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function runVerifyCommand(args: string[], opts: VerifyCliOptions): Promise<number> {
  // result.json is always written: the hand-over record carries its SHA-256.
  const formats = parseFormats(opts.format);
  if (!formats.includes('json')) formats.unshift('json');
  const profile = loadProfile(opts.profile);
  if (!profile.commissioning) {
    throw new UsageError(`profile "${profile.id}" has no commissioning section (commissioning: { failAt: medium }): use --profile anssi-commissioning or a profile that extends it`);
  }
  const lang = opts.lang ?? defaultLang();
  const result = await scanFromCli(args, opts, profile);
  // The engine already planned under this profile; a result without verdicts would be a bug, not a pass.
  if (!result.plan?.verdicts) result.plan = buildPlan(result, profile);
  const verdicts = result.plan.verdicts!;
  // Saved in the history store unless --no-store (src/cli/store-cli.ts); a store problem never loses the hand-over record.
  const saved = await saveOrWarn(result, opts, scanContextOf('verify', opts, result));

  const written = writeOutputs(result, opts.out, formats, lang);
  const resultPath = join(opts.out, FILE_NAMES.json);
  const sha256 = createHash('sha256').update(readFileSync(resultPath)).digest('hex');
  const handoverPath = join(opts.out, HANDOVER_FILE);
  const tmp = `${handoverPath}.${process.pid}.tmp`;
  writeFileSync(
    tmp,
    renderHandover(result, lang, {
      site: opts.site ?? result.scan.scope.include.join(', '),
      operator: opts.operator ?? osUser(),
      resultSha256: sha256,
      resultFile: FILE_NAMES.json,
    }),
    { mode: 0o600 },
  );
  renameSync(tmp, handoverPath);
  written.push(handoverPath);

  if (!opts.quiet) {
    process.stdout.write(`${summary(result, written, lang)}\n`);
    process.stdout.write(`SHA-256 ${relative(process.cwd(), resultPath) || resultPath}: ${sha256}\n`);
  }
  if (result.scan.partial) return EXIT.interrupted;
  if (!saved && verdicts.pass) return EXIT.runtime;
  return verdicts.pass ? EXIT.ok : EXIT.findings;
}
