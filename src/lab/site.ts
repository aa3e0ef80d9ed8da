/**
 * A simulated site on loopback: devices on distinct 127.42.N.x addresses,
 * each running its personality's services. Used by `vigie demo`, the tests and
 * the benchmark. Never binds anything outside 127.42.0.0/16.
 */
import type net from 'node:net';
import { bindWithFallback, reserveBlock, Tally } from './server.ts';
import { PERSONALITIES, type Personality } from './personalities.ts';
import { issueCertificate, type Issued } from './pki.ts';

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
}

export interface RunningSite {
  block: number;
  devices: RunningDevice[];
  /** Every port the site listens on (the scan must include them). */
  ports: number[];
  /** Human-readable notes: ports that had to move, and why. */
  notes: string[];
  /** The CA that issued the devices' certificates (a client's private CA). */
  caPem: string;
  stop(): Promise<void>;
}

export interface LabPki {
  ca: Issued;
  serverCert(address: string): { key: string; cert: string };
}

function makePki(): LabPki {
  const ca = issueCertificate({ commonName: 'vigie lab site CA', isCA: true });
  return {
    ca,
    serverCert(address) {
      const c = issueCertificate({ commonName: address, ips: [address], issuer: ca });
      return { key: c.keyPem, cert: `${c.certPem}${ca.certPem}` };
    },
  };
}

/** The default demo site: one device of each personality. */
export const DEMO_SITE: DeviceSpec[] = [
  { name: 'cam-entrance', personality: 'legacy-camera' },
  { name: 'cam-parking', personality: 'hardened-camera' },
  { name: 'nvr-main', personality: 'legacy-nvr' },
];

export async function startSite(devices: readonly DeviceSpec[] = DEMO_SITE, opts: { block?: number } = {}): Promise<RunningSite> {
  if (devices.length > 240) throw new Error('a /24 block holds at most 240 simulated devices; use several sites');
  const { block, release } = await reserveBlock(opts.block);
  const pki = makePki();
  const servers: net.Server[] = [];
  const notes: string[] = [];
  const running: RunningDevice[] = [];
  try {
    for (const [i, spec] of devices.entries()) {
      const personality = PERSONALITIES[spec.personality];
      if (!personality) throw new Error(`unknown personality "${spec.personality}"`);
      const address = `127.42.${block}.${10 + i}`;
      const tally = new Tally();
      const ports: Record<string, number> = {};
      for (const service of personality.services) {
        const server = service.create({ address, tally, pki, ports });
        const bound = await bindWithFallback(server, address, service.port);
        servers.push(server);
        ports[service.name] = bound.port;
        if (bound.wanted !== undefined) notes.push(`${spec.name} ${service.name}: port ${bound.wanted} busy or privileged, using ${bound.port}`);
      }
      running.push({ name: spec.name, address, personality, ports, tally });
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await release();
    throw err;
  }
  const allPorts = [...new Set(running.flatMap((d) => Object.values(d.ports)))].sort((a, b) => a - b);
  return {
    block,
    devices: running,
    ports: allPorts,
    notes,
    caPem: pki.ca.certPem,
    async stop() {
      for (const d of running) d.tally.destroyAll();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      await release();
    },
  };
}
