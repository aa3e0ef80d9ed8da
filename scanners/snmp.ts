/**
 * SNMP over UDP: found by its own probe (the TCP discovery cannot see it),
 * then audited once per host:
 *   - v1/v2c communities from `profiles/snmp-communities.yaml` (plus those the
 *     site supplies, which are secrets and never printed), with a random
 *     control community so an agent that accepts anything is told apart;
 *   - write access WITHOUT writing: a SET of sysContact.0 with a mistyped value
 *     (RFC 3416 §4.2.5 checks access before type), read before and after;
 *   - SNMPv3 engine discovery (its Report is never taken for a v1/v2c answer),
 *     user names at noAuthNoPriv, and the site's authPriv SHA/AES accounts;
 *   - the system group, a bounded IF-MIB walk, and one GETNEXT per sensitive
 *     table, for fingerprinting and the switch checks.
 * Every datagram goes through `ctx.net` (scope, per-host slot) at a few
 * packets per second per device; retries are bounded. See docs/architecture.md.
 */
import { randomBytes } from 'node:crypto';
import type { Fact, Evidence, Service } from '../src/core/model.ts';
import type { HostScanner, HostState, ScanContext } from '../src/core/scanner.ts';
import type { Net } from '../src/core/net.ts';
import { redact, type AttemptOutcome, type Credential, type CredentialProtocol } from '../src/core/credentials.ts';
import { oneLine, trimEvidence } from '../src/core/text.ts';
import type {
  DeviceIdentityData,
  ServiceData,
  SnmpCommunityData,
  SnmpDiscoveryData,
  SnmpInterface,
  SnmpInterfacesData,
  SnmpMibExposureData,
  SnmpProbeData,
  SnmpSystemData,
  SnmpV3EngineData,
  SnmpV3Level,
  SnmpV3UserData,
  SnmpWriteProbeData,
} from '../src/core/facts.ts';
import { SnmpClient, USM_STATS, type Engine, type V3Credential, type V3Result } from './lib/snmp-client.ts';
import {
  MSG_FLAGS,
  PDU,
  decodeMessage,
  describeMessage,
  encodeCommunityMessage,
  encodeV3Message,
  encodeValue,
  errorStatusName,
  isException,
  valueText,
  type CommunityVersion,
  type Pdu,
  type VarBind,
  type VarValue,
} from './lib/snmp-message.ts';
import { engineEnterprise, isAuthProtocol, isPrivProtocol } from './lib/snmp-usm.ts';
import { enterpriseOf, snmpDictionary, snmpEnterprises } from './lib/snmp-data.ts';

export const SNMP_SCANNER = 'snmp';

export const SYS = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysContact: '1.3.6.1.2.1.1.4.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  sysLocation: '1.3.6.1.2.1.1.6.0',
  sysServices: '1.3.6.1.2.1.1.7.0',
  ifNumber: '1.3.6.1.2.1.2.1.0',
} as const;

const IF_COLUMNS = [
  { key: 'descr', oid: '1.3.6.1.2.1.2.2.1.2' },
  { key: 'type', oid: '1.3.6.1.2.1.2.2.1.3' },
  { key: 'adminStatus', oid: '1.3.6.1.2.1.2.2.1.7' },
  { key: 'operStatus', oid: '1.3.6.1.2.1.2.2.1.8' },
  { key: 'name', oid: '1.3.6.1.2.1.31.1.1.1.1' },
  { key: 'alias', oid: '1.3.6.1.2.1.31.1.1.1.18' },
] as const;

/**
 * Tables beyond system/interfaces that a default community should never
 * read: they map the network (ARP, routes, bridge table, connections), list
 * processes and their arguments, or the SNMP configuration itself.
 */
export const SENSITIVE_SUBTREES = [
  { name: 'ipNetToMediaTable (ARP cache)', oid: '1.3.6.1.2.1.4.22' },
  { name: 'ipRouteTable (routes)', oid: '1.3.6.1.2.1.4.21' },
  { name: 'inetCidrRouteTable (routes)', oid: '1.3.6.1.2.1.4.24.7' },
  { name: 'dot1dTpFdbTable (bridge forwarding table)', oid: '1.3.6.1.2.1.17.4.3' },
  { name: 'tcpConnTable (TCP connections)', oid: '1.3.6.1.2.1.6.13' },
  { name: 'hrSWRunTable (running processes)', oid: '1.3.6.1.2.1.25.4.2' },
  { name: 'snmpCommunityTable (SNMP communities)', oid: '1.3.6.1.6.3.18.1.1' },
  { name: 'usmUserTable (SNMPv3 users)', oid: '1.3.6.1.6.3.15.1.2.2' },
  { name: 'vacmAccessTable (SNMP access rights)', oid: '1.3.6.1.6.3.16.1.4' },
] as const;

/** Interface types counted as switch ports: ethernetCsmacd, iso88023Csmacd, fastEther, fastEtherFX, gigabitEthernet. */
const ETHERNET_TYPES = new Set([6, 7, 62, 69, 117]);
const MIN_PORTS_FOR_SWITCH = 8;

const READ_ONLY_ANSWERS = new Set(['noAccess', 'authorizationError', 'notWritable', 'readOnly', 'noSuchName']);

interface Settings {
  spacingMs: number;
  timeoutMs: number;
  retries: number;
  writeProbe: boolean;
  maxInterfaces: number;
  discoverTimeoutMs: number;
  budgetMs: number;
  siteCommunities: string[];
  v3: V3Credential[];
}

const num = (v: unknown, d: number, min: number, max: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : d);

