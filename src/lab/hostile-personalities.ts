/**
 * Hostile devices for the hostile suite (test/hostile/): one misbehaviour per
 * personality, on every protocol of the catalogue at once (telnet, FTP, SSH,
 * HTTP, HTTPS, RTSP, RTSPS, SIP, SIPS; SNMP, SIP, SSDP and WS-Discovery over
 * UDP), plus devices whose every banner, title, realm, Server header and
 * model name carries `<script>` and ANSI escape sequences, and a TLS server
 * with absurd certificates. They complete the older single-protocol ones
 * (tarpit, flood, telnet-iac-storm, ftp-garbage, rtsp-*, ssh-hostile,
 * tls-reset/broken-hello/silent, onvif-hostile, sip-hostile, snmp-garbage).
 *
 * `expected` is what a scan may still conclude honestly (a telnet banner that
 * drips still proves telnet answers); everything else must end as an error
 * line or not-evaluated, never as a verdict drawn from garbage.
 * Node built-ins, node-forge and net-snmp only: the lab never uses vigie's code.
 */
import http from 'node:http';
import type net from 'node:net';
import type tls from 'node:tls';
import { countedServer, type Tally } from './server.ts';
import type { Personality, ServiceEnv, ServiceSpec, UdpServiceSpec } from './personalities.ts';
import { misbehave, type HostileKind, type HostileSpeech } from './devices/hostile.ts';
import { telnetHandler } from './devices/telnet.ts';
import { ftpHandler } from './devices/ftp.ts';
import { rtspHandler } from './devices/rtsp.ts';
import { sipStreamHandler, startSipUdp } from './devices/sip.ts';
import { startSsdp } from './devices/ssdp.ts';
import { startWsdResponder } from './devices/wsdiscovery.ts';
import { garbageAnswers, hostileUdp, requestIdOf, snmpAgent } from './devices/snmp.ts';
import { onvifHandler, OPEN_CAMERA } from './devices/onvif.ts';
import { labHostKey, sshDevice } from './devices/ssh.ts';
import { absurdCertificate } from './hostile-pki.ts';
import { MODERN_TLS } from './devices/tls.ts';

/** What every hostile string carries: markup for the reports, a Markdown fence to break out of, escape sequences for the terminal. */
export const MARKUP = '<script>alert(1)</script>```\x1b[2J\x1b]0;pwned\x07\x1b[31mRED';
/** The same without control characters, where a protocol cannot carry them at all (HTTP header values). */
export const MARKUP_PRINTABLE = '<script>alert(1)</script>```<img src=x onerror=alert(2)>';

const CRLF = '\r\n';
const b = (s: string) => Buffer.from(s, 'latin1');

/** A ServerHello record of TLS 1.2 choosing ECDHE-RSA-AES128-GCM-SHA256 (no certificate follows). */
function serverHelloRecord(): Buffer {
  const body = Buffer.concat([Buffer.from([0x03, 0x03]), Buffer.alloc(32, 0x11), Buffer.from([0x00, 0xc0, 0x2f, 0x00])]);
  const hs = Buffer.concat([Buffer.from([0x02, 0x00, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x03, hs.length >> 8, hs.length & 0xff]), hs]);
}

/** An endless handshake: a Certificate message announcing 16 MB, then 16 KB records of it for ever. */
const TLS_ENDLESS_HEAD = Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00, 0x0b, 0xff, 0xff, 0xff]), Buffer.alloc(0x4000 - 4)]);
const TLS_RECORD = Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00]), Buffer.alloc(0x4000)]);

const headerLine = (n: number) => b(`X-Header-${n}: ${'v'.repeat(24)}${CRLF}`);

