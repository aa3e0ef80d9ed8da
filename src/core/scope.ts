/**
 * Targets and scope. Everything here is pure: no packet leaves from this
 * module. The engine asks `Scope.allows()` before every connection, and the
 * CLI refuses a run whose targets fall outside the declared scope before the
 * engine is even built.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DEVICE_CLASSES, type DeviceClass } from './model.ts';
import { UsageError } from './errors.ts';

/** An inclusive range of IPv4 addresses as 32-bit unsigned integers. */
export interface Ipv4Range {
  first: number;
  last: number;
  /** The text the user wrote, for messages. */
  spec: string;
}

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith('0')) return undefined; // 010 is ambiguous (octal?)
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * Parses one address, CIDR (`127.42.0.0/24`) or range (`127.42.0.1-20`,
 * `127.42.0.1-127.42.0.20`). With `hostsOnly` (target expansion), CIDR blocks
 * wider than /31 leave out their network and broadcast addresses, as nothing
 * answers there on a real site; a scope keeps the whole block.
 */
export function parseRange(spec: string, hostsOnly = false): Ipv4Range {
  const text = spec.trim();
  const cidr = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (cidr) {
    const base = parseIpv4(cidr[1]!);
    const bits = Number(cidr[2]);
    if (base === undefined || bits > 32) throw new UsageError(`not a valid CIDR block: "${spec}"`);
    const size = 2 ** (32 - bits);
    const network = Math.floor(base / size) * size;
    if (network !== base) {
      throw new UsageError(
        `"${spec}" is not aligned on /${bits}: did you mean ${formatIpv4(network)}/${bits}?`,
      );
    }
    if (bits >= 31 || !hostsOnly) return { first: network, last: network + size - 1, spec: text };
    return { first: network + 1, last: network + size - 2, spec: text };
  }
  const dash = /^([\d.]+)-([\d.]+)$/.exec(text);
  if (dash) {
    const first = parseIpv4(dash[1]!);
    if (first === undefined) throw new UsageError(`not a valid address range: "${spec}"`);
    let last: number | undefined;
    if (/^\d{1,3}$/.test(dash[2]!)) {
      const lastOctet = Number(dash[2]);
      if (lastOctet > 255) throw new UsageError(`not a valid address range: "${spec}"`);
      last = Math.floor(first / 256) * 256 + lastOctet;
    } else {
      last = parseIpv4(dash[2]!);
    }
    if (last === undefined || last < first) {
      throw new UsageError(`not a valid address range: "${spec}" (the end must not precede the start)`);
    }
    return { first, last, spec: text };
  }
  const single = parseIpv4(text);
  if (single !== undefined) return { first: single, last: single, spec: text };
  if (text.includes(':')) {
    throw new UsageError(`"${spec}": IPv6 targets are not supported yet; give IPv4 addresses`);
  }
  throw new UsageError(
    `not an address, CIDR block or range: "${spec}" (examples: 192.0.2.10, 192.0.2.0/24, 192.0.2.1-20; host names are not resolved)`,
  );
}

function inRanges(n: number, ranges: readonly Ipv4Range[]): Ipv4Range | undefined {
  return ranges.find((r) => n >= r.first && n <= r.last);
}

/** The allowed set: what the user declared, minus the exclusions. */
export class Scope {
  readonly include: readonly Ipv4Range[];
  readonly exclude: readonly Ipv4Range[];

  constructor(include: readonly Ipv4Range[], exclude: readonly Ipv4Range[] = []) {
    this.include = include;
    this.exclude = exclude;
  }

  static parse(include: readonly string[], exclude: readonly string[] = []): Scope {
    return new Scope(include.map((s) => parseRange(s)), exclude.map((s) => parseRange(s)));
  }

  allows(address: string): boolean {
    const n = parseIpv4(address);
    if (n === undefined) return false;
    return inRanges(n, this.include) !== undefined && inRanges(n, this.exclude) === undefined;
  }

  isExcluded(address: string): boolean {
    const n = parseIpv4(address);
    return n !== undefined && inRanges(n, this.exclude) !== undefined;
  }

  describe(): { include: string[]; exclude: string[] } {
    return { include: this.include.map((r) => r.spec), exclude: this.exclude.map((r) => r.spec) };
  }
}

/** A target as the inventory knows it. */
export interface Target {
  address: string;
  name?: string;
  expectedClass?: DeviceClass;
}

export interface TargetSet {
  targets: Target[];
  /** The specs as written (for the result and for the default scope). */
  specs: string[];
  /** Addresses removed by `--exclude`. */
  excluded: number;
}

