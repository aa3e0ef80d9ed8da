/**
 * ONVIF device and media services over SOAP (our own client, scanners/lib/soap.ts:
 * the auditor needs each fault and each raw exchange, which the `onvif`
 * package hides).
 *
 * On an HTTP(S) service, a cheap probe first: POST GetSystemDateAndTime to
 * /onvif/device_service (anonymous by specification). Only a SOAP answer
 * (a body or a fault) makes the scanner go on, WITHOUT credentials, through
 * the read operations an attacker would try first; then, when the site file
 * gives ONVIF credentials, through the same operations with a
 * WS-UsernameToken dated by the device's own clock. Each operation's outcome
 * is a fact (`onvif.operation`): ok with the parsed data, fault (code,
 * subcode, reason, whatever the HTTP status), HTTP status, time-out, invalid.
 * Nothing is ever written to the device. Passive mode stops after the probe.
 */
import type { Fact, Service } from '../src/core/model.ts';
import type { Net } from '../src/core/net.ts';
import { serviceFact, type HostState, type ScanContext, type Scanner } from '../src/core/scanner.ts';
import type { Credential, CredentialProtocol, AttemptOutcome } from '../src/core/credentials.ts';
import { oneLine } from '../src/core/text.ts';
import type {
  DeviceIdentityData,
  OnvifDateTimeData,
  OnvifDeviceInfoData,
  OnvifEndpointData,
  OnvifNtpData,
  OnvifNtpServer,
  OnvifOperationData,
  OnvifServicesData,
  OnvifStreamUriData,
  OnvifUser,
  OnvifUsersData,
  WsDiscoveryMatchData,
} from '../src/core/facts.ts';
import { at, attrOf, boolText, children, child, isAuthFault, onvifDateTime, soapCall, textAt, textOf, type SoapCallResult, type XmlValue } from './lib/soap.ts';

const ID = 'onvif';
export const ONVIF_DEVICE_PATH = '/onvif/device_service';
const DEFAULT_MEDIA_PATH = '/onvif/media_service';
const NS = {
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
};
const MEDIA_NS = 'http://www.onvif.org/ver10/media/wsdl';
/** Profiles whose stream URI is asked for (a recorder may have hundreds). */
const MAX_STREAM_PROFILES = 4;
/** After this many time-outs or connection errors in a row, a round stops. */
const MAX_CONSECUTIVE_FAILURES = 2;
/** Both rounds together stay under the engine's per-scanner bound (15 s by default): facts come back whole. */
const SCANNER_BUDGET_MS = 10_000;

type Auth = 'none' | 'digest';

const clean = (v: string | undefined, max = 200) => (v === undefined ? undefined : oneLine(v, max));

function defined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

// ——— answer parsers: data kept small and printable ———

export function parseDateTime(body: XmlValue, ourNow: number): OnvifDateTimeData {
  const sdt = child(body, 'SystemDateAndTime');
  const utc = onvifDateTime(at(sdt, 'UTCDateTime'));
  return defined({
    dateTimeType: clean(textAt(sdt, 'DateTimeType'), 20),
    daylightSavings: boolText(textAt(sdt, 'DaylightSavings')),
    timeZone: clean(textAt(sdt, 'TimeZone', 'TZ'), 80),
    utc: utc?.toISOString(),
    skewMs: utc ? utc.getTime() - ourNow : undefined,
  });
}

export function parseDeviceInfo(body: XmlValue, auth: Auth): OnvifDeviceInfoData {
  return defined({
    manufacturer: clean(textAt(body, 'Manufacturer'), 100),
    model: clean(textAt(body, 'Model'), 100),
    firmwareVersion: clean(textAt(body, 'FirmwareVersion'), 100),
    serialNumber: clean(textAt(body, 'SerialNumber'), 100),
    hardwareId: clean(textAt(body, 'HardwareId'), 100),
    auth,
  });
}

export function parseUsers(body: XmlValue): OnvifUser[] {
  return children(body, 'User')
    .slice(0, 100)
    .map((u) => ({ name: clean(textAt(u, 'Username'), 64) ?? '', level: clean(textAt(u, 'UserLevel'), 32) ?? 'unknown' }))
    .filter((u) => u.name);
}

