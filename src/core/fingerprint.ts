/**
 * Merges what the observations say about a device into class, vendor, model
 * and firmware, keeping the source of each value (and every conflicting one).
 * The rules are data: `profiles/fingerprints.yaml`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { DeviceClass, Fact, Host } from './model.ts';
import { DEVICE_CLASSES } from './model.ts';
import type { HttpResponseData, RtspOptionsData, SipOptionsData, SsdpResponseData, TcpPortData } from './facts.ts';
import { PROFILES_DIR } from './paths.ts';

interface Rule {
  field: 'http.server' | 'http.title' | 'http.realm' | 'banner' | 'rtsp.server' | 'sip.server' | 'ssdp.server';
  match: string;
  vendor?: string;
  class?: DeviceClass;
  regex: RegExp;
}

let rules: Rule[] | undefined;
let aliases: [RegExp, string][] | undefined;

/** The vendor's usual name, from `vendors:` in profiles/fingerprints.yaml (case-insensitive patterns). */
export function canonicalVendor(name: string): string {
  if (!aliases) {
    const doc = parseYaml(readFileSync(join(PROFILES_DIR, 'fingerprints.yaml'), 'utf8')) as { vendors?: Record<string, string> };
    aliases = Object.entries(doc.vendors ?? {}).map(([pattern, canonical]) => [new RegExp(pattern, 'i'), canonical]);
  }
  return aliases.find(([re]) => re.test(name))?.[1] ?? name.trim();
}

export function fingerprintRules(): Rule[] {
  if (!rules) {
    const doc = parseYaml(readFileSync(join(PROFILES_DIR, 'fingerprints.yaml'), 'utf8')) as { rules: Omit<Rule, 'regex'>[] };
    rules = doc.rules.map((r) => {
      if (r.class && !(DEVICE_CLASSES as readonly string[]).includes(r.class)) throw new Error(`fingerprints.yaml: unknown class ${r.class}`);
      return { ...r, regex: new RegExp(r.match, 'i') };
    });
  }
  return rules;
}

/** Observable strings, each with the fact it came from. */
function observations(facts: readonly Fact[]): { field: Rule['field']; value: string; source: string }[] {
  const out: { field: Rule['field']; value: string; source: string }[] = [];
  for (const f of facts) {
    if (f.type === 'http.response') {
      const d = f.data as unknown as HttpResponseData;
      const src = `http ${f.port}`;
      if (d.server) out.push({ field: 'http.server', value: d.server, source: `${src} Server header` });
      for (const t of [d.title, d.final?.title]) if (t) out.push({ field: 'http.title', value: t, source: `${src} page title` });
      for (const a of [...(d.auth ?? []), ...(d.final?.auth ?? [])]) if (a.realm) out.push({ field: 'http.realm', value: a.realm, source: `${src} auth realm` });
    } else if (f.type === 'rtsp.options' || f.type === 'rtsp.describe') {
      const d = f.data as unknown as Pick<RtspOptionsData, 'server'>;
      if (d.server) out.push({ field: 'rtsp.server', value: d.server, source: `rtsp ${f.port} Server header` });
    } else if (f.type === 'sip.options') {
      const d = f.data as unknown as SipOptionsData;
      for (const v of [d.server, d.userAgent]) if (v) out.push({ field: 'sip.server', value: v, source: `sip ${f.port}/${f.proto} Server header` });
    } else if (f.type === 'ssdp.response') {
      const d = f.data as unknown as SsdpResponseData;
      for (const a of d.answers ?? []) if (a.server) out.push({ field: 'ssdp.server', value: a.server, source: `ssdp ${f.port}/udp SERVER header` });
    } else if (f.type === 'tcp.port') {
      const d = f.data as unknown as TcpPortData;
      if (d.banner) out.push({ field: 'banner', value: d.banner, source: `banner ${f.port}/tcp` });
    }
  }
  return out;
}

export type Identity = Pick<Host, 'class' | 'vendor' | 'model' | 'firmware' | 'sources'>;

export function fingerprint(facts: readonly Fact[], expectedClass?: DeviceClass): Identity {
  const sources: Host['sources'] = [];
  const add = (field: string, raw: string, source: string) => {
    // Devices spell their maker many ways (HIKVISION, Hangzhou Hikvision …): one name per vendor.
    const value = field === 'vendor' ? canonicalVendor(raw) : raw;
    if (!sources.some((s) => s.field === field && s.value === value && s.source === source)) sources.push({ field, value, source });
  };
  // Facts that state identity outright (ONVIF GetDeviceInformation, SNMP sysDescr …) come as `device.identity`.
  for (const f of facts.filter((x) => x.type === 'device.identity')) {
    for (const field of ['class', 'vendor', 'model', 'firmware'] as const) {
      const v = f.data[field];
      if (typeof v === 'string' && v) add(field, v, String(f.data.source ?? f.scanner));
    }
  }
  for (const o of observations(facts)) {
    for (const rule of fingerprintRules()) {
      if (rule.field !== o.field) continue;
      const m = rule.regex.exec(o.value);
      if (!m) continue;
      if (rule.vendor) add('vendor', rule.vendor, o.source);
      if (rule.class && rule.class !== 'unknown') add('class', rule.class, o.source);
      if (m.groups?.model) add('model', m.groups.model, o.source);
      if (m.groups?.firmware) add('firmware', m.groups.firmware, o.source);
    }
  }
  if (expectedClass) add('class', expectedClass, 'inventory (expected class)');
  const first = (field: string) => sources.find((s) => s.field === field)?.value;
  const id: Identity = { class: (first('class') as DeviceClass | undefined) ?? 'unknown', sources };
  const vendor = first('vendor');
  const model = first('model');
  const firmware = first('firmware');
  if (vendor) id.vendor = vendor;
  if (model) id.model = model;
  if (firmware) id.firmware = firmware;
  return id;
}