/** Each protocol's first message, and how it goes on for ever. */
export const SPEECH: Record<string, HostileSpeech> = {
  telnet: {
    serverFirst: true,
    message: Buffer.concat([Buffer.from([255, 251, 1, 255, 251, 3]), b(`${CRLF}IPCAM login: `)]),
    endlessHead: Buffer.alloc(0),
    endlessUnit: (n) => Buffer.from([255, 253, n % 250]),
  },
  ftp: { serverFirst: true, message: b(`220-Welcome${CRLF}220 FTP server ready${CRLF}`), endlessHead: b(`220-Welcome${CRLF}`), endlessUnit: (n) => b(`220-line ${n}${CRLF}`) },
  ssh: { serverFirst: true, message: b(`SSH-2.0-OpenSSH_9.9${CRLF}`), endlessHead: b('SSH-2.0-'), endlessUnit: () => b('A'.repeat(64)) },
  http: {
    serverFirst: false,
    message: b(`HTTP/1.1 200 OK${CRLF}Server: hostile${CRLF}Content-Type: text/html${CRLF}Content-Length: 52${CRLF}${CRLF}<html><head><title>Camera</title></head><body></body></html>`),
    endlessHead: b(`HTTP/1.1 200 OK${CRLF}`),
    endlessUnit: headerLine,
  },
  rtsp: { serverFirst: false, message: b(`RTSP/1.0 200 OK${CRLF}CSeq: 1${CRLF}Public: OPTIONS, DESCRIBE${CRLF}${CRLF}`), endlessHead: b(`RTSP/1.0 200 OK${CRLF}CSeq: 1${CRLF}`), endlessUnit: headerLine },
  sip: {
    serverFirst: false,
    message: b(`SIP/2.0 200 OK${CRLF}Via: SIP/2.0/TCP 127.0.0.1${CRLF}CSeq: 1 OPTIONS${CRLF}Content-Length: 0${CRLF}${CRLF}`),
    endlessHead: b(`SIP/2.0 200 OK${CRLF}`),
    endlessUnit: headerLine,
  },
  tls: { serverFirst: false, message: serverHelloRecord(), endlessHead: TLS_ENDLESS_HEAD, endlessUnit: () => TLS_RECORD },
};

/** The TCP ports of the catalogue, each with the protocol it pretends to speak. */
const TCP_PORTS: { name: string; port: number; speech: string }[] = [
  { name: 'ftp', port: 21, speech: 'ftp' },
  { name: 'ssh', port: 22, speech: 'ssh' },
  { name: 'telnet', port: 23, speech: 'telnet' },
  { name: 'http', port: 80, speech: 'http' },
  { name: 'https', port: 443, speech: 'tls' },
  { name: 'rtsps', port: 322, speech: 'tls' },
  { name: 'rtsp', port: 554, speech: 'rtsp' },
  { name: 'sip-tcp', port: 5060, speech: 'sip' },
  { name: 'sips', port: 5061, speech: 'tls' },
];

function hostileTcp(kind: HostileKind): ServiceSpec[] {
  return TCP_PORTS.map(({ name, port, speech }) => {
    const s = SPEECH[speech]!;
    return { name, port, create: (env: ServiceEnv) => countedServer(env.tally, misbehave(kind, s)) };
  });
}

// ——— hostile UDP answers ———

function berLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const ber = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), berLength(content.length), content]);
const berInt = (n: number) => {
  const x = Buffer.alloc(4);
  x.writeInt32BE(n);
  return ber(0x02, x);
};

/**
 * SNMP answers with huge varbinds, all carrying the request's id: 5000
 * varbinds in one Response, an OID of 10 000 arcs, a 60 KB sysDescr.
 */
export function hugeVarbindAnswers(request: Buffer): Buffer[] {
  const id = requestIdOf(request) ?? 1;
  const response = (varbinds: Buffer) => ber(0x30, Buffer.concat([berInt(1), ber(0x04, b('public')), ber(0xa2, Buffer.concat([berInt(id), berInt(0), berInt(0), ber(0x30, varbinds)]))]));
  const sysDescr = ber(0x06, Buffer.from([0x2b, 6, 1, 2, 1, 1, 1, 0]));
  const many = Buffer.concat(Array.from({ length: 5000 }, () => ber(0x30, Buffer.concat([sysDescr, ber(0x05, Buffer.alloc(0))]))));
  const longOid = ber(0x06, Buffer.concat([Buffer.from([0x2b]), Buffer.alloc(10_000, 0x01)]));
  return [
    response(many),
    response(ber(0x30, Buffer.concat([longOid, ber(0x05, Buffer.alloc(0))]))),
    response(ber(0x30, Buffer.concat([sysDescr, ber(0x04, Buffer.alloc(60_000, 0x42))]))),
  ];
}

/** The MessageID of a WS-Discovery Probe, if any. */
function messageIdOf(probe: Buffer): string | undefined {
  return /<(?:[\w.-]+:)?MessageID[^>]*>([^<]{1,200})</.exec(probe.toString('utf8'))?.[1];
}

