/**
 * Device personalities of the simulated site. Each one says which services it
 * runs and which checks must fire on it (its ground truth): tests and the
 * benchmark compare vigie's findings with that list, both ways.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { DeviceClass } from '../core/model.ts';
import { countedServer, type Tally } from './server.ts';
import { telnetHandler } from './devices/telnet.ts';
import { basicAuthAdmin, digestAuthAdmin, loginFormPage, redirectToHttps, type HttpHandler } from './devices/http.ts';
import { ftpHandler } from './devices/ftp.ts';
import { Accounts } from './accounts.ts';
import { LAB_SECRETS } from './secrets.ts';
import { rtsp, sipTcp, sipUdp } from './stream-personalities.ts';
import { flood, tarpit } from './devices/hostile.ts';
import { labHostKey, modernSshOptions, sshDevice, sshEndlessIdent, sshJunkBeforeIdent, sshResetMidHandshake, type SshDeviceOptions } from './devices/ssh.ts';
import type { LabPki } from './site.ts';
import { STREAM_PERSONALITIES } from './stream-personalities.ts';
import { TLS_PERSONALITIES } from './tls-personalities.ts';
import { SNMP_PERSONALITIES } from './snmp-personalities.ts';
import { HOSTILE_PERSONALITIES } from './hostile-personalities.ts';
import { SUPERVISION_PERSONALITIES } from './supervision-personalities.ts';
import { NTP_FAULT_RECORDER, OPEN_CAMERA, hostileDevice, onvifHandler, secureCamera, type OnvifDeviceConfig, type OnvifHostile } from './devices/onvif.ts';
import { startWsdResponder, type WsdResponderConfig } from './devices/wsdiscovery.ts';

export interface ServiceEnv {
  address: string;
  tally: Tally;
  pki: LabPki;
  /** Ports already bound for this device, by service name (e.g. where HTTPS ended up). */
  ports: Record<string, number>;
  /** The device's accounts, shared by all its services (as on a real camera). */
  accounts: Accounts;
}

export interface ServiceSpec {
  /** Name inside the personality, e.g. "http", "https", "telnet". */
  name: string;
  port: number;
  /** Make the (not yet listening) server. */
  create(env: ServiceEnv): net.Server;
}

/** A UDP service (SNMP agent, SIP over UDP …): it binds its own socket, so the site hands it a port to try. */
export interface UdpServiceSpec {
  /** Name inside the personality, e.g. "snmp"; its port is in `RunningSite.udpPorts[name]`. */
  name: string;
  port: number;
  /** Bind to `address:port` and serve; reject with EADDRINUSE/EACCES to make the site try another port. */
  start(env: ServiceEnv, port: number): Promise<{ close(): Promise<void> }>;
}

export interface Personality {
  id: string;
  class: DeviceClass;
  description: string;
  services: ServiceSpec[];
  udpServices?: UdpServiceSpec[];
  /** Checks that must fire on this device (with no port: anywhere on it). Inventory is implied. */
  expected: string[];
  /** Accounts of the device (user → password) and the lockout threshold, if any. */
  accounts?: { users: Record<string, string>; lockAfter?: number };
}

/** A web server that serves ONVIF at /onvif/… and the device's web UI everywhere else, as cameras do. */
function withOnvif(onvif: HttpHandler, web: HttpHandler): HttpHandler {
  return (req, res) => ((req.url ?? '').startsWith('/onvif/') ? onvif(req, res) : web(req, res));
}

/** ONVIF that needs a WS-UsernameToken for one account (the device's factory one, on legacy devices), clock on time. */
function protectedOnvif(account: { user: string; password: string }, info: OnvifDeviceConfig['info'], hostname: string): HttpHandler {
  return onvifHandler({ ...secureCamera(account), info, clockOffsetMs: 0, hostname });
}

function httpServer(tally: Tally, handler: HttpHandler, tlsOpts?: { key: string; cert: string }): net.Server {
  const server = tlsOpts ? https.createServer(tlsOpts, handler) : http.createServer(handler);
  server.on('connection', (socket: net.Socket) => tally.opened(socket));
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);
  server.keepAliveTimeout = 1000;
  server.headersTimeout = 5000;
  server.requestTimeout = 5000;
  return server;
}