function ntpServer(node: XmlValue, source: OnvifNtpServer['source']): OnvifNtpServer | undefined {
  const type = clean(textAt(node, 'Type'), 10) ?? 'unknown';
  const address = clean(textAt(node, 'IPv4Address') ?? textAt(node, 'IPv6Address') ?? textAt(node, 'DNSname'), 200);
  return address ? { type, address, source } : undefined;
}

export function parseNtp(body: XmlValue): Omit<OnvifNtpData, 'auth'> {
  const info = child(body, 'NTPInformation');
  const servers = [
    ...children(info, 'NTPFromDHCP').map((n) => ntpServer(n, 'dhcp')),
    ...children(info, 'NTPManual').map((n) => ntpServer(n, 'manual')),
  ]
    .filter((s): s is OnvifNtpServer => s !== undefined)
    .slice(0, 16);
  return { fromDHCP: boolText(textAt(info, 'FromDHCP')) ?? false, servers };
}

export function parseServices(body: XmlValue): OnvifServicesData['services'] {
  return children(body, 'Service')
    .slice(0, 64)
    .map((s) => defined({ namespace: clean(textAt(s, 'Namespace'), 200) ?? '', xaddr: clean(textAt(s, 'XAddr'), 300) }))
    .filter((s) => s.namespace);
}

const CAPABILITY_NS: Record<string, string> = {
  Analytics: 'http://www.onvif.org/ver20/analytics/wsdl',
  Device: 'http://www.onvif.org/ver10/device/wsdl',
  Events: 'http://www.onvif.org/ver10/events/wsdl',
  Imaging: 'http://www.onvif.org/ver20/imaging/wsdl',
  Media: MEDIA_NS,
  PTZ: 'http://www.onvif.org/ver20/ptz/wsdl',
  DeviceIO: 'http://www.onvif.org/ver10/deviceIO/wsdl',
  Recording: 'http://www.onvif.org/ver10/recording/wsdl',
  Search: 'http://www.onvif.org/ver10/search/wsdl',
  Replay: 'http://www.onvif.org/ver10/replay/wsdl',
  Receiver: 'http://www.onvif.org/ver10/receiver/wsdl',
};

/** GetCapabilities, mapped to the namespaces GetServices would give. */
export function parseCapabilities(body: XmlValue): OnvifServicesData['services'] {
  const caps = child(body, 'Capabilities');
  const out: OnvifServicesData['services'] = [];
  const visit = (node: unknown) => {
    for (const [name, ns] of Object.entries(CAPABILITY_NS)) {
      const c = child(node, name);
      if (c === undefined) continue;
      out.push(defined({ namespace: ns, xaddr: clean(textAt(c, 'XAddr'), 300) }));
    }
  };
  visit(caps);
  visit(child(caps, 'Extension'));
  return out;
}

export function parseNetworkProtocols(body: XmlValue): { name: string; enabled: boolean; ports: number[] }[] {
  return children(body, 'NetworkProtocols')
    .slice(0, 16)
    .map((p) => ({
      name: clean(textAt(p, 'Name'), 20) ?? '',
      enabled: boolText(textAt(p, 'Enabled')) ?? false,
      ports: children(p, 'Port')
        .map((x) => Number(textOf(x)))
        .filter((n) => Number.isInteger(n) && n > 0 && n < 65536)
        .slice(0, 8),
    }))
    .filter((p) => p.name);
}

export function parseProfiles(body: XmlValue): { token: string; name?: string }[] {
  return children(body, 'Profiles')
    .slice(0, 64)
    .map((p) => defined({ token: clean(attrOf(p, 'token'), 64) ?? '', name: clean(textAt(p, 'Name'), 64) }))
    .filter((p) => p.token);
}

