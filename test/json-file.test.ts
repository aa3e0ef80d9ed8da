/** result.json is streamed member by member: the bytes must be exactly JSON.stringify(value, null, 2) + newline. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeJsonFile } from '../src/core/json-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function roundTrip(value: unknown): { written: string; expected: string } {
  const path = join(dir, 'out.json');
  writeJsonFile(path, value);
  return { written: readFileSync(path, 'utf8'), expected: `${JSON.stringify(value, null, 2)}\n` };
}

describe('writeJsonFile', () => {
  it.each([
    ['empty object', {}],
    ['empty arrays and objects at every level', { a: [], b: {}, c: [[], {}, [{}]], d: { e: [], f: {} } }],
    ['undefined, functions and symbols are left out (in objects) or null (in arrays)', { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol('x'), 1], d: 'x' }],
    ['strings with newlines, quotes, escapes, control characters and astral characters', { s: 'a\nb\r\n"c"\\d\u001b[2J\u2028😀', arr: ['\n', '"'] }],
    ['numbers, booleans, null, non-finite numbers', { n: [0, -1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY], t: true, f: false, z: null }],
    ['objects with toJSON (dates) at every depth', { d: new Date(0), l: [new Date(1)], o: { when: new Date(2) } }],
    ['a top-level array', [{ a: 1 }, [2, [3]], 'x']],
    ['a top-level string', 'just text\n'],
  ])('%s', (_name, value) => {
    const { written, expected } = roundTrip(value);
    expect(written).toBe(expected);
  });

  it('any JSON value: the same bytes as JSON.stringify', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const { written, expected } = roundTrip(value);
        expect(written).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('a result-sized document (50 000 facts) is written whole, with mode 0600', () => {
    const facts = Array.from({ length: 50_000 }, (_, i) => ({ type: 'tcp.port', host: `127.42.1.${i % 250}`, port: i % 65536, data: { state: 'open', banner: `banner ${i}\nline` }, evidence: { received: 'x'.repeat(200) } }));
    const { written, expected } = roundTrip({ schema: 'vigie.result/1', facts, findings: [] });
    expect(written.length).toBe(expected.length);
    expect(written === expected).toBe(true);
    expect(statSync(join(dir, 'out.json')).mode & 0o777).toBe(0o600);
  });
});