/** Scanner parameters: `scanners.snmp` in the profile, `snmpCommunities` / `snmpV3` from the site. */
export function snmpSettings(ctx: ScanContext): Settings {
  const p = (ctx.params.snmp ?? {}) as Record<string, unknown>;
  const rate = num(p.rate, 5, 0.5, 100); // packets per second per device
  const site = Array.isArray(ctx.params.snmpCommunities) ? ctx.params.snmpCommunities.filter((c): c is string => typeof c === 'string' && c.length > 0) : [];
  const v3: V3Credential[] = [];
  for (const raw of Array.isArray(ctx.params.snmpV3) ? ctx.params.snmpV3 : []) {
    const o = raw as Record<string, unknown>;
    if (typeof o?.user !== 'string' || !o.user) continue;
    const cred: V3Credential = { user: o.user };
    const auth = typeof o.authProtocol === 'string' ? o.authProtocol.toLowerCase().replace(/-/g, '') : undefined;
    const priv = typeof o.privProtocol === 'string' ? o.privProtocol.toLowerCase().replace(/-?128$/, '') : undefined;
    if (isAuthProtocol(auth) && typeof o.authKey === 'string') {
      cred.authProtocol = auth;
      cred.authKey = o.authKey;
      if (isPrivProtocol(priv) && typeof o.privKey === 'string') {
        cred.privProtocol = priv;
        cred.privKey = o.privKey;
      }
    }
    v3.push(cred);
  }
  return {
    spacingMs: Math.round(1000 / rate),
    timeoutMs: num(p.timeoutMs, 1500, 100, 10_000),
    retries: num(p.retries, 1, 0, 3),
    writeProbe: p.writeProbe !== false,
    maxInterfaces: num(p.maxInterfaces, 256, 1, 4096),
    discoverTimeoutMs: num(p.discoverTimeoutMs, 1000, 100, 10_000),
    budgetMs: num(p.budgetMs, 15_000, 1000, 120_000),
    siteCommunities: site,
    v3,
  };
}

/** Devices whose sysContact.0 changed under the write probe: never probed again in this run (one Net per run). */
const writeBlocked = new WeakMap<Net, Set<string>>();

function blockedSet(net: Net): Set<string> {
  let s = writeBlocked.get(net);
  if (!s) {
    s = new Set();
    writeBlocked.set(net, s);
  }
  return s;
}

interface Candidate {
  /** What facts and findings may show. */
  label: string;
  value: Buffer;
  default: boolean;
  control: boolean;
  source?: string;
}

type Requester = (type: number, varbinds: VarBind[], bulk?: { nonRepeaters: number; maxRepetitions: number }) => Promise<Pdu | undefined>;

const nullBind = (oid: string): VarBind => ({ oid, value: { type: 'null' } });