/** The device class its services suggest: a Receiver service or a recorder model makes an NVR. */
export function classHint(namespaces: readonly string[], model: string | undefined, discoveryTypes: readonly string[]): 'camera' | 'nvr' | undefined {
  if (discoveryTypes.some((t) => /NetworkVideoRecorder$/.test(t))) return 'nvr';
  if (namespaces.some((n) => /\/receiver\/wsdl$/.test(n))) return 'nvr';
  if (model && /\b(NVR|DVR|XVR|HVR)/i.test(model)) return 'nvr';
  if (discoveryTypes.some((t) => /NetworkVideoTransmitter$/.test(t))) return 'camera';
  if (namespaces.some((n) => /\/(imaging|media)\/wsdl$/.test(n))) return 'camera';
  return undefined;
}

// ——— talking to one device ———

interface Endpoint {
  host: string;
  origin: string;
  deviceUrl: string;
  scheme: 'http' | 'https';
}

function endpointOf(host: string, service: Service, path = ONVIF_DEVICE_PATH): Endpoint {
  const scheme = service.tls ? 'https' : 'http';
  const origin = `${scheme}://${host}:${service.port}`;
  return { host, origin, deviceUrl: `${origin}${path}`, scheme };
}

/** An advertised XAddr, re-based on the audited host and port: never follow it elsewhere. */
function rebase(ep: Endpoint, xaddr: string | undefined, fallback: string): string {
  if (xaddr) {
    try {
      const u = new URL(xaddr);
      return `${ep.origin}${u.pathname}${u.search}`;
    } catch {
      /* not a URL: use the fallback */
    }
  }
  return `${ep.origin}${fallback}`;
}

function action(service: 'device' | 'media', op: string): string {
  return `${service === 'device' ? NS.tds : NS.trt}/${op}`;
}

interface Call {
  op: string;
  service: 'device' | 'media';
  url: string;
  auth: Auth;
  result: SoapCallResult;
}

function operationFact(host: string, service: Service, call: Call, data?: Record<string, unknown>): Fact {
  const r = call.result;
  const d: OnvifOperationData = { op: call.op, service: call.service, url: call.url, auth: call.auth, outcome: r.outcome, ms: r.ms };
  if (r.status !== undefined) d.status = r.status;
  if (r.fault) d.fault = r.fault;
  if (r.reason) d.reason = r.reason;
  if (data) d.data = data;
  return serviceFact(ID, 'onvif.operation', host, service, { ...d }, r.evidence);
}

/** The credentials the site file gives for ONVIF (`params.onvifCredentials`), if well-formed. */
export function siteCredential(params: Record<string, unknown>): Credential | undefined {
  const c = params.onvifCredentials as Partial<Credential> | undefined;
  if (c && typeof c.user === 'string' && c.user && typeof c.password === 'string') return { user: c.user, password: c.password };
  return undefined;
}

/** The device service path a WS-Discovery XAddr gave for this very host and port, if any. */
function discoveredPath(host: HostState, service: Service): string | undefined {
  for (const f of host.facts) {
    if (f.type !== 'wsdiscovery.match') continue;
    for (const x of (f.data as unknown as WsDiscoveryMatchData).xaddrs ?? []) {
      try {
        const u = new URL(x);
        const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
        if (u.hostname === host.address && port === service.port && u.pathname.length > 1) return u.pathname;
      } catch {
        /* not a URL */
      }
    }
  }
  return undefined;
}

interface RoundState {
  facts: Fact[];
  /** Data facts already emitted, by fact type (first successful round wins). */
  emitted: Set<string>;
  namespaces: string[];
  mediaXaddr?: string;
  model?: string;
  deviceInfo?: OnvifDeviceInfoData;
}

