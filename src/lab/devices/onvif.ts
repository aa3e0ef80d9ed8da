/**
 * A simulated ONVIF device: device and media services over SOAP 1.2, as a
 * node:http request handler. Configurable the ways real devices differ:
 * open (every read answers without a token, as many ship) or protected by
 * one account (WS-UsernameToken PasswordDigest checked against the device's
 * own clock, which may be off), users with their levels, NTP or manual time,
 * GetNTP/GetUsers not supported, and hostile answers (XXE, billion laughs,
 * 10 000-deep nesting, 10 MB, malformed, silence) for the parser tests.
 *
 * Built on node built-ins only; requests are read with regular expressions,
 * as a simulator needs no more (and must not share vigie's own parser).
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { HttpHandler } from './http.ts';

export type OnvifHostile = 'xxe' | 'billion-laughs' | 'deep' | 'huge' | 'malformed' | 'silent';

export interface OnvifDeviceConfig {
  info: { manufacturer: string; model: string; firmware: string; serial: string; hardwareId: string };
  /** When set, every operation but the pre-authentication ones needs a valid token for this account. */
  account?: { user: string; password: string };
  users: { name: string; level: 'Administrator' | 'Operator' | 'User' | 'Anonymous' }[];
  dateTimeType: 'NTP' | 'Manual';
  /** GetNTP's answer; undefined: GetNTP faults with ter:ActionNotSupported. */
  ntp?: { fromDHCP: boolean; servers: string[] };
  /** GetUsers faults with ter:ActionNotSupported. */
  usersUnsupported?: boolean;
  /** The device's clock minus the real one (ms): tokens must be dated by the device's clock. */
  clockOffsetMs?: number;
  hostname: string;
  profiles: { token: string; name: string }[];
  rtspPort?: number;
  /** A recorder: advertises the Receiver and Recording services. */
  recorder?: boolean;
  /** HTTP status sent with ter:NotAuthorized (devices use 400 or 401). */
  notAuthorizedStatus?: number;
  /** Every operation except GetSystemDateAndTime answers with this. */
  hostile?: OnvifHostile;
}

const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  ter: 'http://www.onvif.org/ver10/error',
};

/** Operations any client may call before authenticating (ONVIF Core, access class PRE_AUTH). */
const PRE_AUTH = new Set(['GetSystemDateAndTime', 'GetCapabilities', 'GetServices', 'GetWsdlUrl', 'GetServiceCapabilities', 'GetEndpointReference']);
const MAX_REQUEST = 64 * 1024;
const TOKEN_WINDOW_MS = 5 * 60 * 1000;

function envelope(body: string): string {
  const ns = Object.entries(NS)
    .map(([p, uri]) => ` xmlns:${p}="${uri}"`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope${ns}><s:Body>${body}</s:Body></s:Envelope>`;
}

function fault(code: 'Sender' | 'Receiver', subcode: string, reason: string): string {
  return envelope(
    `<s:Fault><s:Code><s:Value>s:${code}</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code>` +
      `<s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`,
  );
}

const esc = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

function dateTimeXml(d: Date): string {
  return (
    `<tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
    `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date>`
  );
}

/** The operation named by the first element of the Body. */
function operationOf(request: string): string | undefined {
  return /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w]+)/.exec(request)?.[1];
}

