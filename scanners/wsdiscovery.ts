/**
 * WS-Discovery (SOAP-over-UDP, port 3702): who answers an ONVIF Probe.
 *
 * Our own prober on `Net.udpCollect` rather than the `onvif` package's: that
 * one sends one multicast probe to a fixed target with the single type
 * NetworkVideoTransmitter (recorders and controllers that only say
 * tds:Device never answer it) and does not check RelatesTo.
 *
 * - Unicast: one Probe per Types filter to every in-scope target, all from
 *   ONE socket with a receive buffer of several MB, listening for the whole
 *   window, so hundreds of simultaneous ProbeMatches are not dropped by the
 *   kernel. The engine calls `discoverHost` once per target at the same
 *   moment; the calls are gathered into one batch per scan.
 * - Multicast: only when the user names an interface (`--interface`): one
 *   Probe per Types filter to 239.255.255.250:3702, TTL 1.
 * Every answer must come from an in-scope address (Net drops the others) and
 * relate to one of our MessageIDs (the others are counted, not used).
 */
import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { Fact } from '../src/core/model.ts';
import type { Net } from '../src/core/net.ts';
import type { HostScanner, ScanContext } from '../src/core/scanner.ts';
import type { ServiceData, WsDiscoveryMatchData, WsDiscoveryProbeData } from '../src/core/facts.ts';
import { UsageError } from '../src/core/errors.ts';
import { oneLine, printable, trimEvidence } from '../src/core/text.ts';
import { at, children, child, textAt, textOf, parseSoap, XmlRejected } from './lib/soap.ts';

const ID = 'wsdiscovery';
export const WSD_PORT = 3702;
export const WSD_GROUP = '239.255.255.250';
const WSA = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const WSD = 'http://schemas.xmlsoap.org/ws/2005/04/discovery';
const DN = 'http://www.onvif.org/ver10/network/wsdl';
const TDS = 'http://www.onvif.org/ver10/device/wsdl';
/** No filter (every target service), cameras, and every ONVIF device (recorders, controllers). */
export const PROBE_TYPES: readonly string[] = ['', 'dn:NetworkVideoTransmitter', 'tds:Device'];
const DATAGRAM_MAX = 64 * 1024;
const MAX_MATCHES_PER_ANSWER = 32;
const DEFAULT_UNICAST_WINDOW_MS = 1000;
/** Devices delay multicast answers up to APP_MAX_DELAY (500 ms) on purpose; wait well past it. */
const DEFAULT_MULTICAST_WINDOW_MS = 3000;