async function runRound(ctx: ScanContext, host: HostState, service: Service, ep: Endpoint, auth: Auth, credential: Credential | undefined, skewMs: number, st: RoundState, deadline: number): Promise<void> {
  let failures = 0;
  let stopped = false;
  const call = async (op: string, svc: 'device' | 'media', url: string, body: string): Promise<SoapCallResult | undefined> => {
    if (stopped || ctx.signal.aborted) return undefined;
    if (Date.now() > deadline) {
      stopped = true;
      ctx.warn(host.address, ID, `ONVIF ${auth === 'none' ? 'anonymous' : 'authenticated'} round stopped: the ${SCANNER_BUDGET_MS / 1000} s budget of the device is spent`, { port: service.port, code: 'ETIMEDOUT' });
      return undefined;
    }
    const result = await soapCall(ctx.net, ep.host, url, {
      action: action(svc, op),
      body,
      namespaces: svc === 'device' ? { tds: NS.tds } : { trt: NS.trt, tt: NS.tt },
      ...(credential ? { credential, skewMs } : {}),
      // The last operations get only what is left of the budget.
      timeoutMs: Math.max(500, Math.min(ctx.net.readTimeoutMs, deadline - Date.now())),
    });
    if (result.outcome === 'timeout' || result.outcome === 'error') {
      if (++failures >= MAX_CONSECUTIVE_FAILURES) {
        stopped = true;
        ctx.warn(host.address, ID, `ONVIF: ${failures} operations in a row timed out or failed (${result.reason ?? result.outcome}); the round stops`, { port: service.port, code: result.outcome === 'timeout' ? 'ETIMEDOUT' : 'ECONN' });
      }
    } else failures = 0;
    if (result.rejected === 'too-large') ctx.warn(host.address, ID, `ONVIF ${op}: answer larger than the size cap, not parsed`, { port: service.port, code: 'ESIZE' });
    return result;
  };
  /** Record one operation; emit its data fact the first time it succeeds. */
  const record = (op: string, svc: 'device' | 'media', url: string, result: SoapCallResult, data?: Record<string, unknown>, dataFact?: { type: string; data: Record<string, unknown> }) => {
    st.facts.push(operationFact(host.address, service, { op, service: svc, url, auth, result }, result.outcome === 'ok' ? data : undefined));
    if (result.outcome === 'ok' && dataFact && !st.emitted.has(dataFact.type)) {
      st.emitted.add(dataFact.type);
      st.facts.push(serviceFact(ID, dataFact.type, host.address, service, dataFact.data, result.evidence));
    }
  };
  const dev = ep.deviceUrl;

  const info = await call('GetDeviceInformation', 'device', dev, '<tds:GetDeviceInformation/>');
  if (info) {
    const d = info.outcome === 'ok' && info.body !== undefined ? parseDeviceInfo(info.body, auth) : undefined;
    if (d && !st.deviceInfo) {
      st.deviceInfo = d;
      if (d.model) st.model = d.model;
    }
    record('GetDeviceInformation', 'device', dev, info, d ? { ...d } : undefined, d ? { type: 'onvif.device-info', data: { ...d } } : undefined);
  }

  const caps = await call('GetCapabilities', 'device', dev, '<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>');
  const fromCaps = caps?.outcome === 'ok' && caps.body !== undefined ? parseCapabilities(caps.body) : undefined;
  if (caps) record('GetCapabilities', 'device', dev, caps, fromCaps ? { services: fromCaps } : undefined);
  const svcs = await call('GetServices', 'device', dev, '<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>');
  const fromServices = svcs?.outcome === 'ok' && svcs.body !== undefined ? parseServices(svcs.body) : undefined;
  if (svcs) record('GetServices', 'device', dev, svcs, fromServices ? { services: fromServices } : undefined);
  for (const list of [fromServices, fromCaps]) {
    if (!list) continue;
    st.namespaces.push(...list.map((x) => x.namespace));
    st.mediaXaddr ??= list.find((x) => x.namespace === MEDIA_NS)?.xaddr;
  }
  // GetServices is the better list; GetCapabilities stands in when it faulted.
  const best = fromServices ? { services: fromServices, source: 'GetServices' as const, r: svcs! } : fromCaps ? { services: fromCaps, source: 'GetCapabilities' as const, r: caps! } : undefined;
  if (best && !st.emitted.has('onvif.services')) {
    st.emitted.add('onvif.services');
    const data: OnvifServicesData = { services: best.services, source: best.source };
    st.facts.push(serviceFact(ID, 'onvif.services', host.address, service, { ...data }, best.r.evidence));
  }

  const users = await call('GetUsers', 'device', dev, '<tds:GetUsers/>');
  if (users) {
    const list = users.outcome === 'ok' && users.body !== undefined ? parseUsers(users.body) : undefined;
    const data: OnvifUsersData | undefined = list ? { users: list, auth } : undefined;
    record('GetUsers', 'device', dev, users, data ? { ...data } : undefined, data ? { type: 'onvif.users', data: { ...data } } : undefined);
  }

  const ntp = await call('GetNTP', 'device', dev, '<tds:GetNTP/>');
  if (ntp) {
    const data: OnvifNtpData | undefined = ntp.outcome === 'ok' && ntp.body !== undefined ? { ...parseNtp(ntp.body), auth } : undefined;
    record('GetNTP', 'device', dev, ntp, data ? { ...data } : undefined, data ? { type: 'onvif.ntp', data: { ...data } } : undefined);
  }

  const protocols = await call('GetNetworkProtocols', 'device', dev, '<tds:GetNetworkProtocols/>');
  if (protocols) {
    const list = protocols.outcome === 'ok' && protocols.body !== undefined ? parseNetworkProtocols(protocols.body) : undefined;
    record('GetNetworkProtocols', 'device', dev, protocols, list ? { protocols: list } : undefined, list ? { type: 'onvif.network-protocols', data: { protocols: list, auth } } : undefined);
  }

  const hostname = await call('GetHostname', 'device', dev, '<tds:GetHostname/>');
  if (hostname) {
    const hi = hostname.outcome === 'ok' && hostname.body !== undefined ? child(hostname.body, 'HostnameInformation') : undefined;
    const data = hi !== undefined ? defined({ name: clean(textAt(hi, 'Name'), 100), fromDHCP: boolText(textAt(hi, 'FromDHCP')), auth }) : undefined;
    record('GetHostname', 'device', dev, hostname, data, data ? { type: 'onvif.hostname', data } : undefined);
  }

  const mediaUrl = rebase(ep, st.mediaXaddr, DEFAULT_MEDIA_PATH);
  const profiles = await call('GetProfiles', 'media', mediaUrl, '<trt:GetProfiles/>');
  if (!profiles) return;
  const list = profiles.outcome === 'ok' && profiles.body !== undefined ? parseProfiles(profiles.body) : undefined;
  record('GetProfiles', 'media', mediaUrl, profiles, list ? { profiles: list } : undefined);
  for (const p of (list ?? []).slice(0, MAX_STREAM_PROFILES)) {
    const body =
      '<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup>' +
      `<trt:ProfileToken>${p.token.replace(/[<>&"']/g, '')}</trt:ProfileToken></trt:GetStreamUri>`;
    const uriRes = await call('GetStreamUri', 'media', mediaUrl, body);
    if (!uriRes) break;
    const uri = uriRes.outcome === 'ok' && uriRes.body !== undefined ? clean(textAt(uriRes.body, 'MediaUri', 'Uri'), 500) : undefined;
    const data: OnvifStreamUriData | undefined = uri ? defined({ profile: p.token, profileName: p.name, uri, auth }) : undefined;
    st.facts.push(operationFact(host.address, service, { op: 'GetStreamUri', service: 'media', url: mediaUrl, auth, result: uriRes }, data ? { ...data } : undefined));
    const key = `onvif.stream-uri/${p.token}`;
    if (data && !st.emitted.has(key)) {
      st.emitted.add(key);
      st.facts.push(serviceFact(ID, 'onvif.stream-uri', host.address, service, { ...data }, uriRes.evidence));
    }
  }
}