function tag(request: string, name: string): string | undefined {
  return new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>([^<]*)</(?:[\\w.-]+:)?${name}>`).exec(request)?.[1]?.trim();
}

type TokenVerdict = 'none' | 'ok' | 'bad';

/** Check a WS-UsernameToken PasswordDigest the way a device does, with its own clock. */
function checkToken(request: string, account: { user: string; password: string }, deviceNow: number): TokenVerdict {
  const user = tag(request, 'Username');
  const digest = tag(request, 'Password');
  const nonce = tag(request, 'Nonce');
  const created = tag(request, 'Created');
  if (user === undefined && digest === undefined) return 'none';
  if (!user || !digest || !nonce || !created) return 'bad';
  const when = Date.parse(created);
  if (!Number.isFinite(when) || Math.abs(when - deviceNow) > TOKEN_WINDOW_MS) return 'bad';
  const expected = createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created), Buffer.from(account.password)]))
    .digest('base64');
  return user === account.user && digest === expected ? 'ok' : 'bad';
}

function hostileBody(kind: Exclude<OnvifHostile, 'silent' | 'huge'>): string {
  switch (kind) {
    case 'xxe':
      return (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' +
        `<s:Envelope xmlns:s="${NS.s}" xmlns:tds="${NS.tds}"><s:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>&xxe;</tds:Manufacturer>` +
        '<tds:Model>XXE</tds:Model><tds:FirmwareVersion>1</tds:FirmwareVersion><tds:SerialNumber>1</tds:SerialNumber><tds:HardwareId>1</tds:HardwareId>' +
        '</tds:GetDeviceInformationResponse></s:Body></s:Envelope>'
      );
    case 'billion-laughs': {
      const ents = ['<!ENTITY lol "lol">'];
      for (let i = 1; i <= 9; i++) ents.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
      return (
        `<?xml version="1.0"?>\n<!DOCTYPE lolz [${ents.join('')}]>\n` +
        `<s:Envelope xmlns:s="${NS.s}" xmlns:tds="${NS.tds}"><s:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>&lol9;</tds:Manufacturer>` +
        '</tds:GetDeviceInformationResponse></s:Body></s:Envelope>'
      );
    }
    case 'deep':
      return `<s:Envelope xmlns:s="${NS.s}"><s:Body>${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}</s:Body></s:Envelope>`;
    case 'malformed':
      return `<s:Envelope xmlns:s="${NS.s}" xmlns:tds="${NS.tds}"><s:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>Half</s:Body>`;
  }
}

function sendHuge(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8' });
  res.write(`<s:Envelope xmlns:s="${NS.s}"><s:Body><x>`);
  const chunk = Buffer.alloc(64 * 1024, 'A');
  let left = 160; // 10 MB
  const pump = () => {
    while (left-- > 0) if (!res.write(chunk)) return void res.once('drain', pump);
    res.end('</x></s:Body></s:Envelope>');
  };
  res.on('error', () => undefined);
  pump();
}

/** Answer one operation (the caller has already decided it is allowed). */
function answer(op: string, request: string, cfg: OnvifDeviceConfig, base: string, deviceNow: Date): { status: number; body: string } {
  const ok = (body: string) => ({ status: 200, body: envelope(body) });
  const unsupported = () => ({ status: 500, body: fault('Receiver', 'ter:ActionNotSupported', 'Optional Action Not Implemented') });
  switch (op) {
    case 'GetSystemDateAndTime':
      return ok(
        `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>${cfg.dateTimeType}</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>` +
          `<tt:TimeZone><tt:TZ>CET-1CEST,M3.5.0,M10.5.0/3</tt:TZ></tt:TimeZone><tt:UTCDateTime>${dateTimeXml(deviceNow)}</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
      );
    case 'GetDeviceInformation': {
      const i = cfg.info;
      return ok(
        `<tds:GetDeviceInformationResponse><tds:Manufacturer>${esc(i.manufacturer)}</tds:Manufacturer><tds:Model>${esc(i.model)}</tds:Model>` +
          `<tds:FirmwareVersion>${esc(i.firmware)}</tds:FirmwareVersion><tds:SerialNumber>${esc(i.serial)}</tds:SerialNumber><tds:HardwareId>${esc(i.hardwareId)}</tds:HardwareId></tds:GetDeviceInformationResponse>`,
      );
    }
    case 'GetCapabilities': {
      const recorder = cfg.recorder
        ? `<tt:Extension><tt:Recording><tt:XAddr>${base}/onvif/recording_service</tt:XAddr></tt:Recording><tt:Receiver><tt:XAddr>${base}/onvif/receiver_service</tt:XAddr></tt:Receiver></tt:Extension>`
        : '';
      return ok(
        `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${base}/onvif/device_service</tt:XAddr></tt:Device>` +
          `<tt:Media><tt:XAddr>${base}/onvif/media_service</tt:XAddr></tt:Media>${recorder}</tds:Capabilities></tds:GetCapabilitiesResponse>`,
      );
    }
    case 'GetServices': {
      const svc = (ns: string, path: string) => `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${base}${path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
      const list = [svc(NS.tds, '/onvif/device_service'), svc(NS.trt, '/onvif/media_service')];
      if (cfg.recorder) list.push(svc('http://www.onvif.org/ver10/receiver/wsdl', '/onvif/receiver_service'), svc('http://www.onvif.org/ver10/recording/wsdl', '/onvif/recording_service'));
      else list.push(svc('http://www.onvif.org/ver20/imaging/wsdl', '/onvif/imaging_service'));
      return ok(`<tds:GetServicesResponse>${list.join('')}</tds:GetServicesResponse>`);
    }
    case 'GetUsers':
      if (cfg.usersUnsupported) return unsupported();
      return ok(`<tds:GetUsersResponse>${cfg.users.map((u) => `<tds:User><tt:Username>${esc(u.name)}</tt:Username><tt:UserLevel>${u.level}</tt:UserLevel></tds:User>`).join('')}</tds:GetUsersResponse>`);
    case 'GetNTP': {
      if (!cfg.ntp) return unsupported();
      const el = cfg.ntp.fromDHCP ? 'NTPFromDHCP' : 'NTPManual';
      const servers = cfg.ntp.servers
        .map((s) => (/^\d+\.\d+\.\d+\.\d+$/.test(s) ? `<tt:${el}><tt:Type>IPv4</tt:Type><tt:IPv4Address>${s}</tt:IPv4Address></tt:${el}>` : `<tt:${el}><tt:Type>DNS</tt:Type><tt:DNSname>${esc(s)}</tt:DNSname></tt:${el}>`))
        .join('');
      return ok(`<tds:GetNTPResponse><tds:NTPInformation><tt:FromDHCP>${cfg.ntp.fromDHCP}</tt:FromDHCP>${servers}</tds:NTPInformation></tds:GetNTPResponse>`);
    }
    case 'GetNetworkProtocols': {
      const scheme = base.startsWith('https') ? 'HTTPS' : 'HTTP';
      const port = Number(new URL(base).port);
      return ok(
        `<tds:GetNetworkProtocolsResponse><tds:NetworkProtocols><tt:Name>${scheme}</tt:Name><tt:Enabled>true</tt:Enabled><tt:Port>${port}</tt:Port></tds:NetworkProtocols>` +
          `<tds:NetworkProtocols><tt:Name>RTSP</tt:Name><tt:Enabled>${cfg.rtspPort ? 'true' : 'false'}</tt:Enabled><tt:Port>${cfg.rtspPort ?? 554}</tt:Port></tds:NetworkProtocols></tds:GetNetworkProtocolsResponse>`,
      );
    }
    case 'GetHostname':
      return ok(`<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP><tt:Name>${esc(cfg.hostname)}</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>`);
    case 'GetProfiles':
      return ok(`<trt:GetProfilesResponse>${cfg.profiles.map((p) => `<trt:Profiles token="${esc(p.token)}" fixed="true"><tt:Name>${esc(p.name)}</tt:Name></trt:Profiles>`).join('')}</trt:GetProfilesResponse>`);
    case 'GetStreamUri': {
      const token = tag(request, 'ProfileToken');
      const profile = cfg.profiles.find((p) => p.token === token);
      if (!profile) return { status: 400, body: fault('Sender', 'ter:InvalidArgVal', 'No such profile') };
      const host = new URL(base).hostname;
      return ok(
        `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>rtsp://${host}:${cfg.rtspPort ?? 554}/Streaming/Channels/${esc(profile.token)}</tt:Uri>` +
          '<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>',
      );
    }
    default:
      return unsupported();
  }
}

