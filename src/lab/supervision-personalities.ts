/**
 * Personalities for supervision tests: the same units seen across several
 * scans, before and after a technician's visit — a camera whose telnet is
 * switched off, then whose firmware is updated; a recorder on which someone
 * turns FTP on. The camera is the demo's hardened camera without RTSP: its
 * identity (AXIS P3245-LVE, firmware) is read through ONVIF with the site
 * credential LAB_SECRETS.hardenedCamera (pass it as a site credential for
 * `onvif`), so the firmware is known and nothing else fires. Merged into
 * `PERSONALITIES`; each `expected` list is the exact ground truth in mode safe
 * with that site credential.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { countedServer, type Tally } from './server.ts';
import type { Personality, ServiceSpec } from './personalities.ts';
import { loginFormPage, redirectToHttps, type HttpHandler } from './devices/http.ts';
import { telnetHandler } from './devices/telnet.ts';
import { ftpHandler } from './devices/ftp.ts';
import { sshDevice, modernSshOptions } from './devices/ssh.ts';
import { onvifHandler, secureCamera } from './devices/onvif.ts';
import { LAB_SECRETS } from './secrets.ts';

function web(tally: Tally, handler: HttpHandler, tlsOpts?: { key: string; cert: string }): net.Server {
  const server = tlsOpts ? https.createServer(tlsOpts, handler) : http.createServer(handler);
  server.on('connection', (socket: net.Socket) => tally.opened(socket));
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);
  server.keepAliveTimeout = 1000;
  return server;
}

/** The camera's firmware before and after the update of the supervision scenario. */
export const SUPERVISED_FIRMWARE = { before: '10.12.182', after: '10.12.206' } as const;

function camera(firmware: string, telnet: boolean): ServiceSpec[] {
  const onvif = onvifHandler({ ...secureCamera(LAB_SECRETS.hardenedCamera), info: { ...secureCamera(LAB_SECRETS.hardenedCamera).info, firmware }, hostname: 'axis-gate' });
  const services: ServiceSpec[] = [
    {
      name: 'https',
      port: 443,
      create: (env) =>
        web(env.tally, (req, res) => ((req.url ?? '').startsWith('/onvif/') ? onvif(req, res) : loginFormPage({ title: 'AXIS P3245-LVE Network Camera' })(req, res)), env.pki.serverCert(env.address)),
    },
    { name: 'http', port: 80, create: (env) => web(env.tally, redirectToHttps({ httpsPort: env.ports.https ?? 443 })) },
  ];
  if (telnet) services.push({ name: 'telnet', port: 23, create: (env) => countedServer(env.tally, telnetHandler({ banner: 'AXIS P3245-LVE maintenance shell', accounts: env.accounts })) });
  return services;
}

function recorder(ftp: boolean): ServiceSpec[] {
  const services: ServiceSpec[] = [
    {
      name: 'ssh',
      port: 22,
      create: (env) =>
        countedServer(
          env.tally,
          sshDevice(env.address, modernSshOptions()),
        ),
    },
  ];
  // FTP with local accounts only (no anonymous login): the service itself is the finding.
  if (ftp) services.push({ name: 'ftp', port: 21, create: (env) => countedServer(env.tally, ftpHandler({ banner: 'NVR FTP export service ready', anonymous: false, accounts: env.accounts })) });
  return services;
}

export const SUPERVISION_PERSONALITIES: Record<string, Personality> = {
  'supervised-camera-telnet': {
    id: 'supervised-camera-telnet',
    class: 'camera',
    description: 'Hardened AXIS camera (HTTPS, ONVIF behind the site account) whose maintenance telnet was left on',
    accounts: { users: { [LAB_SECRETS.hardenedCamera.user]: LAB_SECRETS.hardenedCamera.password } },
    services: camera(SUPERVISED_FIRMWARE.before, true),
    expected: ['proto.telnet-enabled'],
  },
  'supervised-camera': {
    id: 'supervised-camera',
    class: 'camera',
    description: 'The same camera after the visit: telnet switched off',
    accounts: { users: { [LAB_SECRETS.hardenedCamera.user]: LAB_SECRETS.hardenedCamera.password } },
    services: camera(SUPERVISED_FIRMWARE.before, false),
    expected: [],
  },
  'supervised-camera-updated': {
    id: 'supervised-camera-updated',
    class: 'camera',
    description: 'The same camera after its firmware update (only the version changes)',
    accounts: { users: { [LAB_SECRETS.hardenedCamera.user]: LAB_SECRETS.hardenedCamera.password } },
    services: camera(SUPERVISED_FIRMWARE.after, false),
    expected: [],
  },
  'supervised-recorder': {
    id: 'supervised-recorder',
    class: 'nvr',
    description: 'Recorder administered over a current SSH only (public keys)',
    services: recorder(false),
    expected: [],
  },
  'supervised-recorder-ftp': {
    id: 'supervised-recorder-ftp',
    class: 'nvr',
    description: 'The same recorder after someone turned on its FTP export service (local accounts, no anonymous login)',
    services: recorder(true),
    expected: ['proto.ftp-enabled'],
  },
};
