/**
 * Personalities of the video-stream and intercom family: RTSP cameras (open,
 * Basic, Digest, "200 to anything", RTSPS), SIP intercoms (cleartext, with
 * TLS), a UPnP camera, and RTSP/SIP servers that misbehave. Merged into
 * `PERSONALITIES`; each `expected` list is the exact ground truth in modes
 * safe and credentials.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { countedServer, type Tally } from './server.ts';
import type { Personality, ServiceEnv, ServiceSpec, UdpServiceSpec } from './personalities.ts';
import { loginFormPage, redirectToHttps, type HttpHandler } from './devices/http.ts';
import { tarpit } from './devices/hostile.ts';
import { rtspHandler, rtspMisbehaving, type RtspDeviceOptions, type RtspMisbehaviour } from './devices/rtsp.ts';
import { sipStreamHandler, startSipUdp, startUdpGarbage, type SipDeviceOptions } from './devices/sip.ts';
import { startSsdp, type SsdpDeviceOptions } from './devices/ssdp.ts';
import { LAB_SECRETS } from './secrets.ts';

function web(tally: Tally, handler: HttpHandler, tlsOpts?: { key: string; cert: string }): net.Server {
  const server = tlsOpts ? https.createServer(tlsOpts, handler) : http.createServer(handler);
  server.on('connection', (socket: net.Socket) => tally.opened(socket));
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);
  server.keepAliveTimeout = 1000;
  return server;
}

/** An RTSP (or, with `tls`, RTSPS) service with the device's accounts; reused by the demo personalities. */
export function rtsp(opts: RtspDeviceOptions, port = 554, tls = false): ServiceSpec {
  return {
    name: tls ? 'rtsps' : 'rtsp',
    port,
    create: (env: ServiceEnv) => countedServer(env.tally, rtspHandler({ ...opts, accounts: env.accounts }, env.tally, env.address), tls ? env.pki.serverCert(env.address) : undefined),
  };
}

function misbehaving(kind: RtspMisbehaviour): Personality {
  return {
    id: `rtsp-${kind}`,
    class: 'unknown',
    description: `RTSP port 554 that misbehaves once asked: ${kind}`,
    services: [{ name: 'rtsp', port: 554, create: (env) => countedServer(env.tally, rtspMisbehaving(kind)) }],
    expected: [],
  };
}

export const sipUdp = (opts: SipDeviceOptions): UdpServiceSpec => ({ name: 'sip', port: 5060, start: (env, port) => startSipUdp(opts, env.tally, env.address, port) });
export const sipTcp = (opts: SipDeviceOptions): ServiceSpec => ({ name: 'sip-tcp', port: 5060, create: (env) => countedServer(env.tally, sipStreamHandler(opts, env.tally, 'tcp')) });
const sipTls = (opts: SipDeviceOptions): ServiceSpec => ({
  name: 'sips',
  port: 5061,
  create: (env) => countedServer(env.tally, sipStreamHandler(opts, env.tally, 'tls'), env.pki.serverCert(env.address)),
});
const ssdp = (opts: SsdpDeviceOptions): UdpServiceSpec => ({ name: 'ssdp', port: 1900, start: (env, port) => startSsdp(opts, env.tally, env.address, port) });

const DIGEST = LAB_SECRETS.digestRtspCamera;
const NOQOP = LAB_SECRETS.digestNoQopRtspCamera;
const BASIC = LAB_SECRETS.basicRtspCamera;
const GST = LAB_SECRETS.gstreamerRtspServer;
const INTERCOM: SipDeviceOptions = { server: 'DoorStation-SIP/2.4' };