/** The request handler of one simulated ONVIF device. */
export function onvifHandler(cfg: OnvifDeviceConfig): HttpHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || !path?.startsWith('/onvif/')) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><head><title>404 Not Found</title></head><body>Not Found</body></html>');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST) {
        res.writeHead(413);
        res.end();
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const request = Buffer.concat(chunks).toString('utf8');
      const op = operationOf(request) ?? '';
      const deviceNow = new Date(Date.now() + (cfg.clockOffsetMs ?? 0));
      const local = req.socket.localAddress ?? '127.0.0.1';
      const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      const base = `${scheme}://${local}:${req.socket.localPort}`;
      const send = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8', server: 'gSOAP/2.8' });
        res.end(body);
      };
      if (cfg.hostile && op !== 'GetSystemDateAndTime') {
        if (cfg.hostile === 'silent') return; // headers never come: the client's time-out decides
        if (cfg.hostile === 'huge') return sendHuge(res);
        return send(200, hostileBody(cfg.hostile));
      }
      if (cfg.account && !PRE_AUTH.has(op)) {
        const verdict = checkToken(request, cfg.account, deviceNow.getTime());
        if (verdict !== 'ok') {
          return send(cfg.notAuthorizedStatus ?? 400, fault('Sender', 'ter:NotAuthorized', verdict === 'none' ? 'Sender not Authorized' : 'The security token could not be authenticated or authorized'));
        }
      }
      const a = answer(op, request, cfg, base, deviceNow);
      send(a.status, a.body);
    });
  };
}

