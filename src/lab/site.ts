/**
 * A simulated site on loopback: devices on distinct 127.42.N.x addresses,
 * each running its personality's services. Used by `vigie demo`, the tests and
 * the benchmark. Never binds anything outside 127.42.0.0/16.
 */
import type net from 'node:net';
import { alternatives, bindWithFallback, reserveBlock, Tally } from './server.ts';
import { PERSONALITIES, type Personality, type UdpServiceSpec } from './personalities.ts';
import { issueCertificate, type Issued } from './pki.ts';
import { MODERN_TLS } from './devices/tls.ts';
import { Accounts } from './accounts.ts';

export interface DeviceSpec {
  name: string;
  personality: string;
}

export interface RunningDevice {
  name: string;
  address: string;
  personality: Personality;
  /** Actual port of each service, by service name. */
  ports: Record<string, number>;
  tally: Tally;
  /** The device's own count of login attempts. */
  accounts: Accounts;
}

export interface RunningSite {
  /** The site's first /24 block (the only one for up to 240 devices). */
  block: number;
  /** Every /24 block the site holds: 240 devices per block (the benchmark's 1000-device site spans five). */
  blocks: number[];
  devices: RunningDevice[];
  /** Every port the site listens on (the scan must include them). */
  ports: number[];
  /** UDP ports actually bound, by service name (e.g. `snmp`: pass them to the scan's `udpPorts`). */
  udpPorts: Record<string, number[]>;
  /** Human-readable notes: ports that had to move, and why. */
  notes: string[];
  /** The CA that issued the devices' certificates (a client's private CA). */
  caPem: string;
  stop(): Promise<void>;
}

export interface LabPki {
  ca: Issued;
  /** A certificate of the site CA for this address (its own key), with TLS settings a hardened device would use. */
  serverCert(address: string): { key: string; cert: string } & typeof MODERN_TLS;
}

function makePki(): LabPki {
  const ca = issueCertificate({ commonName: 'vigie lab site CA', isCA: true, keyId: 'site-ca' });
  return {
    ca,
    serverCert(address) {
      // One key per device: a key shared across devices is what tls.cert-shared looks for.
      const c = issueCertificate({ commonName: address, ips: [address], issuer: ca, keyId: address });
      return { key: c.keyPem, cert: `${c.certPem}${ca.certPem}`, ...MODERN_TLS };
    },
  };
}

/** The default demo site: one device of each personality. */
export const DEMO_SITE: DeviceSpec[] = [
  { name: 'cam-entrance', personality: 'legacy-camera' },
  { name: 'cam-parking', personality: 'hardened-camera' },
  { name: 'nvr-main', personality: 'legacy-nvr' },
  { name: 'cam-lobby', personality: 'digest-camera' },
  { name: 'door-1', personality: 'access-controller' },
  { name: 'intercom-gate', personality: 'door-intercom' },
  { name: 'switch-cctv', personality: 'snmp-switch' },
];

/** Start a UDP service on its port, or on the same alternatives as TCP services when busy or privileged. */
async function startUdpWithFallback(service: UdpServiceSpec, env: Parameters<UdpServiceSpec['start']>[0]): Promise<{ port: number; server: { close(): Promise<void> } }> {
  let lastErr: unknown;
  for (const candidate of [service.port, ...alternatives(service.port).filter((p) => p !== 0)]) {
    try {
      return { port: candidate, server: await service.start(env, candidate) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
      lastErr = err;
    }
  }
  throw lastErr;
}

/** Devices per /24 block: 127.42.N.10 to 127.42.N.249. */
const DEVICES_PER_BLOCK = 240;

export async function startSite(devices: readonly DeviceSpec[] = DEMO_SITE, opts: { block?: number } = {}): Promise<RunningSite> {
  // More than 240 devices span several blocks of one site (one PKI, so factory keys and certificates are shared across all of them).
  const reserved: { block: number; release: () => Promise<void> }[] = [];
  try {
    for (let i = 0; i < Math.max(1, Math.ceil(devices.length / DEVICES_PER_BLOCK)); i++) reserved.push(await reserveBlock(i === 0 ? opts.block : undefined));
  } catch (err) {
    await Promise.all(reserved.map((r) => r.release()));
    throw err;
  }
  const block = reserved[0]!.block;
  const release = async () => void (await Promise.all(reserved.map((r) => r.release())));
  const pki = makePki();
  const servers: net.Server[] = [];
  const udpServers: { close(): Promise<void> }[] = [];
  const udpPorts: Record<string, number[]> = {};
  const notes: string[] = [];
  const running: RunningDevice[] = [];
  try {
    for (const [i, spec] of devices.entries()) {
      const personality = PERSONALITIES[spec.personality];
      if (!personality) throw new Error(`unknown personality "${spec.personality}"`);
      const address = `127.42.${reserved[Math.floor(i / DEVICES_PER_BLOCK)]!.block}.${10 + (i % DEVICES_PER_BLOCK)}`;
      const tally = new Tally();
      const ports: Record<string, number> = {};
      const accounts = new Accounts(personality.accounts?.users ?? {}, personality.accounts?.lockAfter);
      for (const service of personality.services) {
        const server = service.create({ address, tally, pki, ports, accounts });
        const bound = await bindWithFallback(server, address, service.port);
        servers.push(server);
        ports[service.name] = bound.port;
        if (bound.wanted !== undefined) notes.push(`${spec.name} ${service.name}: port ${bound.wanted} busy or privileged, using ${bound.port}`);
      }
      for (const service of personality.udpServices ?? []) {
        const { port, server } = await startUdpWithFallback(service, { address, tally, pki, ports, accounts });
        udpServers.push(server);
        ports[service.name] = port;
        udpPorts[service.name] = [...new Set([...(udpPorts[service.name] ?? []), port])];
        if (port !== service.port) notes.push(`${spec.name} ${service.name}: udp port ${service.port} busy or privileged, using ${port}`);
      }
      running.push({ name: spec.name, address, personality, ports, tally, accounts });
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await Promise.all(udpServers.map((s) => s.close()));
    await release();
    throw err;
  }
  const allPorts = [...new Set(running.flatMap((d) => Object.values(d.ports)))].sort((a, b) => a - b);
  return {
    block,
    blocks: reserved.map((r) => r.block),
    devices: running,
    ports: allPorts,
    udpPorts,
    notes,
    caPem: pki.ca.certPem,
    async stop() {
      for (const d of running) d.tally.destroyAll();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      await Promise.all(udpServers.map((s) => s.close()));
      await release();
    },
  };
}