function oidCompare(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function sameValue(a: VarValue, b: VarValue): boolean {
  return encodeValue(a).equals(encodeValue(b));
}

function text(v: VarValue | undefined): string | undefined {
  if (!v || isException(v) || v.type === 'null') return undefined;
  return valueText(v, 256);
}

function numeric(v: VarValue | undefined): number | undefined {
  if (!v) return undefined;
  if (v.type === 'integer' || v.type === 'counter32' || v.type === 'gauge32' || v.type === 'timeTicks') return v.value;
  return undefined;
}

/** Evidence with every site secret removed, trimmed. */
function evidence(secrets: readonly string[], sent: string, received: Buffer | string | undefined, note?: string): Evidence {
  let r: string | undefined;
  if (Buffer.isBuffer(received)) {
    try {
      r = describeMessage(decodeMessage(received));
    } catch {
      r = `${received.length} bytes, not valid SNMP`;
    }
  } else r = received;
  const e: Evidence = { sent: trimEvidence(redact(sent, secrets), 512)! };
  if (r !== undefined) e.received = trimEvidence(redact(r, secrets), 1024)!;
  if (note) e.note = note;
  return e;
}

/** Read the system group (and ifNumber); v1 agents drop the whole PDU for one missing object, so retry without it. */
async function readSystem(req: Requester): Promise<{ values: Partial<Record<keyof typeof SYS, VarValue>>; pdu?: Pdu }> {
  const values: Partial<Record<keyof typeof SYS, VarValue>> = {};
  let keys = Object.keys(SYS) as (keyof typeof SYS)[];
  let last: Pdu | undefined;
  for (let attempt = 0; attempt < 4 && keys.length; attempt++) {
    const pdu = await req(PDU.get, keys.map((k) => nullBind(SYS[k])));
    if (!pdu) break;
    last = pdu;
    if (pdu.errorStatus === 2 && pdu.errorIndex >= 1 && pdu.errorIndex <= keys.length) {
      keys = keys.filter((_, i) => i !== pdu.errorIndex - 1);
      continue;
    }
    if (pdu.errorStatus !== 0) break;
    for (const vb of pdu.varbinds) {
      const k = keys.find((key) => SYS[key] === vb.oid);
      if (k && !isException(vb.value)) values[k] = vb.value;
    }
    break;
  }
  return last ? { values, pdu: last } : { values };
}

/** Walk table columns together (GETBULK on v2c/v3, GETNEXT on v1), bounded in rows, requests and time. */
async function walkColumns(
  req: Requester,
  bulk: boolean,
  columns: readonly { key: string; oid: string }[],
  maxRows: number,
  deadline: number,
): Promise<{ rows: Map<string, Record<string, VarValue>>; truncated: boolean; requests: number }> {
  const rows = new Map<string, Record<string, VarValue>>();
  const cursors = columns.map((c) => ({ ...c, last: c.oid, done: false }));
  let requests = 0;
  let truncated = false;
  let repetitions = 16;
  const maxRequests = Math.ceil(maxRows / 2) + 8;
  for (;;) {
    const active = cursors.filter((c) => !c.done);
    if (!active.length) break;
    if (requests >= maxRequests || Date.now() > deadline) {
      truncated = true;
      break;
    }
    requests++;
    const pdu = await req(bulk ? PDU.getBulk : PDU.getNext, active.map((c) => nullBind(c.last)), bulk ? { nonRepeaters: 0, maxRepetitions: repetitions } : undefined);
    if (!pdu) {
      truncated = true;
      break;
    }
    if (pdu.errorStatus === 2 && !bulk && pdu.errorIndex >= 1 && pdu.errorIndex <= active.length) {
      active[pdu.errorIndex - 1]!.done = true; // v1: that column ran past the end of the MIB view
      continue;
    }
    if (pdu.errorStatus === 1 && bulk && repetitions > 1) {
      repetitions = Math.max(1, Math.floor(repetitions / 2)); // tooBig: ask for less
      continue;
    }
    if (pdu.errorStatus !== 0 || !pdu.varbinds.length) {
      truncated = pdu.errorStatus !== 0;
      break;
    }
    let progressed = false;
    for (const [i, vb] of pdu.varbinds.entries()) {
      const col = active[i % active.length]!;
      if (col.done) continue;
      if (isException(vb.value) || !vb.oid.startsWith(`${col.oid}.`) || oidCompare(vb.oid, col.last) <= 0) {
        col.done = true;
        continue;
      }
      const index = vb.oid.slice(col.oid.length + 1);
      if (!rows.has(index)) {
        if (rows.size >= maxRows) {
          truncated = true;
          col.done = true;
          continue;
        }
        rows.set(index, {});
      }
      rows.get(index)![col.key] = vb.value;
      col.last = vb.oid;
      progressed = true;
    }
    if (!progressed) break;
  }
  return { rows, truncated, requests };
}

function interfacesFrom(rows: Map<string, Record<string, VarValue>>): SnmpInterface[] {
  const out: SnmpInterface[] = [];
  for (const [index, r] of rows) {
    if (!/^\d+$/.test(index)) continue;
    const i: SnmpInterface = { index: Number(index) };
    const d = oneLine(text(r.descr), 120);
    const n = oneLine(text(r.name), 120);
    const a = oneLine(text(r.alias), 120);
    if (d) i.descr = d;
    if (n) i.name = n;
    if (a) i.alias = a;
    const t = numeric(r.type);
    const adm = numeric(r.adminStatus);
    const op = numeric(r.operStatus);
    if (t !== undefined) i.type = t;
    if (adm !== undefined) i.adminStatus = adm;
    if (op !== undefined) i.operStatus = op;
    out.push(i);
  }
  return out.sort((a, b) => a.index - b.index);
}

/** One GETNEXT per sensitive subtree root (one request for all on v2c; one each on v1, where an end of view fails the whole PDU). */
async function probeExposure(req: Requester, v1: boolean): Promise<{ name: string; oid: string; readable: boolean }[] | undefined> {
  const readable = new Map<string, boolean>();
  const judge = (root: string, vb: VarBind | undefined) => !!vb && !isException(vb.value) && vb.oid.startsWith(`${root}.`);
  if (!v1) {
    const pdu = await req(PDU.getNext, SENSITIVE_SUBTREES.map((s) => nullBind(s.oid)));
    if (!pdu || pdu.errorStatus !== 0) return undefined;
    SENSITIVE_SUBTREES.forEach((s, i) => readable.set(s.oid, judge(s.oid, pdu.varbinds[i])));
  } else {
    for (const s of SENSITIVE_SUBTREES) {
      const pdu = await req(PDU.getNext, [nullBind(s.oid)]);
      if (!pdu) return undefined;
      readable.set(s.oid, pdu.errorStatus === 0 && judge(s.oid, pdu.varbinds[0]));
    }
  }
  return SENSITIVE_SUBTREES.map((s) => ({ name: s.name, oid: s.oid, readable: readable.get(s.oid) ?? false }));
}

function reportResult(oid: string): SnmpV3UserData['result'] {
  switch (oid) {
    case USM_STATS.unknownUserNames:
      return 'unknown-user';
    case USM_STATS.unsupportedSecLevels:
      return 'unsupported-level';
    case USM_STATS.wrongDigests:
      return 'wrong-digest';
    case USM_STATS.decryptionErrors:
      return 'decryption-error';
    case USM_STATS.notInTimeWindows:
      return 'not-in-time-window';
    default:
      return 'error';
  }
}

/** A v3 request, resynchronising once on a notInTimeWindows Report. */
async function v3Request(client: SnmpClient, cred: V3Credential, level: SnmpV3Level, engine: { current: Engine }, type: number, varbinds: VarBind[], bulk?: { nonRepeaters: number; maxRepetitions: number }): Promise<V3Result> {
  let r = await client.v3(cred, level, engine.current, type, varbinds, bulk);
  if (r.kind === 'report' && r.oid === USM_STATS.notInTimeWindows && r.engine) {
    engine.current = r.engine;
    r = await client.v3(cred, level, engine.current, type, varbinds, bulk);
  }
  return r;
}

function discoveryPayloads(): { v3: Buffer; v3MsgId: number; v2c: Buffer; v2cRequestId: number } {
  const v3MsgId = randomBytes(4).readUInt32BE(0) & 0x7fffffff;
  const v2cRequestId = randomBytes(4).readUInt32BE(0) & 0x7fffffff;
  const empty = Buffer.alloc(0);
  const v3 = encodeV3Message({
    msgId: v3MsgId,
    maxSize: 65507,
    flags: MSG_FLAGS.reportable,
    usm: { engineId: empty, engineBoots: 0, engineTime: 0, userName: empty, authParams: empty, privParams: empty },
    data: { scoped: { contextEngineId: empty, contextName: empty, pdu: { type: PDU.get, requestId: v3MsgId, errorStatus: 0, errorIndex: 0, varbinds: [] } } },
  });
  const v2c = encodeCommunityMessage('v2c', 'public', { type: PDU.get, requestId: v2cRequestId, errorStatus: 0, errorIndex: 0, varbinds: [nullBind(SYS.sysObjectID)] });
  return { v3, v3MsgId, v2c, v2cRequestId };
}

/** Discover phase: two datagrams per port (v3 engine discovery, v2c GET with `public`), one short wait. */
async function discoverHost(ctx: ScanContext, address: string, ports: readonly number[]): Promise<Fact[]> {
  const s = snmpSettings(ctx);
  const facts: Fact[] = [];
  for (const port of ports) {
    await ctx.net.withUdp(address, port, { maxBytes: 64 * 1024, maxDatagrams: 16, connect: true }, async (u) => {
      const client = new SnmpClient(u, { spacingMs: 0, timeoutMs: s.discoverTimeoutMs, retries: 0, signal: ctx.signal });
      const p = discoveryPayloads();
      await client.send(p.v3);
      await client.send(p.v2c);
      const seen: SnmpDiscoveryData = { v3: false, v2cPublic: false };
      let raw: Buffer | undefined;
      const deadline = Date.now() + s.discoverTimeoutMs;
      while (!(seen.v3 && seen.v2cPublic)) {
        const got = await client.receive(deadline, (m) => {
          if (m.version === 3) return m.msgId === p.v3MsgId && m.usm && m.usm.engineId.length > 0 && m.scoped?.pdu.type === PDU.report ? 'v3' : undefined;
          return m.version === 1 && m.pdu.type === PDU.response && m.pdu.requestId === p.v2cRequestId ? 'v2c' : undefined;
        });
        if (!got) break;
        if (got.value === 'v3') seen.v3 = true;
        else seen.v2cPublic = true;
        raw ??= got.raw;
      }
      if (seen.v3 || seen.v2cPublic) {
        facts.push({ type: 'service', host: address, port, proto: 'udp', scanner: SNMP_SCANNER, data: { kind: 'snmp', tls: false, via: 'probe' } satisfies ServiceData });
        facts.push({
          type: 'snmp.discovery',
          host: address,
          port,
          proto: 'udp',
          scanner: SNMP_SCANNER,
          data: { ...seen },
          evidence: evidence([], 'SNMPv3 engine discovery (empty user, reportable) and SNMPv2c GetRequest sysObjectID.0 with community "public"', raw),
        });
      } else if (client.malformed) {
        ctx.warn(address, SNMP_SCANNER, `udp/${port} answered ${client.malformed} datagram(s) that are not valid SNMP (${client.firstMalformed})`, { port, code: 'EBER' });
      }
    });
  }
  return facts;
}

interface Audit {
  facts: Fact[];
  add(type: string, data: object, ev?: Evidence): void;
}

async function auditPort(ctx: ScanContext, host: HostState, port: number, s: Settings): Promise<Fact[]> {
  const address = host.address;
  const secrets = [...s.siteCommunities, ...s.v3.flatMap((c) => [c.authKey ?? '', c.privKey ?? ''])];
  const audit: Audit = {
    facts: [],
    add(type, data, ev) {
      const f: Fact = { type, host: address, port, proto: 'udp', scanner: SNMP_SCANNER, data: data as Record<string, unknown> };
      if (ev) f.evidence = ev;
      this.facts.push(f);
    },
  };
  const discoveryFact = host.facts.find((f) => f.type === 'snmp.discovery' && f.port === port);
  const discovered = discoveryFact?.data as SnmpDiscoveryData | undefined;
  const dict = snmpDictionary();
  const probe: SnmpProbeData = {
    defaultsTried: [],
    siteCommunitiesTried: 0,
    versionsTried: [],
    accepted: 0,
    anyCommunity: false,
    v3: false,
    malformed: 0,
    writeProbe: 'no-community',
  };

  if (ctx.mode === 'passive') {
    // Passive: no dictionary, no SET; only what the discovery probe already saw.
    probe.writeProbe = 'passive-mode';
    if (discovered?.v2cPublic) {
      probe.defaultsTried = ['public'];
      probe.versionsTried = ['v2c'];
      probe.accepted = 1;
      const entry = dict.communities.find((c) => c.name === 'public');
      audit.add('snmp.community', { community: 'public', default: true, ...(entry ? { source: entry.source } : {}), versions: ['v2c'], anyCommunity: false } satisfies SnmpCommunityData, discoveryFact?.evidence);
    }
    probe.v3 = !!discovered?.v3;
    if (discovered) audit.add('snmp.probe', probe);
    return audit.facts;
  }

  const started = Date.now();
  const deadline = started + s.budgetMs;
  const late = () => Date.now() > deadline;

  let closedPort = false;
  await ctx.net.withUdp(address, port, { maxBytes: 4 * 1024 * 1024, maxDatagrams: 4096, connect: true }, async (u) => {
    const client = new SnmpClient(u, { spacingMs: s.spacingMs, timeoutMs: s.timeoutMs, retries: s.retries, signal: ctx.signal });

    // 1. SNMPv3 engine discovery: a Report here is v3, never a community answer.
    // Sent first and read after the community sweep, so that its time-out runs during the sweep instead of before it.
    const discovery = await client.sendEngineDiscovery();
    const discoveryRetries = discovered?.v3 ? s.retries : 0;

    // 2. Communities: dictionary, then the site's, then a random control name.
    const candidates: Candidate[] = [
      ...dict.communities.map((c) => ({ label: c.name, value: Buffer.from(c.name, 'utf8'), default: true, control: false, source: c.source })),
      ...s.siteCommunities.map((c, i) => ({ label: `site community #${i + 1}`, value: Buffer.from(c, 'utf8'), default: false, control: false })),
      { label: 'random control community', value: Buffer.from(`vigie-${randomBytes(8).toString('hex')}`), default: false, control: true },
    ];
    probe.defaultsTried = dict.communities.map((c) => c.name);
    probe.siteCommunitiesTried = s.siteCommunities.length;
    const accepted = new Map<number, { versions: Set<CommunityVersion>; raw: Buffer; sent: string }>();
    const describeSent = (c: Candidate, v: CommunityVersion) =>
      `SNMP${v} GetRequest sysDescr.0 with ${c.default ? `community "${c.label}"` : c.control ? 'a random control community' : `a site-supplied community (${c.label})`}`;
    /** Only data counts: an agent must not be credited for an error answer. */
    const hasData = (ex: { pdu: { errorStatus: number; varbinds: { value: VarValue }[] } }) => ex.pdu.errorStatus === 0 && !!ex.pdu.varbinds[0] && !isException(ex.pdu.varbinds[0].value);
    const runSweep = async (version: CommunityVersion, which: number[], retry?: Parameters<SnmpClient['sweep']>[2]) => {
      if (!probe.versionsTried.includes(version)) probe.versionsTried.push(version);
      const answers = await client.sweep(
        which.map((i) => ({ version, community: candidates[i]!.value })),
        [nullBind(SYS.sysDescr)],
        retry,
      );
      for (const [k, ex] of answers) {
        const i = which[k]!;
        if (!hasData(ex)) continue;
        const a = accepted.get(i) ?? { versions: new Set<CommunityVersion>(), raw: ex.raw, sent: describeSent(candidates[i]!, version) };
        a.versions.add(version);
        accepted.set(i, a);
      }
    };
    const all = candidates.map((_, i) => i);
    // Retry the silent names only where v1/v2c is known to answer (a lost datagram, a rate-limited agent).
    const retrySilent = s.retries > 0 ? { when: (answers: ReadonlyMap<number, { pdu: Pdu }>) => (!!discovered?.v2cPublic || [...answers.values()].some((ex) => hasData(ex))) && !late() } : undefined;
    await runSweep('v2c', all, retrySilent);

    const disc = await client.awaitEngineDiscovery(discovery, discoveryRetries);
    if (client.refused) {
      closedPort = true; // ICMP port-unreachable: nothing listens on this port
      return;
    }
    const engine = disc ? { current: disc.engine } : undefined;
    if (disc) {
      probe.v3 = true;
      const enterprise = engineEnterprise(disc.engine.engineId);
      const entry = enterprise !== undefined ? snmpEnterprises().table.get(enterprise) : undefined;
      const data: SnmpV3EngineData = { engineId: disc.engine.engineId.toString('hex'), engineBoots: disc.engine.boots, engineTime: disc.engine.time };
      if (enterprise !== undefined) data.enterprise = enterprise;
      if (entry?.vendor) data.vendor = entry.vendor;
      audit.add('snmp.v3-engine', data, evidence([], 'SNMPv3 GetRequest, empty user and engine ID, reportable (RFC 3414 §4 discovery)', disc.raw, 'a Report PDU (usmStatsUnknownEngineIDs) proves an SNMPv3 engine; it is not a v1/v2c answer'));
    }
    const alive = () => !!discovered || !!disc || accepted.size > 0;
    // v1: confirm for the communities that answered; sweep only when v2c found none on a live agent.
    if (accepted.size) {
      for (const i of [...accepted.keys()].filter((k) => !candidates[k]!.control)) {
        if (late()) break;
        if (!probe.versionsTried.includes('v1')) probe.versionsTried.push('v1');
        const ex = await client.community('v1', candidates[i]!.value, PDU.get, [nullBind(SYS.sysDescr)], undefined, 0);
        if (ex && ex.pdu.errorStatus === 0 && ex.pdu.varbinds[0] && !isException(ex.pdu.varbinds[0].value)) accepted.get(i)!.versions.add('v1');
      }
    } else if (alive() && !late()) {
      await runSweep('v1', all);
    }
    const control = candidates.findIndex((c) => c.control);
    probe.anyCommunity = accepted.has(control);
    const real = [...accepted.keys()].filter((i) => !candidates[i]!.control).sort((a, b) => a - b);
    probe.accepted = real.length;
    for (const i of real) {
      const c = candidates[i]!;
      const a = accepted.get(i)!;
      const data: SnmpCommunityData = { community: c.label, default: c.default, versions: (['v2c', 'v1'] as const).filter((v) => a.versions.has(v)), anyCommunity: probe.anyCommunity };
      if (c.source) data.source = c.source;
      audit.add('snmp.community', data, evidence(secrets, a.sent, a.raw, probe.anyCommunity ? 'the agent also answered a random control community: it checks no community at all' : undefined));
    }
    if (probe.anyCommunity && !real.length) {
      // Nothing from the dictionary answered but the random name did (a flaky agent): still an open door.
      const a = accepted.get(control)!;
      audit.add('snmp.community', { community: 'any community', default: true, versions: (['v2c', 'v1'] as const).filter((v) => a.versions.has(v)), anyCommunity: true } satisfies SnmpCommunityData, evidence(secrets, a.sent, a.raw));
    }

    // 3. A reader: the first community that answered (dictionary order, then the site's), v2c first.
    const readers: { label: string; req: Requester; bulk: boolean; v1: boolean }[] = [];
    const order = real.length ? real : probe.anyCommunity ? [control] : [];
    for (const i of order) {
      const a = accepted.get(i)!;
      const version: CommunityVersion = a.versions.has('v2c') ? 'v2c' : 'v1';
      const c = candidates[i]!;
      readers.push({
        label: c.default || c.control ? `community "${c.control ? 'any' : c.label}" (${version})` : `${c.label} (${version})`,
        req: async (type, vbs, bulk) => (await client.community(version, c.value, type, vbs, bulk))?.pdu,
        bulk: version === 'v2c',
        v1: version === 'v1',
      });
    }

    // 4. Write access without writing.
    const blocked = blockedSet(ctx.net);
    if (!order.length) probe.writeProbe = 'no-community';
    else if (!s.writeProbe) probe.writeProbe = 'disabled';
    else if (blocked.has(address)) probe.writeProbe = 'blocked';
    else {
      probe.writeProbe = 'done';
      for (const i of order.slice(0, 8)) {
        if (late() || blocked.has(address)) break;
        const c = candidates[i]!;
        const version: CommunityVersion = accepted.get(i)!.versions.has('v2c') ? 'v2c' : 'v1';
        const w = await writeProbe(ctx, address, client, c, version, secrets);
        audit.add('snmp.write-probe', w.data, w.evidence);
        if (w.data.verdict === 'changed') {
          blocked.add(address);
          break;
        }
      }
    }

    // 5. SNMPv3 users: dictionary names at noAuthNoPriv, then the site's accounts.
    const v3Readers: typeof readers = [];
    const unauthenticatedReaders: typeof readers = [];
    if (engine) {
      const get = [nullBind(SYS.sysDescr)];
      const tryUser = async (cred: V3Credential, origin: 'dictionary' | 'site', level: SnmpV3Level, detail?: string) => {
        const r = await v3Request(client, cred, level, engine, PDU.get, get);
        const data: SnmpV3UserData = { user: cred.user, origin, level, result: 'error' };
        if (level !== 'noAuthNoPriv' && cred.authProtocol) data.authProtocol = cred.authProtocol;
        if (level === 'authPriv' && cred.privProtocol) data.privProtocol = cred.privProtocol;
        else if (cred.privProtocol && level !== 'noAuthNoPriv') data.privProtocol = cred.privProtocol;
        let raw: Buffer | undefined;
        if (r.kind === 'response') {
          // Only data is access: snmpd answers a user outside its view with authorizationError.
          const vb0 = r.pdu.varbinds[0];
          const ok = r.pdu.errorStatus === 0 && !!vb0 && !isException(vb0.value);
          data.result = ok ? 'accepted' : 'refused';
          if (!ok) data.detail = r.pdu.errorStatus ? errorStatusName(r.pdu.errorStatus) : 'no data';
          raw = r.raw;
        } else if (r.kind === 'report') {
          data.result = reportResult(r.oid);
          raw = r.raw;
        } else if (r.kind === 'no-answer') data.result = 'no-answer';
        else if (r.kind === 'bad-auth') {
          data.result = 'error';
          data.detail = 'the answer failed authentication';
        } else {
          data.result = r.message.includes('not supported') ? 'unsupported' : 'error';
          data.detail = r.message;
        }
        if (detail) data.detail = data.detail ? `${data.detail}; ${detail}` : detail;
        audit.add('snmp.v3-user', data, evidence(secrets, `SNMPv3 GetRequest sysDescr.0 as user "${cred.user}" at ${level}`, raw));
        return data.result;
      };
      for (const u of dict.v3Users) {
        if (late()) break;
        if ((await tryUser({ user: u.name }, 'dictionary', 'noAuthNoPriv')) === 'accepted') {
          const cred: V3Credential = { user: u.name };
          unauthenticatedReaders.push({
            label: `SNMPv3 user "${u.name}" (noAuthNoPriv)`,
            req: async (type, vbs, bulk) => {
              const r = await v3Request(client, cred, 'noAuthNoPriv', engine, type, vbs, bulk);
              return r.kind === 'response' ? r.pdu : undefined;
            },
            bulk: true,
            v1: false,
          });
        }
      }
      for (const cred of s.v3) {
        if (late()) break;
        if (!dict.v3Users.some((u) => u.name === cred.user)) await tryUser({ user: cred.user }, 'site', 'noAuthNoPriv');
        if (!cred.authProtocol) continue;
        const priv = cred.privProtocol === 'aes' ? 'authPriv' : 'authNoPriv';
        const note = cred.privProtocol && cred.privProtocol !== 'aes' ? `privacy protocol ${cred.privProtocol} is not spoken by vigie: authenticated without privacy` : undefined;
        const result = await tryUser(cred, 'site', priv, note);
        if (result === 'accepted') {
          v3Readers.push({
            label: `SNMPv3 user "${cred.user}" (${priv})`,
            req: async (type, vbs, bulk) => {
              const r = await v3Request(client, cred, priv, engine, type, vbs, bulk);
              return r.kind === 'response' ? r.pdu : undefined;
            },
            bulk: true,
            v1: false,
          });
        }
      }
    }

    // 6. System group, interfaces, sensitive tables.
    const reader = readers[0] ?? v3Readers[0] ?? unauthenticatedReaders[0];
    if (reader && !late()) {
      const sys = await readSystem(reader.req);
      const v = sys.values;
      if (Object.keys(v).length) {
        const data: SnmpSystemData = { via: reader.label };
        const str = (x: VarValue | undefined) => {
          const t = oneLine(text(x), 256);
          return t === undefined ? undefined : redact(t, secrets);
        };
        const set = <K extends keyof SnmpSystemData>(k: K, val: SnmpSystemData[K] | undefined) => {
          if (val !== undefined) data[k] = val;
        };
        set('sysDescr', str(v.sysDescr));
        set('sysObjectID', v.sysObjectID?.type === 'oid' ? v.sysObjectID.value : undefined);
        set('sysUpTime', numeric(v.sysUpTime));
        set('sysContact', str(v.sysContact));
        set('sysName', str(v.sysName));
        set('sysLocation', str(v.sysLocation));
        set('sysServices', numeric(v.sysServices));
        set('ifNumber', numeric(v.ifNumber));
        const shown = sys.pdu?.varbinds.map((vb) => `${vb.oid} = ${valueText(vb.value, 120)}`).join('; ');
        audit.add('snmp.system', data, evidence(secrets, `GetRequest of the system group via ${reader.label}`, shown));
      }
      if (!late()) {
        const walk = await walkColumns(reader.req, reader.bulk, IF_COLUMNS, s.maxInterfaces, deadline);
        const rows = interfacesFrom(walk.rows);
        if (rows.length || walk.truncated) {
          for (const r of rows) for (const k of ['descr', 'name', 'alias'] as const) if (r[k]) r[k] = redact(r[k]!, secrets);
          audit.add('snmp.interfaces', { via: reader.label, rows, truncated: walk.truncated } satisfies SnmpInterfacesData, { note: `IF-MIB walk (ifTable, ifXTable) via ${reader.label}: ${rows.length} rows in ${walk.requests} requests${walk.truncated ? ', stopped at the bound' : ''}` });
        }
      }
    }
    for (const [n, i] of order.entries()) {
      if (late() || n >= 3) break;
      const c = candidates[i]!;
      const r = readers[n]!;
      const subtrees = await probeExposure(r.req, r.v1);
      if (subtrees) {
        const open = subtrees.filter((x) => x.readable).map((x) => x.name);
        audit.add('snmp.mib-exposure', { community: c.control ? 'any community' : c.label, default: c.default || c.control, subtrees } satisfies SnmpMibExposureData, {
          sent: `GetNextRequest on ${SENSITIVE_SUBTREES.length} sensitive table roots via ${r.label}`,
          received: open.length ? `readable: ${open.join(', ')}` : 'none of them readable',
        });
      }
    }
    probe.malformed = client.malformed;
    if (client.malformed) ctx.warn(address, SNMP_SCANNER, `${client.malformed} datagram(s) from udp/${port} were not valid SNMP (${client.firstMalformed})`, { port, code: 'EBER' });
    if (late()) ctx.warn(address, SNMP_SCANNER, `SNMP audit of udp/${port} stopped after its ${s.budgetMs} ms budget`, { port, code: 'ETIMEDOUT' });
  });

  if (closedPort) return [];
  const answered = probe.accepted > 0 || probe.v3 || probe.anyCommunity;
  if (answered && !host.services.some((x) => x.proto === 'udp' && x.port === port)) {
    audit.facts.push({ type: 'service', host: address, port, proto: 'udp', scanner: SNMP_SCANNER, data: { kind: 'snmp', tls: false, via: 'probe' } satisfies ServiceData });
  }
  audit.add('snmp.probe', probe);
  audit.facts.push(...identityFacts(address, port, audit.facts));
  return audit.facts;
}

/** The wrong-type SET of sysContact.0, with sysContact.0 read before and after. */
async function writeProbe(ctx: ScanContext, address: string, client: SnmpClient, c: Candidate, version: CommunityVersion, secrets: readonly string[]): Promise<{ data: SnmpWriteProbeData; evidence: Evidence }> {
  const req = (type: number, vbs: VarBind[]) => client.community(version, c.value, type, vbs);
  const read = async () => {
    const ex = await req(PDU.get, [nullBind(SYS.sysContact)]);
    const vb = ex?.pdu.errorStatus === 0 ? ex.pdu.varbinds[0] : undefined;
    return vb && vb.oid === SYS.sysContact && !isException(vb.value) ? vb.value : undefined;
  };
  const ref = { community: c.control ? 'any community' : c.label, default: c.default || c.control };
  const before = await read();
  // INTEGER where sysContact is a DisplayString: a compliant agent checks access first, then refuses the type.
  const set = await req(PDU.set, [{ oid: SYS.sysContact, value: { type: 'integer', value: 0 } }]);
  const after = await read();
  const answer = set ? errorStatusName(set.pdu.errorStatus) : 'no answer';
  const data: SnmpWriteProbeData = { ...ref, version, verdict: 'inconclusive', answer };
  const b = text(before);
  const a = text(after);
  if (b !== undefined) data.before = redact(oneLine(b, 128) ?? '', secrets);
  if (a !== undefined) data.after = redact(oneLine(a, 128) ?? '', secrets);
  let note: string | undefined;
  if (before && after && !sameValue(before, after)) {
    data.verdict = 'changed';
    const restore = await req(PDU.set, [{ oid: SYS.sysContact, value: before }]);
    const again = await read();
    data.restored = !!restore && restore.pdu.errorStatus === 0 && !!again && sameValue(again, before);
    note = `sysContact.0 CHANGED after a mistyped SET: ${data.restored ? 'restored to its previous value' : 'RESTORE FAILED: set it back by hand'}; no further write probe is sent to this device in this run`;
    ctx.warn(address, SNMP_SCANNER, note, { code: 'ECHANGED' });
  } else if (!set) {
    note = 'the SET got no answer: access unknown';
  } else if (set.pdu.varbinds.length !== 1 || set.pdu.varbinds[0]!.oid !== SYS.sysContact) {
    // RFC 3416 §4.2.5: the Response to a SET carries its variable bindings; one that names other objects answers something else.
    note = 'the answer to the SET does not carry sysContact.0: access unknown';
  } else if (answer === 'wrongType' || answer === 'badValue') {
    data.verdict = 'writable';
  } else if (answer === 'noError') {
    data.verdict = 'writable';
    note = 'the agent answered noError to a mistyped SET yet sysContact.0 reads the same: it accepts writes from this community';
  } else if (READ_ONLY_ANSWERS.has(answer)) {
    if (before !== undefined) data.verdict = 'read-only';
    else note = 'sysContact.0 could not be read first: a refusal may only mean the object does not exist';
  } else {
    note = `${answer} does not tell whether this community may write`;
  }
  const who = c.default ? `community "${c.label}"` : c.control ? 'a random control community' : `a site-supplied community (${c.label})`;
  return {
    data,
    evidence: evidence(secrets, `SNMP${version} SetRequest sysContact.0 = INTEGER 0 (deliberately the wrong type) with ${who}; sysContact.0 read before and after`, set?.raw, note),
  };
}

/** `device.identity` facts from what SNMP said, each with its precise source. */
export function identityFacts(address: string, port: number, facts: readonly Fact[]): Fact[] {
  const out: Fact[] = [];
  const push = (d: DeviceIdentityData) => out.push({ type: 'device.identity', host: address, port, proto: 'udp', scanner: SNMP_SCANNER, data: { ...d } });
  const { table, rules } = snmpEnterprises();
  const sys = facts.find((f) => f.type === 'snmp.system')?.data as SnmpSystemData | undefined;
  const engine = facts.find((f) => f.type === 'snmp.v3-engine')?.data as SnmpV3EngineData | undefined;
  const ent = enterpriseOf(sys?.sysObjectID);
  const entry = ent !== undefined ? table.get(ent) : undefined;
  if (entry?.vendor) push({ vendor: entry.vendor, source: `snmp sysObjectID ${sys!.sysObjectID} (enterprise ${ent})` });
  else if (engine?.vendor) push({ vendor: engine.vendor, source: `snmp v3 engine ID (enterprise ${engine.enterprise})` });
  for (const rule of rules) {
    const value = rule.field === 'sysDescr' ? sys?.sysDescr : sys?.sysName;
    if (!value) continue;
    const m = rule.regex.exec(value);
    if (!m) continue;
    const d: DeviceIdentityData = { source: `snmp ${rule.field}` };
    if (rule.vendor) d.vendor = rule.vendor;
    if (rule.class) d.class = rule.class;
    if (m.groups?.model) d.model = m.groups.model;
    if (m.groups?.firmware) d.firmware = m.groups.firmware;
    if (Object.keys(d).length > 1) push(d);
  }
  const ifs = facts.find((f) => f.type === 'snmp.interfaces')?.data as SnmpInterfacesData | undefined;
  const ethernet = ifs?.rows.filter((r) => r.type !== undefined && ETHERNET_TYPES.has(r.type)).length ?? 0;
  if (ethernet >= MIN_PORTS_FOR_SWITCH) push({ class: 'switch', source: `snmp IF-MIB (${ethernet} Ethernet interfaces)` });
  return out;
}

async function collectHost(ctx: ScanContext, host: HostState, ports: readonly number[]): Promise<Fact[]> {
  const s = snmpSettings(ctx);
  const facts: Fact[] = [];
  for (const port of ports) facts.push(...(await auditPort(ctx, host, port, s)));
  return facts;
}

export const snmpScanner: HostScanner = {
  id: SNMP_SCANNER,
  description: 'SNMP over UDP: v1/v2c communities, write access without writing, SNMPv3 engine and users, system group, IF-MIB',
  discoverHost,
  collectHost,
};

/** USM keys shorter than this are refused by agents (RFC 3414 §11.2; net-snmp enforces it). */
const MIN_USM_KEY = 8;

/**
 * One SNMPv3 login attempt for the credential engine: engine discovery, then
 * an authNoPriv GET of sysDescr.0 with HMAC-SHA-96, then HMAC-MD5-96. Any
 * authenticated Response (even an error status, as snmpd's
 * authorizationError for an authPriv-only user) proves the key;
 * unknownUserNames and wrongDigests Reports reject it. Some agents (net-snmp's
 * node Agent) answer wrongDigests to a mere security-level mismatch, so after
 * wrongDigests the same key is also tried at authPriv (AES, same password as
 * privacy key, a common setting): a Response or a decryptionErrors Report
 * (sent only after the digest checked) then proves the authentication key.
 * The password is the authentication key: it never reaches the evidence.
 */
export const snmpV3LoginProtocol: CredentialProtocol = {
  id: 'snmpv3',
  async attempt(ctx: ScanContext, host: string, service: Service, credential: Credential): Promise<AttemptOutcome> {
    if (Buffer.byteLength(credential.password, 'utf8') < MIN_USM_KEY) return { result: 'rejected', reason: `SNMPv3 keys are at least ${MIN_USM_KEY} characters: no agent can hold this one` };
    const s = snmpSettings(ctx);
    return ctx.net.withUdp(host, service.port, { maxBytes: 256 * 1024, maxDatagrams: 64, connect: true }, async (u) => {
      // No retries once the engine answered: silence to a try is an answer of its own here (a dropped digest).
      const client = new SnmpClient(u, { spacingMs: s.spacingMs, timeoutMs: s.timeoutMs, retries: 0, signal: ctx.signal });
      const disc = await client.discoverEngine(s.retries);
      if (!disc) return { result: 'unknown', reason: 'no SNMPv3 engine answered discovery' };
      const engine = { current: disc.engine };
      let ambiguous = false;
      for (const authProtocol of ['sha', 'md5'] as const) {
        for (const level of ['authNoPriv', 'authPriv'] as const) {
          const cred: V3Credential = { user: credential.user, authProtocol, authKey: credential.password, privProtocol: 'aes', privKey: credential.password };
          const r = await v3Request(client, cred, level, engine, PDU.get, [nullBind(SYS.sysDescr)]);
          const sent = `SNMPv3 ${level} GetRequest sysDescr.0 as user "${credential.user}" (HMAC-${authProtocol.toUpperCase()}-96${level === 'authPriv' ? ', AES' : ''})`;
          const ev = (raw?: Buffer) => evidence([credential.password], sent, raw);
          if (r.kind === 'response') return { result: 'accepted', evidence: ev(r.raw) };
          if (r.kind === 'report') {
            const what = reportResult(r.oid);
            if (what === 'unknown-user') return { result: 'rejected', reason: 'unknown user name', evidence: ev(r.raw) };
            if (what === 'decryption-error') return { result: 'accepted', reason: 'the digest was accepted (the privacy key differs)', evidence: ev(r.raw) };
            if (what === 'wrong-digest') continue;
            return { result: 'unknown', reason: `Report ${what}`, evidence: ev(r.raw) };
          }
          if (r.kind === 'no-answer') {
            ambiguous = true; // some agents drop a wrong digest or a wrong privacy key without any Report
            continue;
          }
          return { result: 'unknown', reason: r.kind === 'bad-auth' ? 'the answer failed authentication' : r.message };
        }
      }
      return ambiguous
        ? { result: 'unknown', reason: 'no Report for some tries: a wrong key, or an authPriv-only user whose privacy key differs (agents that drop bad digests silently)' }
        : { result: 'rejected', reason: 'wrong key (usmStatsWrongDigests)' };
    });
  },
};

/** The credential engine's SNMPv3 targets: hosts whose SNMPv3 engine answered (shaped like src/creds' CredentialTarget). */
export function snmpCredentialTargets(host: HostState): { protocol: CredentialProtocol; service: Service; where: string }[] {
  const out: { protocol: CredentialProtocol; service: Service; where: string }[] = [];
  for (const f of host.facts) {
    if (f.type !== 'snmp.v3-engine') continue;
    const service = host.services.find((x) => x.proto === 'udp' && x.port === f.port);
    if (service && !out.some((t) => t.service === service)) out.push({ protocol: snmpV3LoginProtocol, service, where: `snmp://${host.address}:${service.port} (SNMPv3 USM)` });
  }
  return out;
}
