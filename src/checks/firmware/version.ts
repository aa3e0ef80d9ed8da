/**
 * Firmware version strings as vendors write them, compared without guessing.
 *
 *   Hikvision  `V5.4.5 build 170124`        → 5.4.5, built 2017-01-24
 *   Dahua      `2.622.0000000.31.R`         → 2.622.0.31, release marker R
 *              `V2.800.0000000.27.R, Build Date: 2021-03-12`
 *   Cisco IOS  `12.2(55)SE10`               → 12.2, maintenance 55, train SE, rebuild 10
 *   Axis       `10.12.151`                  → 10.12.151
 *
 * A version is a list of tokens (numbers and words) plus an optional build
 * date. Numbers compare as numbers, words must be equal (two IOS trains, SE
 * and EX, are different products: not comparable), a missing trailing number
 * counts as 0 ("1.41" = "1.41.00"). When the numbers are equal, the build
 * dates decide — and if only one side has a build date, the answer is
 * `undefined`: the caller says "not evaluated", never "not affected".
 */

export interface FirmwareVersion {
  /** The string as the device gave it. */
  raw: string;
  tokens: (number | string)[];
  /** Build date as YYYY-MM-DD, when the string carries one. */
  build?: string;
}

/** The longest string we look at: device strings are hostile input. */
const MAX_LENGTH = 200;

function isoDate(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2099) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** `170124` (YYMMDD), `20170124`, `2017-01-24`, `2017/1/24` → `2017-01-24`. */
export function parseBuildDate(text: string): string | undefined {
  const t = text.trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{2})(\d{2})(\d{2})$/.exec(t);
  if (m) return isoDate(2000 + Number(m[1]), Number(m[2]), Number(m[3]));
  return undefined;
}

const BUILD = /[,;]?\s*\bbuild(?:\s*date)?\s*[:\s]\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{8}|\d{6})\b/i;

/** Parse a vendor version string; `undefined` when it holds no number at all. */
export function parseFirmware(input: string): FirmwareVersion | undefined {
  const raw = input.trim().slice(0, MAX_LENGTH);
  let rest = raw;
  let build: string | undefined;
  const b = BUILD.exec(rest);
  if (b) {
    build = parseBuildDate(b[1]!);
    rest = rest.slice(0, b.index) + rest.slice(b.index + b[0].length);
  }
  const tokens: (number | string)[] = [];
  for (const m of rest.toLowerCase().matchAll(/\d+|[a-z]+/g)) {
    const tok = m[0];
    tokens.push(/^\d/.test(tok) ? Number(tok.slice(-15)) : tok);
  }
  // A leading "v" (V5.4.5) is a prefix, not part of the version.
  if (tokens[0] === 'v') tokens.shift();
  if (!tokens.some((t) => typeof t === 'number')) return undefined;
  return build ? { raw, tokens, build } : { raw, tokens };
}

/** -1, 0, 1, or undefined when the two cannot be ordered (different trains, a build date on one side only). */
export function compareFirmware(a: FirmwareVersion | string, b: FirmwareVersion | string): -1 | 0 | 1 | undefined {
  const va = typeof a === 'string' ? parseFirmware(a) : a;
  const vb = typeof b === 'string' ? parseFirmware(b) : b;
  if (!va || !vb) return undefined;
  const n = Math.max(va.tokens.length, vb.tokens.length);
  for (let i = 0; i < n; i++) {
    const x = va.tokens[i];
    const y = vb.tokens[i];
    if (x === undefined || y === undefined) {
      const more = (x ?? y)!;
      // "1.41" vs "1.41.00": trailing zeros are equal; "12.2(55)SE" < "12.2(55)SE10".
      if (typeof more === 'number') {
        if (more === 0) continue;
        return x === undefined ? -1 : 1;
      }
      // A trailing release marker (Dahua ".R") carries no order; anything else does not compare.
      if (more === 'r' && i === n - 1) continue;
      return undefined;
    }
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x < y ? -1 : 1;
      continue;
    }
    if (typeof x === 'string' && typeof y === 'string' && x === y) continue;
    return undefined;
  }
  if (va.build && vb.build) return va.build === vb.build ? 0 : va.build < vb.build ? -1 : 1;
  if (va.build || vb.build) return undefined;
  return 0;
}

/**
 * A device's version against a bound written by a person (an advisory range, a
 * profile minimum). A bound without a build date names the whole version line
 * ("V5.5.0" covers every build of 5.5.0), so the device's build does not
 * matter; a bound with one needs the device's build to decide.
 */
export function compareToBound(version: FirmwareVersion | string, bound: string): -1 | 0 | 1 | undefined {
  const v = typeof version === 'string' ? parseFirmware(version) : version;
  const b = parseFirmware(bound);
  if (!v || !b) return undefined;
  if (b.build || !v.build) return compareFirmware(v, b);
  const { build: _ignored, ...line } = v;
  return compareFirmware(line, b);
}

/** A version range of an advisory: `from`/`to` inclusive, `before` exclusive (the first fixed version), `builtBefore` a date. */
export interface VersionRange {
  from?: string;
  to?: string;
  before?: string;
  /** YYYY-MM-DD: affected when the firmware was built before that day (Dahua writes ranges this way). */
  builtBefore?: string;
}

export type RangeVerdict = { inRange: boolean } | { unknown: string };

/** Is `version` inside `range`? A bound that cannot be compared makes the answer unknown, with the reason. */
export function inRange(version: FirmwareVersion, range: VersionRange): RangeVerdict {
  const checks: [string, (c: -1 | 0 | 1) => boolean][] = [];
  if (range.from) checks.push([range.from, (c) => c >= 0]);
  if (range.to) checks.push([range.to, (c) => c <= 0]);
  if (range.before) checks.push([range.before, (c) => c < 0]);
  for (const [bound, ok] of checks) {
    const c = compareToBound(version, bound);
    if (c === undefined) return { unknown: `"${version.raw}" cannot be ordered against "${bound}"` };
    if (!ok(c)) return { inRange: false };
  }
  if (range.builtBefore) {
    if (!version.build) return { unknown: `the advisory is dated by build (before ${range.builtBefore}) and "${version.raw}" carries no build date` };
    if (version.build >= range.builtBefore) return { inRange: false };
  }
  return { inRange: true };
}

/** How a range reads in a finding: "V5.2.0 build 140721 to V5.4.0 build 160530", "before 2021-06-01 (build date)". */
export function describeRange(range: VersionRange): string {
  const parts: string[] = [];
  if (range.from && range.to) parts.push(`${range.from} to ${range.to}`);
  else if (range.from) parts.push(`from ${range.from}`);
  else if (range.to) parts.push(`up to ${range.to}`);
  if (range.before) parts.push(`before ${range.before}`);
  if (range.builtBefore) parts.push(`built before ${range.builtBefore}`);
  return parts.join(', ');
}