export function probeMessage(messageId: string, types: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="${WSA}" xmlns:d="${WSD}" xmlns:dn="${DN}" xmlns:tds="${TDS}">` +
    `<s:Header><a:Action s:mustUnderstand="1">${WSD}/Probe</a:Action><a:MessageID>${messageId}</a:MessageID>` +
    `<a:ReplyTo><a:Address>${WSA}/role/anonymous</a:Address></a:ReplyTo>` +
    '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>' +
    `<s:Body><d:Probe>${types ? `<d:Types>${types}</d:Types>` : ''}</d:Probe></s:Body></s:Envelope>`
  );
}

export interface ParsedProbeMatch {
  endpoint?: string;
  types: string[];
  scopes: string[];
  xaddrs: string[];
  metadataVersion?: string;
}

export interface ProbeMatches {
  relatesTo?: string;
  action?: string;
  matches: ParsedProbeMatch[];
}

const words = (s: string | undefined, max: number, len = 300) =>
  (s ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, max)
    .map((w) => oneLine(w, len) ?? '')
    .filter(Boolean);

/** Parse one answer datagram (hostile input: the soap.ts guards apply). Throws `XmlRejected`. */
export function parseProbeMatches(data: Buffer | string): ProbeMatches {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const msg = parseSoap(text, { maxBytes: DATAGRAM_MAX });
  const out: ProbeMatches = { matches: [] };
  const relatesTo = textAt(msg.header, 'RelatesTo');
  if (relatesTo) out.relatesTo = relatesTo.trim();
  const actionText = textAt(msg.header, 'Action');
  if (actionText) out.action = actionText.trim();
  if (msg.kind !== 'body' || msg.name !== 'ProbeMatches') return out;
  for (const m of children(msg.body, 'ProbeMatch').slice(0, MAX_MATCHES_PER_ANSWER)) {
    const pm: ParsedProbeMatch = {
      types: words(textAt(m, 'Types'), 16, 100),
      scopes: words(textOf(child(m, 'Scopes')), 32),
      xaddrs: words(textAt(m, 'XAddrs'), 8),
    };
    const endpoint = oneLine(textAt(m, 'EndpointReference', 'Address'), 200);
    if (endpoint) pm.endpoint = endpoint;
    const mv = oneLine(textOf(at(m, 'MetadataVersion')), 20);
    if (mv) pm.metadataVersion = mv;
    out.matches.push(pm);
  }
  return out;
}

/** The onvif:// scopes that name the device (values are URL-encoded). */
export function scopeFields(scopes: readonly string[]): Pick<WsDiscoveryMatchData, 'hardware' | 'name' | 'location'> {
  const out: Pick<WsDiscoveryMatchData, 'hardware' | 'name' | 'location'> = {};
  for (const s of scopes) {
    const m = /^onvif:\/\/www\.onvif\.org\/(hardware|name|location)\/(.+)$/i.exec(s);
    if (!m) continue;
    const key = m[1]!.toLowerCase() as 'hardware' | 'name' | 'location';
    let value = m[2]!;
    try {
      value = decodeURIComponent(value);
    } catch {
      /* keep it encoded */
    }
    const v = oneLine(value, 120);
    if (v && !out[key]) out[key] = v;
  }
  return out;
}

export interface DiscoveryTarget {
  address: string;
  port: number;
}

export interface DiscoveredResponder extends WsDiscoveryMatchData {
  address: string;
  port: number;
  /** ProbeMatch elements received from this address. */
  probeMatches: number;
  /** The first answer, printable and trimmed. */
  evidence: string;
}

export interface DiscoveryReport {
  responders: DiscoveredResponder[];
  /** Every correlated ProbeMatch element received (one responder answers each probe it matches). */
  probeMatches: number;
  datagrams: number;
  /** Answers whose RelatesTo is none of our MessageIDs. */
  uncorrelated: number;
  /** Answers refused by the XML guards or not ProbeMatches. */
  invalid: number;
  outOfScope: number;
  overCap: number;
  sent: number;
  sendErrors: number;
  recvBufferBytes: number;
  windowMs: number;
  elapsedMs: number;
}

export interface DiscoveryOptions {
  targets: readonly DiscoveryTarget[];
  /** Local IPv4 address to send one multicast Probe (per type) from. */
  multicastInterface?: string;
  multicastPort?: number;
  windowMs?: number;
  recvBufferBytes?: number;
  types?: readonly string[];
}

/** Send the probes, collect for the whole window, correlate and merge per responder. */
export async function wsDiscover(net: Net, opts: DiscoveryOptions): Promise<DiscoveryReport> {
  const types = opts.types ?? PROBE_TYPES;
  const sentIds = new Map<string, { types: string; via: 'unicast' | 'multicast' }>();
  const datagrams = [];
  for (const t of opts.targets) {
    for (const ty of types) {
      const id = `urn:uuid:${randomUUID()}`;
      sentIds.set(id, { types: ty, via: 'unicast' });
      datagrams.push({ host: t.address, port: t.port, payload: Buffer.from(probeMessage(id, ty)) });
    }
  }
  if (opts.multicastInterface) {
    for (const ty of types) {
      const id = `urn:uuid:${randomUUID()}`;
      sentIds.set(id, { types: ty, via: 'multicast' });
      datagrams.push({ host: WSD_GROUP, port: opts.multicastPort ?? WSD_PORT, payload: Buffer.from(probeMessage(id, ty)) });
    }
  }
  const windowMs = opts.windowMs ?? (opts.multicastInterface ? DEFAULT_MULTICAST_WINDOW_MS : DEFAULT_UNICAST_WINDOW_MS);
  const started = Date.now();
  const collected = await net.udpCollect(datagrams, {
    windowMs,
    recvBufferBytes: opts.recvBufferBytes ?? 4 * 1024 * 1024,
    ...(opts.multicastInterface ? { multicastInterface: opts.multicastInterface } : {}),
  });
  const report: DiscoveryReport = {
    responders: [],
    probeMatches: 0,
    datagrams: collected.answers.length,
    uncorrelated: 0,
    invalid: 0,
    outOfScope: collected.outOfScope,
    overCap: collected.overCap,
    sent: collected.sent,
    sendErrors: collected.sendErrors,
    recvBufferBytes: collected.recvBufferBytes,
    windowMs,
    elapsedMs: Date.now() - started,
  };
  const byAddress = new Map<string, DiscoveredResponder>();
  for (const answer of collected.answers) {
    let parsed: ProbeMatches;
    try {
      parsed = parseProbeMatches(answer.data);
    } catch (err) {
      if (!(err instanceof XmlRejected)) throw err;
      report.invalid++;
      continue;
    }
    const probe = parsed.relatesTo ? sentIds.get(parsed.relatesTo) : undefined;
    if (!probe) {
      report.uncorrelated++;
      continue;
    }
    if (!parsed.matches.length) {
      report.invalid++;
      continue;
    }
    report.probeMatches += parsed.matches.length;
    let r = byAddress.get(answer.from);
    if (!r) {
      r = { address: answer.from, port: WSD_PORT, types: [], scopes: [], xaddrs: [], via: probe.via, answered: [], probeMatches: 0, evidence: trimEvidence(printable(answer.data, 1200), 1200) ?? '' };
      const target = opts.targets.find((t) => t.address === answer.from);
      if (target) r.port = target.port;
      byAddress.set(answer.from, r);
    }
    r.probeMatches += parsed.matches.length;
    if (probe.via === 'unicast') r.via = 'unicast';
    if (!r.answered.includes(probe.types)) r.answered.push(probe.types);
    for (const m of parsed.matches) {
      if (m.endpoint && !r.endpoint) r.endpoint = m.endpoint;
      if (m.metadataVersion && !r.metadataVersion) r.metadataVersion = m.metadataVersion;
      for (const [list, add] of [
        [r.types, m.types],
        [r.scopes, m.scopes],
        [r.xaddrs, m.xaddrs],
      ] as const) {
        for (const v of add) if (!list.includes(v) && list.length < 32) list.push(v);
      }
    }
    Object.assign(r, scopeFields(r.scopes));
  }
  report.responders = [...byAddress.values()].sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }));
  return report;
}

/** An interface name (eth0) or a local IPv4 address → the local IPv4 address to send multicast from. */
export function resolveInterface(spec: string): string {
  const all = networkInterfaces();
  const v4 = Object.entries(all).flatMap(([name, list]) => (list ?? []).filter((a) => a.family === 'IPv4').map((a) => ({ name, address: a.address })));
  const byAddress = v4.find((a) => a.address === spec);
  if (byAddress) return byAddress.address;
  const byName = v4.find((a) => a.name === spec);
  if (byName) return byName.address;
  throw new UsageError(`--interface ${spec}: no such local interface or IPv4 address (known: ${v4.map((a) => `${a.name} ${a.address}`).join(', ') || 'none'})`);
}

function responderFacts(r: DiscoveredResponder, windowMs: number, probed: boolean): Fact[] {
  const service = { port: r.port, proto: 'udp' as const };
  const match: WsDiscoveryMatchData = { types: r.types, scopes: r.scopes, xaddrs: r.xaddrs, via: r.via, answered: r.answered };
  for (const k of ['endpoint', 'metadataVersion', 'hardware', 'name', 'location'] as const) if (r[k]) match[k] = r[k];
  const facts: Fact[] = [
    { type: 'service', host: r.address, ...service, scanner: ID, data: { kind: 'ws-discovery', tls: false, via: 'probe' } satisfies ServiceData },
    { type: 'wsdiscovery.match', host: r.address, ...service, scanner: ID, data: { ...match }, evidence: { sent: `WS-Discovery Probe (${r.answered.map((t) => t || 'no Types filter').join('; ')}) via ${r.via}`, received: r.evidence } },
  ];
  if (probed) facts.push({ type: 'wsdiscovery.probe', host: r.address, ...service, scanner: ID, data: { answered: true, matches: r.probeMatches, windowMs } satisfies WsDiscoveryProbeData });
  return facts;
}

// ——— the engine side: one batch per scan ———

interface Pending {
  target: DiscoveryTarget;
  resolve: (facts: Fact[]) => void;
  reject: (err: unknown) => void;
}

interface ScanState {
  batch?: Pending[];
  timer?: NodeJS.Timeout;
  multicastDone: boolean;
  /** Multicast responders that were not targets, for `extraHosts`. */
  extra: Map<string, Fact[]>;
}

const states = new WeakMap<Net, ScanState>();
/** The engine asks every target in the same tick; this gathers them into one batch. */
const GATHER_MS = 5;
/** Targets per socket: a /16 becomes 64 sockets of 1024 targets, not one burst of 196 608 probes. */
const MAX_BATCH = 1024;

interface WsDiscoveryParams {
  windowMs?: number;
  /** Targets per socket (default 1024). */
  maxBatch?: number;
  multicastWindowMs?: number;
  recvBufferBytes?: number;
}

function settings(ctx: ScanContext): WsDiscoveryParams & { multicastInterface?: string } {
  const p = (ctx.params.wsdiscovery ?? {}) as WsDiscoveryParams;
  const out: WsDiscoveryParams & { multicastInterface?: string } = {};
  if (typeof p.windowMs === 'number') out.windowMs = p.windowMs;
  if (typeof p.multicastWindowMs === 'number') out.multicastWindowMs = p.multicastWindowMs;
  if (typeof p.recvBufferBytes === 'number') out.recvBufferBytes = p.recvBufferBytes;
  if (typeof ctx.params.interface === 'string' && ctx.params.interface) out.multicastInterface = resolveInterface(ctx.params.interface);
  return out;
}

/** Never rejects: every pending target is resolved or rejected, whatever happens. */
async function flush(ctx: ScanContext, st: ScanState): Promise<void> {
  const batch = st.batch ?? [];
  st.batch = undefined;
  clearTimeout(st.timer);
  let s: ReturnType<typeof settings>;
  let report: DiscoveryReport;
  let windowMs: number;
  try {
    s = settings(ctx);
    const multicast = s.multicastInterface && !st.multicastDone ? s.multicastInterface : undefined;
    if (multicast) st.multicastDone = true;
    windowMs = multicast ? (s.multicastWindowMs ?? DEFAULT_MULTICAST_WINDOW_MS) : (s.windowMs ?? DEFAULT_UNICAST_WINDOW_MS);
    report = await wsDiscover(ctx.net, {
      targets: batch.map((p) => p.target),
      windowMs,
      ...(multicast ? { multicastInterface: multicast } : {}),
      ...(s.recvBufferBytes ? { recvBufferBytes: s.recvBufferBytes } : {}),
    });
  } catch (err) {
    for (const p of batch) p.reject(err);
    return;
  }
  const byAddress = new Map(report.responders.map((r) => [r.address, r]));
  for (const p of batch) {
    const r = byAddress.get(p.target.address);
    byAddress.delete(p.target.address);
    if (r) p.resolve(responderFacts(r, windowMs, true));
    else {
      p.resolve([
        { type: 'wsdiscovery.probe', host: p.target.address, port: p.target.port, proto: 'udp', scanner: ID, data: { answered: false, matches: 0, windowMs } satisfies WsDiscoveryProbeData },
      ]);
    }
  }
  // Responders that were not in this batch (multicast answers from other in-scope addresses).
  for (const r of byAddress.values()) st.extra.set(r.address, responderFacts(r, windowMs, false));
  const asked = s.recvBufferBytes ?? 4 * 1024 * 1024;
  if (report.recvBufferBytes < asked && batch[0]) {
    // Linux doubles what it grants; less than asked means net.core.rmem_max capped it.
    ctx.warn(batch[0].target.address, ID, `WS-Discovery receive buffer capped at ${report.recvBufferBytes} bytes (asked ${asked}): raise net.core.rmem_max, or answers of a large site may be dropped by the kernel`, { code: 'ERCVBUF' });
  }
  if (report.uncorrelated || report.invalid || report.overCap) {
    const first = batch[0]?.target.address;
    if (first) {
      ctx.warn(first, ID, `WS-Discovery: ${report.uncorrelated} uncorrelated, ${report.invalid} invalid and ${report.overCap} over-cap answers ignored (of ${report.datagrams})`, { code: 'EWSD' });
    }
  }
}

export const wsDiscoveryScanner: HostScanner = {
  id: ID,
  description: 'WS-Discovery Probe (unicast to every target; multicast on --interface): who answers as an ONVIF device',
  discoverHost(ctx, address, udpPorts) {
    let st = states.get(ctx.net);
    if (!st) states.set(ctx.net, (st = { multicastDone: false, extra: new Map() }));
    const state = st;
    return new Promise<Fact[]>((resolve, reject) => {
      try {
        ctx.net.assertInScope(address);
      } catch (err) {
        reject(err);
        return;
      }
      const wanted = (ctx.params.wsdiscovery as WsDiscoveryParams | undefined)?.maxBatch;
      const maxBatch = typeof wanted === 'number' && wanted >= 1 ? wanted : MAX_BATCH;
      const facts: Fact[] = [];
      let left = udpPorts.length;
      if (!left) return resolve([]);
      for (const port of udpPorts) {
        // A full batch leaves at once (flush takes it synchronously); the next target starts another.
        if (state.batch && state.batch.length >= maxBatch) void flush(ctx, state);
        if (!state.batch) {
          state.batch = [];
          state.timer = setTimeout(() => void flush(ctx, state), GATHER_MS);
        }
        state.batch.push({
          target: { address, port },
          resolve: (f) => {
            facts.push(...f);
            if (--left === 0) resolve(facts);
          },
          reject,
        });
      }
    });
  },
  async collectHost() {
    // Everything is learnt at discovery; the ONVIF scanner reads the XAddrs from the facts.
    return [];
  },
  /** Multicast responders that were not targets (the engine adds those in scope as hosts). */
  async extraHosts(ctx) {
    const st = states.get(ctx.net);
    if (!st) return [];
    const out = [...st.extra].map(([address, facts]) => ({ address, facts }));
    st.extra.clear();
    return out;
  },
};
