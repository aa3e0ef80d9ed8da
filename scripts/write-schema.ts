/** Regenerates schemas/vigie.result.schema.json and schemas/vigie.profile.schema.json from the zod models (npm run schema). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultJsonSchema } from '../src/core/model.ts';
import { profileJsonSchema } from '../src/core/profile.ts';
import { ROOT } from '../src/core/paths.ts';

export const SCHEMA_PATH = join(ROOT, 'schemas', 'vigie.result.schema.json');

export function schemaText(): string {
  return `${JSON.stringify(resultJsonSchema(), null, 2)}\n`;
}

export const PROFILE_SCHEMA_PATH = join(ROOT, 'schemas', 'vigie.profile.schema.json');

/** The schema of one profile file (`profiles/*.yaml`), for editors and for validating profiles elsewhere. */
export function profileSchemaText(): string {
  return `${JSON.stringify(profileJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(SCHEMA_PATH, schemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
  writeFileSync(PROFILE_SCHEMA_PATH, profileSchemaText());
  console.log(`wrote ${PROFILE_SCHEMA_PATH}`);
}