export const PERSONALITIES: Record<string, Personality> = {
  'legacy-camera': {
    id: 'legacy-camera',
    class: 'camera',
    description: 'Older IP camera as shipped: telnet and FTP on, web UI over plain HTTP behind Basic authentication with the factory password',
    accounts: {
      users: {
        [LAB_SECRETS.legacyCameraHttp.user]: LAB_SECRETS.legacyCameraHttp.password,
        [LAB_SECRETS.legacyCameraTelnet.user]: LAB_SECRETS.legacyCameraTelnet.password,
      },
    },
    services: [
      { name: 'telnet', port: 23, create: (env) => countedServer(env.tally, telnetHandler({ banner: 'BusyBox v1.19.4 (2016-03-11) built-in shell — IPCAM', accounts: env.accounts })) },
      { name: 'ftp', port: 21, create: (env) => countedServer(env.tally, ftpHandler({ banner: 'IPCAM FTP server ready', anonymous: true, accounts: env.accounts })) },
      {
        name: 'http',
        port: 80,
        create: (env) =>
          httpServer(
            env.tally,
            withOnvif(
              onvifHandler({ ...OPEN_CAMERA, info: { ...OPEN_CAMERA.info, model: 'DS-2CD2032-I', firmware: 'V5.2.0 build 140721', serial: 'DS-2CD2032-I20140801CCWR4711' }, hostname: 'cam-entrance' }),
              basicAuthAdmin({ realm: 'DS-2CD2032-I', server: 'App-webs/', title: 'IP Camera', accounts: env.accounts }),
            ),
          ),
      },
      // The main stream is served to anyone: images of people readable without a password.
      rtsp({ server: 'Hikvision RTSP Server', mounts: [{ path: '/Streaming/Channels/101', auth: 'none' }] }),
    ],
    expected: [
      'proto.telnet-enabled',
      'proto.ftp-enabled',
      'ftp.anonymous',
      'http.cleartext-admin',
      'http.basic-over-cleartext',
      'cred.default-accepted',
      'cred.reused',
      'rtsp.unauthenticated-stream',
      'rtsp.cleartext',
      'inventory.onvif-discoverable',
      'onvif.unauthenticated',
      'onvif.cleartext',
      'onvif.users-privilege',
      'onvif.ntp-not-configured',
      'time.ntp-not-configured',
      // DS-2CD2032-I V5.2.0 build 140721 (read anonymously over ONVIF) is inside CVE-2017-7921 and CVE-2017-7923.
      'firmware.known-vulnerable',
    ],
    udpServices: [
      wsDiscoveryResponder((env) => ({
        types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
        scopes: ['onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/hardware/DS-2CD2032-I', 'onvif://www.onvif.org/name/HIKVISION'],
        xaddrs: [`http://${env.address}:${env.ports.http}/onvif/device_service`],
      })),
    ],
  },
  'digest-camera': {
    id: 'digest-camera',
    class: 'camera',
    description: 'Camera of a few years ago: web UI over plain HTTP behind Digest authentication, factory password unchanged',
    accounts: { users: { [LAB_SECRETS.digestCameraHttp.user]: LAB_SECRETS.digestCameraHttp.password } },
    services: [
      {
        name: 'http',
        port: 80,
        create: (env) =>
          httpServer(
            env.tally,
            withOnvif(
              protectedOnvif(LAB_SECRETS.digestCameraHttp, { manufacturer: 'Hanwha Techwin', model: 'XNV-6080', firmware: '1.41.00', serial: 'ZNDF70000123', hardwareId: 'XNV-6080' }, 'cam-lobby'),
              digestAuthAdmin({ realm: 'Wisenet camera', title: 'Wisenet WebViewer', accounts: env.accounts, passwords: { [LAB_SECRETS.digestCameraHttp.user]: LAB_SECRETS.digestCameraHttp.password } }),
            ),
          ),
      },
      // RTSP behind Basic, same factory account as the web UI.
      rtsp({ server: 'Wisenet RTSP', realm: 'Wisenet camera', mounts: [{ path: '/profile2/media.smp', auth: 'basic' }] }),
    ],
    expected: ['http.cleartext-admin', 'cred.default-accepted', 'rtsp.basic-auth', 'rtsp.cleartext', 'onvif.cleartext'],
  },
  'access-controller': {
    id: 'access-controller',
    class: 'access-controller',
    description: 'Door access controller: telnet for the vendor (a non-default root password) and a Basic-auth web UI with the factory password',
    accounts: {
      users: {
        [LAB_SECRETS.accessControllerHttp.user]: LAB_SECRETS.accessControllerHttp.password,
        root: LAB_SECRETS.accessControllerTelnet.password,
      },
    },
    services: [
      { name: 'telnet', port: 23, create: (env) => countedServer(env.tally, telnetHandler({ banner: 'Access Controller OS 2.1', accounts: env.accounts })) },
      {
        name: 'http',
        port: 80,
        create: (env) =>
          httpServer(
            env.tally,
            withOnvif(
              protectedOnvif(LAB_SECRETS.accessControllerHttp, { manufacturer: 'HIKVISION', model: 'DS-K2604', firmware: 'V1.2.0 build 170616', serial: 'DS-K260420170616V010200ENC00001', hardwareId: '0x0' }, 'door-1'),
              basicAuthAdmin({ realm: 'DS-K2604 access controller', title: 'Access Control', accounts: env.accounts }),
            ),
          ),
      },
    ],
    expected: ['proto.telnet-enabled', 'http.cleartext-admin', 'http.basic-over-cleartext', 'cred.default-accepted', 'cred.reused', 'onvif.cleartext'],
  },
  'door-intercom': {
    id: 'door-intercom',
    class: 'intercom',
    description: 'Video door station: SIP over UDP and TCP 5060 only, web UI login form over plain HTTP, ONVIF reads open to anyone',
    services: [
      sipTcp({ server: 'DoorStation-SIP/2.4' }),
      {
        name: 'http',
        port: 80,
        create: (env) =>
          httpServer(
            env.tally,
            withOnvif(
              onvifHandler({
                ...OPEN_CAMERA,
                info: { manufacturer: 'Dahua', model: 'VTO2111D-WP', firmware: 'V4.300.0000000.1', serial: '7G0B2C3PAZ00042', hardwareId: '1.00' },
                users: [{ name: 'admin', level: 'Administrator' }],
                dateTimeType: 'NTP',
                ntp: { fromDHCP: false, servers: ['10.20.0.1'] },
                hostname: 'intercom-gate',
              }),
              loginFormPage({ title: 'Door Station', server: 'lighttpd' }),
            ),
          ),
      },
    ],
    udpServices: [sipUdp({ server: 'DoorStation-SIP/2.4' })],
    // A single administrator keeps the default name "admin": onvif.users-privilege.
    expected: ['sip.cleartext', 'http.cleartext-admin', 'onvif.unauthenticated', 'onvif.cleartext', 'onvif.users-privilege'],
  },
  'accept-all-camera': {
    id: 'accept-all-camera',
    class: 'camera',
    description: 'Broken firmware: the Basic-auth web UI lets any user name and password in',
    services: [
      {
        name: 'http',
        port: 80,
        create: (env) =>
          httpServer(env.tally, (req, res) => {
            if (!req.headers.authorization) {
              res.writeHead(401, { 'www-authenticate': 'Basic realm="IPCam"' });
              return void res.end('auth');
            }
            res.writeHead(200, { 'content-type': 'text/html' });
            res.end('<html><head><title>Live</title></head><body>live view</body></html>');
          }),
      },
    ],
    expected: ['http.cleartext-admin', 'http.basic-over-cleartext', 'cred.no-auth'],
  },
  'always-401-camera': {
    id: 'always-401-camera',
    class: 'camera',
    description: 'Answers 401 to every request, with or without credentials (as BusyBox httpd does to empty ones): proves nothing',
    services: [
      {
        name: 'http',
        port: 80,
        create: (env) =>
          httpServer(env.tally, (_req, res) => {
            res.writeHead(401, { 'www-authenticate': 'Basic realm="Login"' });
            res.end('401');
          }),
      },
    ],
    expected: ['http.cleartext-admin', 'http.basic-over-cleartext'],
  },
  'telnet-iac-storm': {
    id: 'telnet-iac-storm',
    class: 'unknown',
    description: 'Telnet that answers every connection with an endless storm of option negotiation',
    services: [
      {
        name: 'telnet',
        port: 23,
        create: (env) =>
          countedServer(env.tally, (socket) => {
            const storm = Buffer.alloc(3 * 20_000);
            for (let i = 0; i < 20_000; i++) storm.set([255, 253, i % 250], i * 3);
            const pump = () => {
              while (!socket.destroyed && socket.write(storm));
              if (!socket.destroyed) socket.once('drain', pump);
            };
            pump();
          }),
      },
    ],
    expected: ['proto.telnet-enabled'],
  },
  'telnet-closer': {
    id: 'telnet-closer',
    class: 'unknown',
    description: 'Telnet that shows a login prompt, then hangs up as soon as a user name is typed',
    services: [
      {
        name: 'telnet',
        port: 23,
        create: (env) =>
          countedServer(env.tally, (socket) => {
            socket.write('\r\nlogin: ');
            socket.once('data', () => socket.destroy());
          }),
      },
    ],
    expected: ['proto.telnet-enabled'],
  },
  'ftp-garbage': {
    id: 'ftp-garbage',
    class: 'unknown',
    description: 'Port 21 that sends a banner no FTP client can parse, then closes mid-login',
    services: [
      {
        name: 'ftp',
        port: 21,
        create: (env) =>
          countedServer(env.tally, (socket) => {
            socket.write('220-Welcome\r\n');
            socket.write(Buffer.alloc(20_000, 'x'));
            setTimeout(() => socket.destroy(), 200);
          }),
      },
    ],
    expected: [],
  },
  'lockout-camera': {
    id: 'lockout-camera',
    class: 'camera',
    description: 'Camera that locks every account after 2 failed logins (HTTP 503 afterwards)',
    accounts: { users: { admin: LAB_SECRETS.lockoutCamera.password }, lockAfter: 2 },
    services: [{ name: 'http', port: 80, create: (env) => httpServer(env.tally, basicAuthAdmin({ realm: 'Network Camera', title: 'Camera', accounts: env.accounts })) }],
    expected: ['http.cleartext-admin', 'http.basic-over-cleartext', 'cred.lockout-observed'],
  },
  'hardened-camera': {
    id: 'hardened-camera',
    class: 'camera',
    description: 'Camera hardened by the book: port 80 only redirects to HTTPS, web UI over HTTPS with a site-CA certificate, RTSP and RTSPS behind Digest with a site password',
    accounts: { users: { [LAB_SECRETS.hardenedCamera.user]: LAB_SECRETS.hardenedCamera.password } },
    services: [
      {
        name: 'https',
        port: 443,
        create: (env) =>
          httpServer(env.tally, withOnvif(onvifHandler(secureCamera(LAB_SECRETS.hardenedCamera)), loginFormPage({ title: 'AXIS P3245-LVE Network Camera' })), env.pki.serverCert(env.address)),
      },
      { name: 'http', port: 80, create: (env) => httpServer(env.tally, redirectToHttps({ httpsPort: env.ports.https ?? 443 })) },
      // OPTIONS anonymous (allowed), DESCRIBE needs Digest with a site password; RTSPS offered too.
      rtsp({ server: 'AXIS Media Server', realm: 'AXIS_ACCC8E000001', mounts: [{ path: '/axis-media/media.amp', auth: 'digest' }], passwords: { [LAB_SECRETS.hardenedCamera.user]: LAB_SECRETS.hardenedCamera.password } }),
      rtsp({ server: 'AXIS Media Server', realm: 'AXIS_ACCC8E000001', mounts: [{ path: '/axis-media/media.amp', auth: 'digest' }], passwords: { [LAB_SECRETS.hardenedCamera.user]: LAB_SECRETS.hardenedCamera.password } }, 322, true),
    ],
    expected: [],
  },
  // Two units of one Hikvision model, identified by their login page (model and firmware in the title),
  // served over HTTPS with a site-CA certificate: only the firmware tells them apart.
  'hik-camera-vulnerable': {
    id: 'hik-camera-vulnerable',
    class: 'camera',
    description: 'Hikvision DS-2CD2142FWD-I left on V5.4.1 build 160525: inside the DS-2CD2xx2FWD range of CVE-2017-7921/7923; otherwise hardened (HTTPS only, site certificate)',
    services: [
      {
        name: 'https',
        port: 443,
        create: (env) => httpServer(env.tally, loginFormPage({ title: 'Network Camera DS-2CD2142FWD-I (firmware V5.4.1 build 160525)', server: 'App-webs/' }), env.pki.serverCert(env.address)),
      },
    ],
    // firmware.version-spread assumes its sibling hik-camera-patched is on the site (same model, newer firmware).
    expected: ['firmware.known-vulnerable', 'firmware.version-spread'],
  },
  'hik-camera-patched': {
    id: 'hik-camera-patched',
    class: 'camera',
    description: 'The same Hikvision DS-2CD2142FWD-I on V5.5.82 build 190909: past every range of the advisories, HTTPS only with a site certificate',
    services: [
      {
        name: 'https',
        port: 443,
        create: (env) => httpServer(env.tally, loginFormPage({ title: 'Network Camera DS-2CD2142FWD-I (firmware V5.5.82 build 190909)', server: 'App-webs/' }), env.pki.serverCert(env.address)),
      },
    ],
    expected: [],
  },
  'legacy-nvr': {
    id: 'legacy-nvr',
    class: 'nvr',
    description: 'Network video recorder with its web UI login form on plain HTTP port 8080',
    services: [
      {
        name: 'http',
        port: 8080,
        create: (env) =>
          httpServer(
            env.tally,
            withOnvif(
              onvifHandler({ ...NTP_FAULT_RECORDER, info: { manufacturer: 'HIKVISION', model: 'DS-7608NI-K2', firmware: 'V4.1.64 build 160824', serial: 'DS-7608NI-K20816CCRR5551234', hardwareId: '0x0' }, hostname: 'nvr-main' }),
              loginFormPage({ title: 'NVR Web Client', server: 'DNVRS-Webs' }),
            ),
          ),
      },
    ],
    expected: ['http.cleartext-admin', 'onvif.unauthenticated', 'onvif.cleartext'],
  },

  'legacy-ssh': {
    id: 'legacy-ssh',
    class: 'camera',
    description: 'Camera with a 2014 dropbear: SHA-1 key exchanges, CBC ciphers, MD5/SHA-1 MACs, 1024-bit ssh-rsa host key, password login with the factory password',
    accounts: { users: { [LAB_SECRETS.legacySsh.user]: LAB_SECRETS.legacySsh.password } },
    services: [{ name: 'ssh', port: 22, create: (env) => countedServer(env.tally, sshDevice(env.address, legacySsh(env, labHostKey('rsa', { bits: 1024 }), 'password'))) }],
    // In mode credentials its factory password opens it (cred.*: the same entry as on the factory-key units of the site).
    expected: ['ssh.weak-kex', 'ssh.weak-cipher', 'ssh.weak-mac', 'ssh.weak-hostkey', 'ssh.password-auth', 'ssh.outdated-software', 'cred.default-accepted', 'cred.reused'],
  },
  'legacy-ssh-factory-key': {
    id: 'legacy-ssh-factory-key',
    class: 'camera',
    description: 'Same camera, later firmware: the host key is baked into the image (every unit shares it: the expected list assumes two or more on the site), logins through keyboard-interactive',
    accounts: { users: { [LAB_SECRETS.legacySsh.user]: LAB_SECRETS.legacySsh.password } },
    services: [
      { name: 'ssh', port: 22, create: (env) => countedServer(env.tally, sshDevice(env.address, legacySsh(env, labHostKey('rsa', { bits: 1024, shared: 'factory-image' }), 'keyboard-interactive'))) },
    ],
    expected: ['ssh.weak-kex', 'ssh.weak-cipher', 'ssh.weak-mac', 'ssh.weak-hostkey', 'ssh.password-auth', 'ssh.outdated-software', 'ssh.shared-hostkey', 'cred.default-accepted', 'cred.reused'],
  },
  'modern-ssh': {
    id: 'modern-ssh',
    class: 'nvr',
    description: 'Recorder with a current SSH: curve25519, strict kex, chacha20-poly1305/AES-GCM, etm MACs, ed25519 host key, public keys only',
    services: [
      {
        name: 'ssh',
        port: 22,
        create: (env) =>
          countedServer(
            env.tally,
            sshDevice(env.address, modernSshOptions()),
          ),
      },
    ],
    expected: [],
  },
  'unpatched-ssh': {
    id: 'unpatched-ssh',
    class: 'vms',
    description: 'VMS server on a 2022 OpenSSH left unpatched: modern algorithms, chacha20-poly1305 without the strict-kex counter-measure (Terrapin)',
    services: [
      {
        name: 'ssh',
        port: 22,
        create: (env) =>
          countedServer(
            env.tally,
            sshDevice(env.address, {
              ident: 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.4',
              algorithms: {
                kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org'],
                serverHostKey: ['ssh-ed25519'],
                cipher: ['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-ctr', 'aes256-gcm@openssh.com'],
                hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com'],
                compress: ['none'],
              },
              hostKey: labHostKey('ed25519'),
              strictKex: false,
              authMethods: ['publickey'],
            }),
          ),
      },
    ],
    expected: ['ssh.terrapin', 'ssh.outdated-software'],
  },

  'onvif-open-camera': {
    id: 'onvif-open-camera',
    class: 'camera',
    description: 'ONVIF camera as shipped: every read answers without a token over plain HTTP, three administrators (admin, install, and "operator"), manual clock, answers WS-Discovery',
    services: [{ name: 'http', port: 80, create: (env) => httpServer(env.tally, onvifHandler(OPEN_CAMERA)) }],
    udpServices: [
      wsDiscoveryResponder((env) => ({
        types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
        scopes: ['onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/hardware/DS-2CD2143G0-I', 'onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G0-I', 'onvif://www.onvif.org/location/city/hangzhou'],
        xaddrs: [`http://${env.address}:${env.ports.http}/onvif/device_service`],
      })),
    ],
    expected: ['inventory.onvif-discoverable', 'onvif.unauthenticated', 'onvif.cleartext', 'onvif.users-privilege', 'onvif.ntp-not-configured', 'time.ntp-not-configured'],
  },
  'onvif-secure-camera': {
    id: 'onvif-secure-camera',
    class: 'camera',
    description: 'ONVIF camera hardened: HTTPS only, one account, every protected operation refused without a token (HTTP 401 + ter:NotAuthorized), NTP configured, clock 2 h ahead, WS-Discovery off',
    services: [{ name: 'https', port: 443, create: (env) => httpServer(env.tally, onvifHandler(secureCamera(LAB_SECRETS.onvifSecureCamera)), env.pki.serverCert(env.address)) }],
    expected: [],
  },
  'onvif-ntp-fault': {
    id: 'onvif-ntp-fault',
    class: 'nvr',
    description: 'ONVIF recorder on 8899: reads answer without a token, GetNTP and GetUsers fault with ter:ActionNotSupported, answers WS-Discovery as tds:Device only (a camera-only probe misses it)',
    services: [{ name: 'http', port: 8899, create: (env) => httpServer(env.tally, onvifHandler(NTP_FAULT_RECORDER)) }],
    udpServices: [
      wsDiscoveryResponder((env) => ({
        types: ['tds:Device'],
        scopes: ['onvif://www.onvif.org/Profile/G', 'onvif://www.onvif.org/hardware/NVR4216-16P-4KS2', 'onvif://www.onvif.org/name/Dahua'],
        xaddrs: [`http://${env.address}:${env.ports.http}/onvif/device_service`],
      })),
    ],
    expected: ['inventory.onvif-discoverable', 'onvif.unauthenticated', 'onvif.cleartext'],
  },

  // ——— test and benchmark personalities ———
  tarpit: {
    id: 'tarpit',
    class: 'unknown',
    description: 'Accepts connections on telnet and HTTP ports and never answers',
    services: [
      { name: 'telnet', port: 23, create: (env) => countedServer(env.tally, tarpit()) },
      { name: 'http', port: 80, create: (env) => countedServer(env.tally, tarpit()) },
    ],
    expected: [],
  },
  flood: {
    id: 'flood',
    class: 'unknown',
    description: 'Sends 10 MB of banner on telnet and 10 MB of body on HTTP',
    services: [
      { name: 'telnet', port: 23, create: (env) => countedServer(env.tally, flood(10 * 1024 * 1024)) },
      {
        name: 'http',
        port: 80,
        create: (env) =>
          httpServer(env.tally, (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/html' });
            const chunk = Buffer.alloc(64 * 1024, 'B');
            let left = 160; // 10 MB
            const pump = () => {
              while (left-- > 0) if (!res.write(chunk)) return void res.once('drain', pump);
              res.end();
            };
            pump();
          }),
      },
    ],
    expected: ['proto.telnet-enabled', 'http.cleartext-admin'],
  },
  'ssh-hostile': {
    id: 'ssh-hostile',
    class: 'unknown',
    description: 'SSH ports that misbehave: silent on 22, reset mid-handshake, an endless identification line, 1.6 MB of lines before the identification',
    services: [
      { name: 'silent', port: 22, create: (env) => countedServer(env.tally, tarpit()) },
      { name: 'reset', port: 2222, create: (env) => countedServer(env.tally, sshResetMidHandshake()) },
      { name: 'endless', port: 2223, create: (env) => countedServer(env.tally, sshEndlessIdent()) },
      { name: 'junk', port: 2224, create: (env) => countedServer(env.tally, sshJunkBeforeIdent()) },
    ],
    // The junk port never says "SSH-": discovery cannot name it.
    expected: ['inventory.unknown-service'],
  },
  'onvif-hostile': {
    id: 'onvif-hostile',
    class: 'unknown',
    description: 'ONVIF ports whose answers after GetSystemDateAndTime are hostile: XXE, billion laughs, 10 000-deep nesting, 10 MB, malformed, silence',
    services: (['xxe', 'billion-laughs', 'deep', 'huge', 'malformed', 'silent'] as OnvifHostile[]).map((kind, i) => ({
      name: `onvif-${kind}`,
      port: 8201 + i,
      create: (env: ServiceEnv) => httpServer(env.tally, onvifHandler(hostileDevice(kind))),
    })),
    // The device service does answer SOAP over plain HTTP; nothing else may be concluded.
    expected: ['onvif.cleartext'],
  },
  'wsd-only-camera': {
    id: 'wsd-only-camera',
    class: 'camera',
    description: 'Answers WS-Discovery and nothing else (the benchmark starts a thousand of them to count every ProbeMatch)',
    services: [],
    udpServices: [
      wsDiscoveryResponder((env) => ({
        types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
        scopes: ['onvif://www.onvif.org/Profile/Streaming', `onvif://www.onvif.org/name/bench-${env.address}`],
        xaddrs: [`http://${env.address}/onvif/device_service`],
      })),
    ],
    expected: ['inventory.onvif-discoverable'],
  },
  'many-ports': {
    id: 'many-ports',
    class: 'unknown',
    description: 'Ten slow HTTP ports (150 ms per answer), to count concurrent connections on the device side',
    services: Array.from({ length: 10 }, (_, i) => ({
      name: `http${i}`,
      port: 8100 + i,
      create: (env: ServiceEnv) =>
        httpServer(env.tally, (_req, res) => {
          setTimeout(() => {
            res.writeHead(302, { location: 'https://example.invalid/' });
            res.end();
          }, 150);
        }),
    })),
    expected: [],
  },
  // RTSP cameras, SIP intercoms, UPnP: src/lab/stream-personalities.ts
  ...STREAM_PERSONALITIES,
  // TLS protocol, suite and certificate cases: src/lab/tls-personalities.ts
  ...TLS_PERSONALITIES,
  // SNMP agents (net-snmp) and hostile UDP responders: src/lab/snmp-personalities.ts
  ...SNMP_PERSONALITIES,
  // One misbehaviour on every protocol at once, markup everywhere, absurd certificates: src/lab/hostile-personalities.ts
  ...HOSTILE_PERSONALITIES,
  // The same units before and after a visit (supervision diffs and KPIs): src/lab/supervision-personalities.ts
  ...SUPERVISION_PERSONALITIES,
};

/** The 2014 dropbear of the legacy cameras, with the given host key and login method. */
function legacySsh(env: ServiceEnv, hostKey: string, login: 'password' | 'keyboard-interactive'): SshDeviceOptions {
  return {
    ident: 'dropbear_2014.63',
    // Every dropbear since 2013.57 offers its kexguess2 marker (seen on Debian's dropbear by test/interop/dropbear.test.ts).
    extraKex: ['kexguess2@matt.ucc.asn.au'],
    algorithms: {
      kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1'],
      serverHostKey: ['ssh-rsa'],
      cipher: ['aes128-cbc', '3des-cbc'],
      hmac: ['hmac-sha1', 'hmac-md5'],
      compress: ['none'],
    },
    hostKey,
    strictKex: false,
    authMethods: ['publickey', login],
    accounts: env.accounts,
  };
}

/** A WS-Discovery responder on the device's address (UDP 3702 unless the site moves it). */
function wsDiscoveryResponder(describe: (env: ServiceEnv) => Omit<WsdResponderConfig, 'address' | 'port'>): UdpServiceSpec {
  return { name: 'wsdiscovery', port: 3702, start: (env, port) => startWsdResponder({ address: env.address, port, ...describe(env) }) };
}
