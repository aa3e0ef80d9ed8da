/**
 * Loaded before every test file (vitest `setupFiles`): the history store of
 * this test process — and of every `vigie` it starts, which inherits the
 * environment — lives in a fresh temporary directory, never under the real
 * home; and no key of the developer's shell leaks into a test.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.XDG_DATA_HOME = mkdtempSync(join(tmpdir(), 'vigie-test-data-'));
delete process.env.VIGIE_KEY;
delete process.env.VIGIE_KEY_FILE;