export const onvifScanner: Scanner = {
  id: ID,
  description: 'ONVIF device/media services over SOAP: anonymous then (site credentials) authenticated reads, faults recorded',
  // Unknown silent ports too (as the HTTP scanner does): ONVIF often listens on vendor ports (2020, 8999 …).
  appliesTo: (s: Service) => s.proto === 'tcp' && (s.kind === 'http' || s.kind === 'https' || (s.kind === 'unknown' && !s.banner)),
  async collect(ctx, host, service) {
    const deadline = Date.now() + SCANNER_BUDGET_MS;
    const ep = endpointOf(host.address, service, discoveredPath(host, service));
    // The cheap probe: one anonymous GetSystemDateAndTime; anything but SOAP ends here, silently.
    const ourNow = Date.now();
    const probe = await soapCall(ctx.net, host.address, ep.deviceUrl, { action: action('device', 'GetSystemDateAndTime'), body: '<tds:GetSystemDateAndTime/>', namespaces: { tds: NS.tds } });
    if (probe.outcome !== 'ok' && probe.outcome !== 'fault') {
      if (probe.rejected && probe.rejected !== 'not-soap' && probe.rejected !== 'malformed' && probe.rejected !== 'empty') {
        // Hostile XML at the ONVIF path is worth a line, not a silence.
        ctx.warn(host.address, ID, `ONVIF probe answer refused: ${probe.reason}`, { port: service.port, code: 'EXML' });
      }
      return [];
    }
    const st: RoundState = { facts: [], emitted: new Set(), namespaces: [] };
    const endpoint: OnvifEndpointData = { url: ep.deviceUrl, scheme: ep.scheme, soapVersion: probe.version ?? '1.2' };
    st.facts.push(serviceFact(ID, 'onvif.endpoint', host.address, service, { ...endpoint }, probe.evidence));
    let skewMs = 0;
    if (probe.outcome === 'ok' && probe.body !== undefined) {
      const dt = parseDateTime(probe.body, ourNow + probe.ms / 2);
      if (dt.skewMs !== undefined) skewMs = dt.skewMs;
      st.facts.push(operationFact(host.address, service, { op: 'GetSystemDateAndTime', service: 'device', url: ep.deviceUrl, auth: 'none', result: probe }, { ...dt }));
      st.facts.push(serviceFact(ID, 'onvif.datetime', host.address, service, { ...dt }, probe.evidence));
      rememberSkew(ctx.net, ep.deviceUrl, skewMs);
    } else {
      st.facts.push(operationFact(host.address, service, { op: 'GetSystemDateAndTime', service: 'device', url: ep.deviceUrl, auth: 'none', result: probe }));
    }

    // Passive mode stops at the identification probe, as the other scanners do.
    if (ctx.mode === 'passive') return st.facts;
    await runRound(ctx, host, service, ep, 'none', undefined, skewMs, st, deadline);
    const credential = siteCredential(ctx.params);
    if (credential && !ctx.signal.aborted) {
      await runRound(ctx, host, service, ep, 'digest', credential, skewMs, st, deadline);
    }

    if (st.deviceInfo && (st.deviceInfo.manufacturer || st.deviceInfo.model || st.deviceInfo.firmwareVersion)) {
      const types = host.facts.filter((f) => f.type === 'wsdiscovery.match').flatMap((f) => (f.data as unknown as WsDiscoveryMatchData).types ?? []);
      const cls = classHint([...new Set(st.namespaces)], st.model, types);
      const identity: DeviceIdentityData = defined({
        class: cls,
        vendor: st.deviceInfo.manufacturer,
        model: st.deviceInfo.model,
        firmware: st.deviceInfo.firmwareVersion,
        source: `onvif GetDeviceInformation ${service.port}/tcp`,
      });
      st.facts.push(serviceFact(ID, 'device.identity', host.address, service, { ...identity }));
    }
    return st.facts;
  },
};

