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
import { basicAuthAdmin, loginFormPage, redirectToHttps, type HttpHandler } from './devices/http.ts';
import { flood, tarpit } from './devices/hostile.ts';
import type { LabPki } from './site.ts';

export interface ServiceEnv {
  address: string;
  tally: Tally;
  pki: LabPki;
  /** Ports already bound for this device, by service name (e.g. where HTTPS ended up). */
  ports: Record<string, number>;
}

export interface ServiceSpec {
  /** Name inside the personality, e.g. "http", "https", "telnet". */
  name: string;
  port: number;
  /** Make the (not yet listening) server. */
  create(env: ServiceEnv): net.Server;
}

export interface Personality {
  id: string;
  class: DeviceClass;
  description: string;
  services: ServiceSpec[];
  /** Checks that must fire on this device (with no port: anywhere on it). Inventory is implied. */
  expected: string[];
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
    description: 'Older IP camera as shipped: telnet on, web UI over plain HTTP behind Basic authentication',
    services: [
      { name: 'telnet', port: 23, create: (env) => countedServer(env.tally, telnetHandler({ banner: 'BusyBox v1.19.4 (2016-03-11) built-in shell — IPCAM' })) },
      {
        name: 'http',
        port: 80,
        create: (env) => httpServer(env.tally, basicAuthAdmin({ realm: 'DS-2CD2032-I', server: 'App-webs/', title: 'IP Camera' })),
      },
    ],
    expected: ['proto.telnet-enabled', 'http.cleartext-admin'],
  },
  'hardened-camera': {
    id: 'hardened-camera',
    class: 'camera',
    description: 'Camera hardened by the book: port 80 only redirects to HTTPS, web UI over HTTPS with a site-CA certificate',
    services: [
      { name: 'https', port: 443, create: (env) => httpServer(env.tally, loginFormPage({ title: 'AXIS P3245-LVE Network Camera' }), env.pki.serverCert(env.address)) },
      { name: 'http', port: 80, create: (env) => httpServer(env.tally, redirectToHttps({ httpsPort: env.ports.https ?? 443 })) },
    ],
    expected: [],
  },
  'legacy-nvr': {
    id: 'legacy-nvr',
    class: 'nvr',
    description: 'Network video recorder with its web UI login form on plain HTTP port 8080',
    services: [{ name: 'http', port: 8080, create: (env) => httpServer(env.tally, loginFormPage({ title: 'NVR Web Client', server: 'DNVRS-Webs' })) }],
    expected: ['http.cleartext-admin'],
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
};
