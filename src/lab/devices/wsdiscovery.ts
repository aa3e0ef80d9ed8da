/**
 * A simulated WS-Discovery target service (SOAP-over-UDP, port 3702), bound
 * to one device address. It answers a Probe whose Types it implements (by
 * namespace and local name, as the specification matches them) with a
 * ProbeMatches that relates to the Probe's MessageID, from its own address.
 * Optionally it also joins the multicast group on a given interface (only
 * ever inside a network namespace a test creates) and delays its answer at
 * random, as devices do (APP_MAX_DELAY).
 *
 * Node built-ins only; the probe is read with regular expressions.
 */
import dgram from 'node:dgram';
import { randomUUID } from 'node:crypto';

const WSA = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const WSD = 'http://schemas.xmlsoap.org/ws/2005/04/discovery';
export const LAB_TYPE_NS: Record<string, string> = {
  dn: 'http://www.onvif.org/ver10/network/wsdl',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
};

export interface WsdResponderConfig {
  address: string;
  /** Default 3702; bound exactly (the site moves it when busy). */
  port?: number;
  /** QNames with the prefixes of LAB_TYPE_NS, e.g. "dn:NetworkVideoTransmitter". */
  types: string[];
  scopes: string[];
  xaddrs: string[];
  endpoint?: string;
  /** Answer after a random delay up to this (ms); 0 by default. */
  maxDelayMs?: number;
  /** Join this group on this interface address too (network-namespace tests only). */
  multicast?: { group: string; interfaceAddress: string };
}

export interface WsdResponder {
  address: string;
  port: number;
  stats: { probes: number; answers: number; ignored: number };
  close(): Promise<void>;
}

function bind(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.bind({ port, address }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/** The (namespace, local name) pairs a Probe asks for, prefixes resolved with its own declarations. */
function probeTypes(probe: string): { ns: string; local: string }[] | undefined {
  const m = /<(?:[\w.-]+:)?Types\b[^>]*>([^<]*)<\/(?:[\w.-]+:)?Types>/.exec(probe);
  if (!m) return [];
  const decls = new Map<string, string>();
  for (const d of probe.matchAll(/xmlns:([\w.-]+)="([^"]*)"/g)) decls.set(d[1]!, d[2]!);
  const out: { ns: string; local: string }[] = [];
  for (const q of m[1]!.split(/\s+/).filter(Boolean)) {
    const [prefix, local] = q.includes(':') ? q.split(':', 2) : ['', q];
    const ns = decls.get(prefix!);
    if (ns === undefined) return undefined; // an undeclared prefix: not a valid probe
    out.push({ ns, local: local! });
  }
  return out;
}

function probeMatches(cfg: WsdResponderConfig, relatesTo: string): string {
  const ns = Object.entries(LAB_TYPE_NS)
    .map(([p, uri]) => ` xmlns:${p}="${uri}"`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="${WSA}" xmlns:wsdd="${WSD}"${ns}>` +
    `<SOAP-ENV:Header><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID><wsa:RelatesTo>${relatesTo}</wsa:RelatesTo>` +
    `<wsa:To SOAP-ENV:mustUnderstand="true">${WSA}/role/anonymous</wsa:To><wsa:Action SOAP-ENV:mustUnderstand="true">${WSD}/ProbeMatches</wsa:Action>` +
    '<wsdd:AppSequence MessageNumber="1" InstanceId="1"></wsdd:AppSequence></SOAP-ENV:Header>' +
    '<SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch>' +
    `<wsa:EndpointReference><wsa:Address>${cfg.endpoint ?? `urn:uuid:${randomUUID()}`}</wsa:Address></wsa:EndpointReference>` +
    `<wsdd:Types>${cfg.types.join(' ')}</wsdd:Types><wsdd:Scopes>${cfg.scopes.join(' ')}</wsdd:Scopes>` +
    `<wsdd:XAddrs>${cfg.xaddrs.join(' ')}</wsdd:XAddrs><wsdd:MetadataVersion>1</wsdd:MetadataVersion>` +
    '</wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>'
  );
}

export async function startWsdResponder(cfg: WsdResponderConfig): Promise<WsdResponder> {
  const stats = { probes: 0, answers: 0, ignored: 0 };
  const own = cfg.types.map((q) => {
    const [p, local] = q.split(':', 2);
    return { ns: LAB_TYPE_NS[p!] ?? '', local: local ?? q };
  });
  // Address reuse only when the wildcard group socket must share the port (namespace tests).
  const unicast = dgram.createSocket({ type: 'udp4', reuseAddr: !!cfg.multicast });
  // Bind exactly the port asked for: the site tries the alternatives on EADDRINUSE/EACCES.
  await bind(unicast, cfg.port ?? 3702, cfg.address).catch((err: unknown) => {
    unicast.close();
    throw err;
  });
  unicast.on('error', () => undefined);
  const port = unicast.address().port;
  const timers = new Set<NodeJS.Timeout>();
  const onProbe = (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    const text = msg.subarray(0, 16 * 1024).toString('utf8');
    if (!/<(?:[\w.-]+:)?Probe\b/.test(text)) return void stats.ignored++;
    stats.probes++;
    const id = /<(?:[\w.-]+:)?MessageID\b[^>]*>([^<]+)</.exec(text)?.[1]?.trim();
    const wanted = probeTypes(text);
    if (!id || !wanted) return void stats.ignored++;
    if (!wanted.every((w) => own.some((o) => o.ns === w.ns && o.local === w.local))) return;
    const reply = Buffer.from(probeMatches(cfg, id));
    const send = () => unicast.send(reply, rinfo.port, rinfo.address, (err) => !err && stats.answers++);
    const delay = cfg.maxDelayMs ? Math.floor(Math.random() * cfg.maxDelayMs) : 0;
    if (!delay) return send();
    const t = setTimeout(() => {
      timers.delete(t);
      send();
    }, delay);
    timers.add(t);
  };
  unicast.on('message', onProbe);
  let group: dgram.Socket | undefined;
  if (cfg.multicast) {
    group = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    group.on('error', () => undefined);
    // Every responder of a namespace test shares the wildcard port (reuseAddr): each gets a copy.
    await bind(group, port, '0.0.0.0');
    group.addMembership(cfg.multicast.group, cfg.multicast.interfaceAddress);
    group.on('message', onProbe);
  }
  return {
    address: cfg.address,
    port,
    stats,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      const close = (s: dgram.Socket) => new Promise<void>((r) => s.close(() => r()));
      await Promise.all([close(unicast), ...(group ? [close(group)] : [])]);
    },
  };
}