// ——— the credential protocol (driven by the credential engine, src/creds/) ———

const skews = new WeakMap<Net, Map<string, number>>();

function rememberSkew(net: Net, url: string, skewMs: number): void {
  let m = skews.get(net);
  if (!m) skews.set(net, (m = new Map()));
  m.set(url, skewMs);
}

/** The device clock's offset, from a scan already made or one anonymous GetSystemDateAndTime. */
async function skewOf(net: Net, host: string, url: string): Promise<number> {
  const known = skews.get(net)?.get(url);
  if (known !== undefined) return known;
  const ourNow = Date.now();
  const r = await soapCall(net, host, url, { action: action('device', 'GetSystemDateAndTime'), body: '<tds:GetSystemDateAndTime/>', namespaces: { tds: NS.tds } });
  const skew = r.outcome === 'ok' && r.body !== undefined ? (parseDateTime(r.body, ourNow + r.ms / 2).skewMs ?? 0) : 0;
  rememberSkew(net, url, skew);
  return skew;
}

/**
 * One ONVIF login attempt: GetDeviceInformation with a WS-UsernameToken
 * (PasswordDigest, dated by the device's clock). A real answer = accepted;
 * ter:NotAuthorized (or a WS-Security FailedAuthentication) or HTTP 401 =
 * rejected; 423/429/503 or a "locked" fault = lockout; anything else
 * (another fault, time-out, garbage) proves nothing = unknown. The credential
 * engine's negative control tells an open device (accepts anything) apart.
 * `deviceUrl` is the device service the scan found (default path otherwise).
 */
