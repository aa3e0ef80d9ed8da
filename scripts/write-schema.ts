/** Regenerates schemas/vigie.result.schema.json from the zod model (npm run schema). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultJsonSchema } from '../src/core/model.ts';
import { ROOT } from '../src/core/paths.ts';

export const SCHEMA_PATH = join(ROOT, 'schemas', 'vigie.result.schema.json');

export function schemaText(): string {
  return `${JSON.stringify(resultJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(SCHEMA_PATH, schemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