/** ProbeMatches that relate to the Probe (so they pass correlation) and are hostile XML. */
export function hostileProbeMatches(probe: Buffer, kinds: readonly ('xxe' | 'laughs' | 'deep' | 'huge' | 'markup')[]): Buffer[] {
  const id = messageIdOf(probe);
  if (!id) return [];
  const head = (extra = '') =>
    `<?xml version="1.0"?>${extra}<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">` +
    `<s:Header><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action><a:RelatesTo>${id}</a:RelatesTo></s:Header><s:Body><d:ProbeMatches>`;
  const tail = '</d:ProbeMatches></s:Body></s:Envelope>';
  const match = (scopes: string) => `<d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:hostile</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>${scopes}</d:Scopes><d:XAddrs>http://127.0.0.1/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch>`;
  const out: string[] = [];
  for (const kind of kinds) {
    if (kind === 'xxe') out.push(`${head('<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>')}${match('&x;')}${tail}`);
    else if (kind === 'laughs') {
      const ents = ['<!ENTITY l0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join('');
      out.push(`${head(`<!DOCTYPE s [${ents}]>`)}${match('&l9;')}${tail}`);
    } else if (kind === 'deep') out.push(`${head()}${'<x>'.repeat(10_000)}${'</x>'.repeat(10_000)}${tail}`);
    else if (kind === 'huge') out.push(`${head()}${match(Array.from({ length: 1500 }, (_, i) => `onvif://www.onvif.org/name/n${i}`).join(' '))}${tail}`);
    else {
      const name = encodeURIComponent(MARKUP);
      out.push(`${head()}${match(`onvif://www.onvif.org/name/${name} onvif://www.onvif.org/hardware/${name} onvif://www.onvif.org/location/${name}`)}${tail}`);
    }
  }
  return out.map((x) => Buffer.from(x, 'utf8'));
}

/** SSDP answers: 300 datagrams of junk, then one 60 KB answer with endless headers. */
export function ssdpFlood(): Buffer[] {
  const junk = Array.from({ length: 300 }, (_, i) => b(`HTTP/1.1 200 OK${CRLF}ST: junk-${i}${CRLF}${'x'.repeat(900)}${CRLF}${CRLF}`));
  const endless = b(`HTTP/1.1 200 OK${CRLF}${Array.from({ length: 1800 }, (_, i) => `X-H${i}: ${'v'.repeat(24)}`).join(CRLF)}${CRLF}`);
  return [...junk, endless.subarray(0, 60_000)];
}

const udp = (name: string, port: number, start: UdpServiceSpec['start']): UdpServiceSpec => ({ name, port, start });
const silentUdp = (name: string, port: number) => udp(name, port, hostileUdp('silent'));
const isMSearch = (req: Buffer) => /^M-SEARCH /.test(req.subarray(0, 16).toString('latin1'));
const isProbe = (req: Buffer) => req.includes('Probe');

// ——— hostile markup on every protocol ———

/** A raw HTTP answer (node:http refuses control characters in header values; a device does not). */
function rawHttp(answer: (path: string) => string) {
  return (socket: net.Socket) => {
    let got = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString('latin1');
      if (got.length > 16 * 1024) return void socket.destroy();
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const path = /^\S+ (\S+)/.exec(got)?.[1] ?? '/';
      socket.end(Buffer.from(answer(path), 'latin1'));
    });
  };
}

function markupPage(headerText: string): (path: string) => string {
  return () => {
    const body = `<html><head><title>${MARKUP}</title></head><body><h1>${MARKUP}</h1><form><input type="password"></form></body></html>`;
    return [
      'HTTP/1.1 401 Unauthorized',
      `Server: ${headerText}`,
      `WWW-Authenticate: Basic realm="${headerText.replace(/"/g, "'")}"`,
      'Content-Type: text/html',
      `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
      'Connection: close',
      '',
      body,
    ].join(CRLF);
  };
}

function onvifWeb(tally: Tally): net.Server {
  const server = http.createServer(
    onvifHandler({ ...OPEN_CAMERA, info: { manufacturer: MARKUP, model: MARKUP, firmware: MARKUP, serial: MARKUP, hardwareId: MARKUP }, hostname: 'cam-markup', users: [{ name: MARKUP, level: 'Administrator' }] }),
  );
  server.on('connection', (socket: net.Socket) => tally.opened(socket));
  server.on('clientError', (_err, socket) => socket.destroy());
  return server;
}

/** HTTPS with modern settings (only the certificate is absurd), serving a login form. */
function httpsWith(certificate: (env: ServiceEnv) => tls.TlsOptions, port = 443, name = 'https'): ServiceSpec {
  const body = '<html><head><title>Camera</title></head><body><form><input type="password"></form></body></html>';
  const answer = `HTTP/1.1 200 OK${CRLF}Content-Type: text/html${CRLF}Content-Length: ${body.length}${CRLF}Connection: close${CRLF}${CRLF}${body}`;
  return { name, port, create: (env) => countedServer(env.tally, rawHttp(() => answer), { ...certificate(env), ...MODERN_TLS }) };
}

export const HOSTILE_PERSONALITIES: Record<string, Personality> = {
  'hostile-silent': {
    id: 'hostile-silent',
    class: 'unknown',
    description: 'Every TCP port of the catalogue accepts and never says a word; SNMP, SIP, SSDP and WS-Discovery listen and never answer',
    services: hostileTcp('silent'),
    udpServices: [silentUdp('snmp', 161), silentUdp('sip', 5060), silentUdp('ssdp', 1900), silentUdp('wsdiscovery', 3702)],
    // Discovery names the ports by number; nothing more can be concluded.
    expected: [],
  },
  'hostile-drip': {
    id: 'hostile-drip',
    class: 'unknown',
    description: 'Every TCP port answers with a plausible first message at one byte per second',
    services: hostileTcp('drip'),
    // Two bytes of telnet negotiation arrive within a read: telnet answers, slowly.
    expected: ['proto.telnet-enabled'],
  },
  'hostile-flood': {
    id: 'hostile-flood',
    class: 'unknown',
    description: 'Every TCP port sends its first message then 100 MB; SNMP answers 5000 varbinds, a 10 000-arc OID and a 60 KB value; SSDP answers 300 junk datagrams and a 60 KB one; WS-Discovery a 60 KB ProbeMatch',
    services: hostileTcp('flood'),
    udpServices: [
      udp('snmp', 161, hostileUdp((req) => hugeVarbindAnswers(req))),
      udp('ssdp', 1900, hostileUdp((req) => (isMSearch(req) ? ssdpFlood() : []))),
      udp('wsdiscovery', 3702, hostileUdp((req) => (isProbe(req) ? hostileProbeMatches(req, ['huge']) : []))),
    ],
    // Before the flood, true answers: a telnet negotiation, a web page over HTTP, a ProbeMatch,
    // and a well-formed SNMP Response with data to any community (its 60 KB sysDescr is cut, not refused).
    expected: ['proto.telnet-enabled', 'http.cleartext-admin', 'inventory.onvif-discoverable', 'snmp.community-readable', 'snmp.v1v2c-enabled'],
  },
  'hostile-reset': {
    id: 'hostile-reset',
    class: 'unknown',
    description: 'Every TCP port sends half of its first message (half a TLS ServerHello, half an SSH identification …) then resets the connection',
    services: hostileTcp('reset'),
    // Half a telnet negotiation is still a telnet server answering.
    expected: ['proto.telnet-enabled'],
  },
  'hostile-endless': {
    id: 'hostile-endless',
    class: 'unknown',
    description: 'Messages that never end: endless HTTP/RTSP/SIP headers, FTP continuation lines, telnet IAC storm, SSH identification without end, TLS handshake records; SNMP answers malformed BER; WS-Discovery answers XXE, billion laughs and 10 000-deep nesting',
    services: hostileTcp('endless'),
    udpServices: [
      udp('snmp', 161, hostileUdp(() => garbageAnswers())),
      udp('wsdiscovery', 3702, hostileUdp((req) => (isProbe(req) ? hostileProbeMatches(req, ['xxe', 'laughs', 'deep']) : []))),
    ],
    // An IAC storm is option negotiation: telnet answers.
    expected: ['proto.telnet-enabled'],
  },
  'hostile-markup': {
    id: 'hostile-markup',
    class: 'unknown',
    description: '<script> and ANSI escape sequences in every banner, title, realm, Server header, model name, SNMP and UPnP string, WS-Discovery scope and certificate subject',
    services: [
      { name: 'telnet', port: 23, create: (env) => countedServer(env.tally, telnetHandler({ banner: MARKUP })) },
      { name: 'ftp', port: 21, create: (env) => countedServer(env.tally, ftpHandler({ banner: MARKUP, anonymous: false })) },
      // Port 80 carries markup in its headers (what HTTP allows), 8080 escape sequences too (what devices send anyway).
      { name: 'http', port: 80, create: (env) => countedServer(env.tally, rawHttp(markupPage(MARKUP_PRINTABLE))) },
      { name: 'http-ansi', port: 8080, create: (env) => countedServer(env.tally, rawHttp(markupPage(MARKUP))) },
      { name: 'onvif', port: 8899, create: (env) => onvifWeb(env.tally) },
      { name: 'rtsp', port: 554, create: (env) => countedServer(env.tally, rtspHandler({ server: MARKUP, realm: MARKUP, mounts: [{ path: '/live', auth: 'basic' }] }, env.tally, env.address)) },
      { name: 'sip-tcp', port: 5060, create: (env) => countedServer(env.tally, sipStreamHandler({ server: MARKUP }, env.tally, 'tcp')) },
      {
        name: 'ssh',
        port: 22,
        create: (env) =>
          countedServer(
            env.tally,
            sshDevice(env.address, {
              ident: `OpenSSH_9.9 ${MARKUP_PRINTABLE}`,
              algorithms: { kex: ['curve25519-sha256'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-gcm@openssh.com'], hmac: ['hmac-sha2-256-etm@openssh.com'], compress: ['none'] },
              hostKey: labHostKey('ed25519'),
              strictKex: true,
              authMethods: ['publickey'],
            }),
          ),
      },
      httpsWith((env) => absurdCertificate(env.address, 'markup')),
    ],
    udpServices: [
      udp('snmp', 161, (env, port) =>
        snmpAgent({
          communities: [{ name: 'public', access: 'read-only' }],
          system: { descr: MARKUP, objectId: '1.3.6.1.4.1.99999.1', contact: MARKUP, name: MARKUP, location: MARKUP },
          interfaces: [{ index: 1, descr: MARKUP, type: 6, admin: 1, oper: 1, alias: MARKUP }],
        })(env, port),
      ),
      udp('sip', 5060, (env, port) => startSipUdp({ server: MARKUP }, env.tally, env.address, port)),
      udp('ssdp', 1900, (env, port) => startSsdp({ server: MARKUP, uuid: 'a1b2c3d4-0000-1000-8000-00a0c9e0f0ff' }, env.tally, env.address, port)),
      udp('wsdiscovery', 3702, hostileUdp((req) => (isProbe(req) ? hostileProbeMatches(req, ['markup']) : []))),
    ],
    // The services are real, only their strings are hostile: every verdict they earn is drawn as on any device.
    expected: [
      'proto.telnet-enabled',
      'proto.ftp-enabled',
      'http.cleartext-admin',
      'http.basic-over-cleartext',
      'rtsp.basic-auth',
      'rtsp.cleartext',
      'sip.cleartext',
      'ssdp.upnp-enabled',
      'snmp.community-readable',
      'snmp.v1v2c-enabled',
      'inventory.onvif-discoverable',
      'onvif.unauthenticated',
      'onvif.cleartext',
      'onvif.ntp-not-configured',
      'time.ntp-not-configured',
      'tls.cert-self-signed',
    ],
  },
  'hostile-cert': {
    id: 'hostile-cert',
    class: 'unknown',
    description: 'TLS servers whose certificates have absurd fields: a 10 KB subject, notAfter in year 9999, a negative serial number, 500 names, markup in the subject',
    services: [httpsWith((env) => absurdCertificate(env.address, 'huge-subject')), httpsWith((env) => absurdCertificate(env.address, 'negative-serial'), 8443, 'https-alt')],
    // Self-signed is all there is to say: year 9999 is not expired, a negative serial is no verdict.
    expected: ['tls.cert-self-signed'],
  },
};

/** One hostile device per misbehaviour, for a site with hostile devices in it. */
export const HOSTILE_IDS = Object.keys(HOSTILE_PERSONALITIES);