export function onvifLoginProtocol(deviceUrl?: string): CredentialProtocol {
  return {
    id: 'onvif',
    async attempt(ctx, host, service, credential): Promise<AttemptOutcome> {
      if (service.proto !== 'tcp') return { result: 'unknown', reason: 'not a TCP service' };
      const url = deviceUrl ?? endpointOf(host, service).deviceUrl;
      const skewMs = await skewOf(ctx.net, host, url);
      const r = await soapCall(ctx.net, host, url, {
        action: action('device', 'GetDeviceInformation'),
        body: '<tds:GetDeviceInformation/>',
        namespaces: { tds: NS.tds },
        credential,
        skewMs,
      });
      const evidence = r.evidence;
      if (r.status === 423 || r.status === 429 || r.status === 503 || (r.fault?.reason && /\block(ed)?\b|too many/i.test(r.fault.reason))) {
        return { result: 'lockout', evidence, reason: r.fault?.reason ?? `HTTP ${r.status}` };
      }
      if (r.outcome === 'ok' && r.bodyName === 'GetDeviceInformationResponse') {
        // The proven login also names the device: keep it for fingerprinting.
        const info = r.body !== undefined ? parseDeviceInfo(r.body, 'digest') : undefined;
        const identity: DeviceIdentityData | undefined =
          info && (info.manufacturer || info.model || info.firmwareVersion)
            ? defined({ vendor: info.manufacturer, model: info.model, firmware: info.firmwareVersion, source: `onvif GetDeviceInformation ${service.port}/tcp (proven login)` })
            : undefined;
        return { result: 'accepted', evidence, ...(identity ? { facts: [serviceFact(ID, 'device.identity', host, service, { ...identity })] } : {}) };
      }
      if (r.outcome === 'fault' && isAuthFault(r.fault)) return { result: 'rejected', evidence };
      if (r.status === 401) return { result: 'rejected', evidence };
      const why = r.outcome === 'fault' ? `SOAP fault ${r.fault?.subcode ?? r.fault?.code ?? ''}`.trim() : r.outcome === 'ok' ? `unexpected answer ${r.bodyName ?? ''}`.trim() : `${r.outcome}${r.reason ? `: ${r.reason}` : ''}`;
      return { result: 'unknown', evidence, reason: why.slice(0, 200) };
    },
  };
}

export const onvifProtocol: CredentialProtocol = onvifLoginProtocol();

/**
 * Where the credential engine can try ONVIF logins on a host: each device
 * service that answered SOAP. Shaped like src/creds' CredentialTarget (a
 * scanner does not import src/creds); the lead registers it with
 * `registerTargetFinder`.
 */
export function onvifCredentialTargets(host: HostState): { protocol: CredentialProtocol; service: Service; where: string }[] {
  const out: { protocol: CredentialProtocol; service: Service; where: string }[] = [];
  for (const f of host.facts) {
    if (f.type !== 'onvif.endpoint' || f.scanner !== ID) continue;
    const service = host.services.find((s) => s.port === f.port && s.proto === 'tcp');
    const url = (f.data as unknown as OnvifEndpointData).url;
    // Where GetDeviceInformation already answers without a token there is no login to prove:
    // that is onvif.unauthenticated, not a credential finding.
    const openRead = host.facts.some((o) => {
      if (o.type !== 'onvif.operation' || o.port !== f.port) return false;
      const d = o.data as unknown as OnvifOperationData;
      return d.op === 'GetDeviceInformation' && d.auth === 'none' && d.outcome === 'ok';
    });
    if (service && url && !openRead) out.push({ protocol: onvifLoginProtocol(url), service, where: url });
  }
  return out;
}
