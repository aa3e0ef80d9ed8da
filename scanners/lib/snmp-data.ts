/**
 * The SNMP data files in `profiles/`: the community dictionary and the
 * enterprise-number → vendor table with the sysDescr rules. Loaded once,
 * validated, and kept as plain data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PROFILES_DIR } from '../../src/core/paths.ts';
import { DEVICE_CLASSES, type DeviceClass } from '../../src/core/model.ts';

export interface DictionaryEntry {
  name: string;
  source: string;
}

export interface SnmpDictionary {
  communities: DictionaryEntry[];
  v3Users: DictionaryEntry[];
}

export interface EnterpriseEntry {
  vendor?: string;
  /** Agent software (no vendor inferred). */
  agent?: string;
  iana: string;
}

export interface DescrRule {
  field: 'sysDescr' | 'sysName';
  regex: RegExp;
  vendor?: string;
  class?: DeviceClass;
}

let dictionary: SnmpDictionary | undefined;
let enterprises: { table: Map<number, EnterpriseEntry>; rules: DescrRule[] } | undefined;

function entries(list: unknown, file: string, what: string): DictionaryEntry[] {
  if (!Array.isArray(list)) throw new Error(`${file}: ${what} must be a list`);
  return list.map((e, i) => {
    const o = e as Record<string, unknown>;
    if (typeof o?.name !== 'string' || !o.name || typeof o.source !== 'string' || !o.source) throw new Error(`${file}: ${what}[${i}] needs a name and a source`);
    return { name: o.name, source: o.source.trim() };
  });
}

export function snmpDictionary(): SnmpDictionary {
  if (!dictionary) {
    const file = join(PROFILES_DIR, 'snmp-communities.yaml');
    const doc = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    dictionary = { communities: entries(doc.communities, file, 'communities'), v3Users: entries(doc.v3Users ?? [], file, 'v3Users') };
  }
  return dictionary;
}

export function snmpEnterprises(): { table: Map<number, EnterpriseEntry>; rules: DescrRule[] } {
  if (!enterprises) {
    const file = join(PROFILES_DIR, 'snmp-enterprises.yaml');
    const doc = parseYaml(readFileSync(file, 'utf8')) as { enterprises: Record<string, EnterpriseEntry>; descr?: { field: string; match: string; vendor?: string; class?: string }[] };
    const table = new Map<number, EnterpriseEntry>();
    for (const [k, v] of Object.entries(doc.enterprises ?? {})) {
      if (!/^\d+$/.test(k) || (!v.vendor && !v.agent)) throw new Error(`${file}: enterprise ${k} needs a vendor or an agent`);
      table.set(Number(k), v);
    }
    const rules = (doc.descr ?? []).map((r, i) => {
      if (r.field !== 'sysDescr' && r.field !== 'sysName') throw new Error(`${file}: descr[${i}].field must be sysDescr or sysName`);
      if (r.class && !(DEVICE_CLASSES as readonly string[]).includes(r.class)) throw new Error(`${file}: descr[${i}]: unknown class ${r.class}`);
      const rule: DescrRule = { field: r.field, regex: new RegExp(r.match, 'i') };
      if (r.vendor) rule.vendor = r.vendor;
      if (r.class) rule.class = r.class as DeviceClass;
      return rule;
    });
    enterprises = { table, rules };
  }
  return enterprises;
}

/** The enterprise number of an OID under 1.3.6.1.4.1, if it is one. */
export function enterpriseOf(oid: string | undefined): number | undefined {
  const m = oid ? /^1\.3\.6\.1\.4\.1\.(\d+)(?:\.|$)/.exec(oid) : null;
  return m ? Number(m[1]) : undefined;
}