const DEFAULT_MAX_TARGETS = 65_536;

/** Is this argument an inventory file rather than an address spec? */
export function looksLikeInventory(arg: string): boolean {
  return ['.csv', '.yaml', '.yml'].includes(extname(arg).toLowerCase());
}

function normaliseClass(value: unknown, where: string): DeviceClass | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim().toLowerCase();
  if ((DEVICE_CLASSES as readonly string[]).includes(text)) return text as DeviceClass;
  throw new UsageError(`${where}: unknown device class "${text}" (expected one of ${DEVICE_CLASSES.join(', ')})`);
}

/** Reads an inventory file: CSV (`address,name,class` with a header line) or YAML (a list, or `devices:`). */
export function readInventory(path: string): Target[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read inventory file "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const out: Target[] = [];
  if (extname(path).toLowerCase() === '.csv') {
    const lines = text.split(/\r?\n/);
    let header: string[] | undefined;
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const cells = line.split(/[,;]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
      if (!header) {
        if (parseIpv4(cells[0] ?? '') === undefined) {
          header = cells.map((c) => c.toLowerCase());
          return;
        }
        header = ['address', 'name', 'class'];
      }
      const get = (col: string) => {
        const idx = header!.indexOf(col);
        return idx >= 0 ? cells[idx] : undefined;
      };
      const address = get('address') ?? get('ip') ?? '';
      const where = `${path}:${i + 1}`;
      if (parseIpv4(address) === undefined) throw new UsageError(`${where}: not an IPv4 address: "${address}"`);
      const t: Target = { address };
      const name = get('name');
      if (name) t.name = name;
      const cls = normaliseClass(get('class') ?? get('expected_class'), where);
      if (cls) t.expectedClass = cls;
      out.push(t);
    });
    return out;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UsageError(`${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(list)) throw new UsageError(`${path}: expected a list of devices (or a "devices:" list)`);
  list.forEach((entry, i) => {
    const where = `${path}: device #${i + 1}`;
    const e = (typeof entry === 'string' ? { address: entry } : entry) as Record<string, unknown>;
    const address = String(e?.address ?? e?.ip ?? '');
    if (parseIpv4(address) === undefined) throw new UsageError(`${where}: not an IPv4 address: "${address}"`);
    const t: Target = { address };
    if (e.name) t.name = String(e.name);
    const cls = normaliseClass(e.class ?? e.expected_class, where);
    if (cls) t.expectedClass = cls;
    out.push(t);
  });
  return out;
}

/**
 * Expands target specs (addresses, CIDRs, ranges, inventory files) into a
 * de-duplicated list of targets in address order, minus the excluded ones.
 */
export function expandTargets(
  args: readonly string[],
  opts: { exclude?: readonly string[]; maxTargets?: number } = {},
): TargetSet {
  if (args.length === 0) throw new UsageError('no targets given (example: vigie scan 192.0.2.0/24)');
  const exclude = (opts.exclude ?? []).map((s) => parseRange(s));
  const max = opts.maxTargets ?? DEFAULT_MAX_TARGETS;
  const byAddress = new Map<number, Target>();
  const specs: string[] = [];
  let excluded = 0;
  const add = (n: number, t: Target) => {
    if (inRanges(n, exclude)) {
      excluded++;
      return;
    }
    const prev = byAddress.get(n);
    byAddress.set(n, { ...prev, ...t });
    if (byAddress.size > max) {
      throw new UsageError(`more than ${max} target addresses: narrow the targets or raise --max-hosts`);
    }
  };
  for (const arg of args) {
    if (looksLikeInventory(arg)) {
      for (const t of readInventory(arg)) {
        add(parseIpv4(t.address)!, t);
        specs.push(t.address);
      }
      continue;
    }
    const r = parseRange(arg, true);
    if (r.last - r.first + 1 > max) {
      throw new UsageError(`"${arg}" holds ${r.last - r.first + 1} addresses, more than ${max}: narrow it or raise --max-hosts`);
    }
    specs.push(r.spec);
    for (let n = r.first; n <= r.last; n++) add(n, { address: formatIpv4(n) });
  }
  const targets = [...byAddress.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
  return { targets, specs, excluded };
}

/** Addresses among the targets that the scope does not allow. */
export function outOfScope(targets: readonly Target[], scope: Scope): string[] {
  return targets.filter((t) => !scope.allows(t.address)).map((t) => t.address);
}