// ——— the lab's ONVIF devices (used by src/lab/personalities.ts) ———

const LAB_PROFILES = [
  { token: 'Profile_1', name: 'mainStream' },
  { token: 'Profile_2', name: 'subStream' },
];

/** As shipped: reads answer without a token, three administrators, manual clock. */
export const OPEN_CAMERA: OnvifDeviceConfig = {
  info: { manufacturer: 'HIKVISION', model: 'DS-2CD2143G0-I', firmware: 'V5.5.0 build 170725', serial: 'DS-2CD2143G0-I20170101AAWR123456789', hardwareId: '88' },
  users: [
    { name: 'admin', level: 'Administrator' },
    { name: 'install', level: 'Administrator' },
    { name: 'operator', level: 'Administrator' },
    { name: 'viewer', level: 'User' },
  ],
  dateTimeType: 'Manual',
  ntp: { fromDHCP: false, servers: [] },
  hostname: 'IPC-entrance',
  profiles: LAB_PROFILES,
};

/** Hardened: one account, every protected operation refused without a token (HTTP 401 + fault), NTP, clock 2 h ahead. */
export function secureCamera(account: { user: string; password: string }): OnvifDeviceConfig {
  return {
    info: { manufacturer: 'AXIS', model: 'P3245-LVE', firmware: '10.12.182', serial: 'ACCC8E000001', hardwareId: '7C1' },
    account,
    users: [
      { name: account.user, level: 'Administrator' },
      { name: 'operator', level: 'Operator' },
      { name: 'viewer', level: 'User' },
    ],
    dateTimeType: 'NTP',
    ntp: { fromDHCP: false, servers: ['10.20.0.1', 'ntp.site.invalid'] },
    clockOffsetMs: 2 * 3600 * 1000,
    hostname: 'axis-parking',
    profiles: LAB_PROFILES,
    notAuthorizedStatus: 401,
  };
}

/** A recorder that reads openly but implements neither GetNTP nor GetUsers. */
export const NTP_FAULT_RECORDER: OnvifDeviceConfig = {
  info: { manufacturer: 'Dahua', model: 'NVR4216-16P-4KS2', firmware: 'V4.001.0000000.3', serial: '5J0A1B2PAZ00001', hardwareId: '1.00' },
  users: [{ name: 'admin', level: 'Administrator' }],
  usersUnsupported: true,
  dateTimeType: 'NTP',
  hostname: 'nvr-main',
  profiles: [{ token: 'MediaProfile00000', name: 'Channel1' }],
  recorder: true,
};

/** A device whose every answer after GetSystemDateAndTime is hostile. */
export function hostileDevice(hostile: OnvifHostile): OnvifDeviceConfig {
  return { ...OPEN_CAMERA, dateTimeType: 'NTP', hostile };
}