export const STREAM_PERSONALITIES: Record<string, Personality> = {
  'open-rtsp-camera': {
    id: 'open-rtsp-camera',
    class: 'camera',
    description: 'OEM camera that serves its stream on rtsp://…/live to anyone (no vendor named anywhere)',
    services: [rtsp({ server: 'Rtsp Server/1.0', mounts: [{ path: '/live', auth: 'none' }] })],
    expected: ['rtsp.unauthenticated-stream', 'rtsp.cleartext'],
  },
  'basic-rtsp-camera': {
    id: 'basic-rtsp-camera',
    class: 'camera',
    description: 'Older Hikvision camera: RTSP behind Basic authentication with the factory password, OPTIONS anonymous',
    accounts: { users: { [BASIC.user]: BASIC.password } },
    services: [rtsp({ server: 'Hikvision RTSP Server', realm: 'IP Camera(C1234)', mounts: [{ path: '/Streaming/Channels/101', auth: 'basic' }, { path: '/Streaming/Channels/102', auth: 'basic' }] })],
    expected: ['rtsp.basic-auth', 'rtsp.cleartext', 'cred.default-accepted'],
  },
  'digest-rtsp-camera': {
    id: 'digest-rtsp-camera',
    class: 'camera',
    description: 'Hardened-looking Axis camera: OPTIONS anonymous (allowed), DESCRIBE needs Digest (MD5, qop=auth) with a site password; plain RTSP only',
    accounts: { users: { [DIGEST.user]: DIGEST.password } },
    services: [rtsp({ server: 'AXIS Media Server', realm: 'AXIS_ACCC8E000001', mounts: [{ path: '/axis-media/media.amp', auth: 'digest' }], passwords: { [DIGEST.user]: DIGEST.password } })],
    expected: ['rtsp.cleartext'],
  },
  'fake-200-rtsp': {
    id: 'fake-200-rtsp',
    class: 'unknown',
    description: 'RTSP server that answers 200 to any DESCRIBE with a description without any media line',
    services: [rtsp({ server: 'DVR RTSP', mounts: [], anyPath200: true })],
    expected: [],
  },
  'sip-intercom': {
    id: 'sip-intercom',
    class: 'intercom',
    description: 'IP door station: SIP over UDP and TCP 5060 only, web UI login form over plain HTTP',
    services: [sipTcp(INTERCOM), { name: 'http', port: 80, create: (env) => web(env.tally, loginFormPage({ title: 'Door Station', server: 'lighttpd' })) }],
    udpServices: [sipUdp(INTERCOM)],
    expected: ['sip.cleartext', 'http.cleartext-admin'],
  },
  'sips-intercom': {
    id: 'sips-intercom',
    class: 'intercom',
    description: 'IP door station with SIP over TLS on 5061 next to SIP on udp/tcp 5060',
    services: [sipTcp(INTERCOM), sipTls(INTERCOM)],
    udpServices: [sipUdp(INTERCOM)],
    expected: [],
  },
  'upnp-camera': {
    id: 'upnp-camera',
    class: 'camera',
    description: 'Camera with a hardened web UI (HTTPS, port 80 redirects) that still answers SSDP M-SEARCH on udp/1900',
    services: [
      { name: 'https', port: 443, create: (env) => web(env.tally, loginFormPage({ title: 'Network Camera' }), env.pki.serverCert(env.address)) },
      { name: 'http', port: 80, create: (env) => web(env.tally, redirectToHttps({ httpsPort: env.ports.https ?? 443 })) },
    ],
    udpServices: [ssdp({ server: 'Linux/4.9 UPnP/1.0 IPCamera/1.0', uuid: 'a1b2c3d4-0000-1000-8000-00a0c9e0f001' })],
    expected: ['ssdp.upnp-enabled'],
  },

  // ——— test personalities ———
  'digest-noqop-rtsp-camera': {
    id: 'digest-noqop-rtsp-camera',
    class: 'camera',
    description: 'Camera whose RTSP Digest has no qop (RFC 2069 style, still common), plain RTSP only',
    accounts: { users: { [NOQOP.user]: NOQOP.password } },
    services: [rtsp({ server: 'Uniview RTSP', realm: 'UNV', digestQop: false, mounts: [{ path: '/unicast/c1/s0/live', auth: 'digest' }], passwords: { [NOQOP.user]: NOQOP.password } })],
    expected: ['rtsp.cleartext'],
  },
  'gstreamer-rtsp-server': {
    id: 'gstreamer-rtsp-server',
    class: 'camera',
    description:
      'RTSP server as gst-rtsp-server runs it (test/interop/rtsp.test.ts): access granted per mount, the main stream behind Digest without qop, /live open to the anonymous role, unknown mounts 404',
    accounts: { users: { [GST.user]: GST.password } },
    services: [
      rtsp({
        server: 'GStreamer RTSP server',
        realm: 'GStreamer RTSP Server',
        digestQop: false,
        mounts: [
          { path: '/Streaming/Channels/101', auth: 'digest' },
          { path: '/live', auth: 'none' },
        ],
        passwords: { [GST.user]: GST.password },
      }),
    ],
    expected: ['rtsp.unauthenticated-stream', 'rtsp.cleartext', 'cred.default-accepted'],
  },
  'rtsps-camera': {
    id: 'rtsps-camera',
    class: 'camera',
    description: 'Camera offering RTSPS on 322 next to RTSP on 554, both behind Digest',
    accounts: { users: { [DIGEST.user]: DIGEST.password } },
    services: [
      rtsp({ server: 'AXIS Media Server', realm: 'AXIS_ACCC8E000002', mounts: [{ path: '/axis-media/media.amp', auth: 'digest' }], passwords: { [DIGEST.user]: DIGEST.password } }),
      rtsp({ server: 'AXIS Media Server', realm: 'AXIS_ACCC8E000002', mounts: [{ path: '/axis-media/media.amp', auth: 'digest' }], passwords: { [DIGEST.user]: DIGEST.password } }, 322, true),
    ],
    expected: [],
  },
  'lockout-rtsp-camera': {
    id: 'lockout-rtsp-camera',
    class: 'camera',
    description: 'Camera whose RTSP Basic login locks every account after 2 failures (503 afterwards)',
    accounts: { users: { [LAB_SECRETS.lockoutCamera.user]: LAB_SECRETS.lockoutCamera.password }, lockAfter: 2 },
    services: [rtsp({ server: 'Rtsp Server/1.0', realm: 'Network Camera', mounts: [{ path: '/live', auth: 'basic' }] })],
    expected: ['rtsp.basic-auth', 'rtsp.cleartext'],
  },
  'upnp-other-port': {
    id: 'upnp-other-port',
    class: 'camera',
    description: 'Camera whose SSDP answers come from another port than 1900 (common in embedded UPnP stacks)',
    services: [{ name: 'http', port: 80, create: (env) => web(env.tally, redirectToHttps({ httpsPort: 443 })) }],
    udpServices: [ssdp({ server: 'Linux UPnP/1.0 Camera/2.0', uuid: 'a1b2c3d4-0000-1000-8000-00a0c9e0f002', answerFromOtherPort: true })],
    expected: ['ssdp.upnp-enabled'],
  },
  'sip-hostile': {
    id: 'sip-hostile',
    class: 'unknown',
    description: 'Port 5060 that never answers over TCP and answers bytes that are not SIP over UDP',
    services: [{ name: 'sip-tcp', port: 5060, create: (env) => countedServer(env.tally, tarpit()) }],
    udpServices: [{ name: 'sip', port: 5060, start: (env, port) => startUdpGarbage(env.address, port, env.tally) }],
    expected: [],
  },
  'rtsp-tarpit': {
    id: 'rtsp-tarpit',
    class: 'unknown',
    description: 'RTSP port 554 that accepts and never answers',
    services: [{ name: 'rtsp', port: 554, create: (env) => countedServer(env.tally, tarpit()) }],
    expected: [],
  },
  'rtsp-slow': misbehaving('slow'),
  'rtsp-reset': misbehaving('reset'),
  'rtsp-endless-headers': misbehaving('endless-headers'),
  'rtsp-huge-length': misbehaving('huge-length'),
  'rtsp-garbage': misbehaving('garbage'),
  'rtsp-http': misbehaving('http'),
};
