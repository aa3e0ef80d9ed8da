/**
 * Export bundles: one encrypted file (the sealed container of crypto.ts,
 * content "bundle") per scan, for the company's document platform. Inside:
 * a JSON document with the result and, when given, rendered reports.
 * A key is required: a bundle is never written in clear.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Result as ResultSchema, type Result } from '../core/model.ts';
import { seal, unseal, SealedFileError, type KeySource, type ScryptParams } from './crypto.ts';
import { writeFileAtomic } from './store.ts';

export const BUNDLE_FORMAT = 'vigie.bundle/1';

const BundleDoc = z.object({
  format: z.literal(BUNDLE_FORMAT),
  exportedAt: z.string(),
  site: z.string(),
  result: z.unknown(),
  /** File name → content (report.md, report.html …). */
  reports: z.record(z.string(), z.string()),
});

export interface Bundle {
  exportedAt: string;
  site: string;
  result: Result;
  reports: Record<string, string>;
}

export async function writeBundle(
  file: string,
  bundle: Bundle,
  key: KeySource,
  opts: { scryptForTests?: ScryptParams } = {},
): Promise<number> {
  const doc = { format: BUNDLE_FORMAT, ...bundle };
  const bytes = await seal(Buffer.from(JSON.stringify(doc), 'utf8'), key, { content: 'bundle', ...(opts.scryptForTests ? { scryptForTests: opts.scryptForTests } : {}) });
  writeFileAtomic(file, bytes);
  return bytes.length;
}

/** Decrypt, authenticate and validate a bundle; every problem names the file. */
export async function readBundle(file: string, key: KeySource): Promise<Bundle> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new SealedFileError(`cannot read "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const { plain } = await unseal(bytes, key, 'bundle', file);
  let doc: z.infer<typeof BundleDoc>;
  try {
    doc = BundleDoc.parse(JSON.parse(plain.toString('utf8')));
  } catch (err) {
    throw new SealedFileError(`${file}: decrypted, but not a ${BUNDLE_FORMAT} document: ${(err as Error).message.slice(0, 200)}`);
  }
  const parsed = ResultSchema.safeParse(doc.result);
  if (!parsed.success) throw new SealedFileError(`${file}: the bundle's result is not a vigie result (vigie.result/1): ${parsed.error.issues[0]?.message ?? ''}`);
  return { exportedAt: doc.exportedAt, site: doc.site, result: parsed.data, reports: doc.reports };
}
