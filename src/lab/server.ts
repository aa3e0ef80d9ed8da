/**
 * Building blocks of the simulated devices: listeners on loopback addresses
 * that count connections on the device's side (so tests can prove politeness
 * from where the device stands), and address-block reservation so that
 * several demos or test files can run at once without colliding.
 */
import net from 'node:net';
import tls from 'node:tls';

/** Connection accounting for one simulated device, across all its ports. */
export class Tally {
  connections = 0;
  current = 0;
  maxConcurrent = 0;
  readonly perPort = new Map<number, number>();
  /** Protocol events a device counts (e.g. `rtsp.describe`), for tests that measure what a scan asked. */
  readonly counters = new Map<string, number>();
  private readonly sockets = new Set<net.Socket>();

  count(event: string, n = 1): void {
    this.counters.set(event, (this.counters.get(event) ?? 0) + n);
  }

  counter(event: string): number {
    return this.counters.get(event) ?? 0;
  }

  /** Count a freshly accepted TCP connection (call once per socket, at accept time). */
  opened(socket: net.Socket): void {
    const port = socket.localPort ?? 0;
    this.connections++;
    this.current++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.current);
    this.perPort.set(port, (this.perPort.get(port) ?? 0) + 1);
    this.sockets.add(socket);
    socket.on('error', () => undefined); // scanners close abruptly; that is not the device's problem
    // The client is done with the connection once it has sent FIN or reset:
    // count it finished at the first of 'end' and 'close'.
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      this.current--;
    };
    socket.once('end', done);
    socket.once('close', () => {
      done();
      this.sockets.delete(socket);
    });
  }

  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }
}

export interface Bound {
  server: net.Server;
  address: string;
  port: number;
  /** The port first asked for, when another had to be used. */
  wanted?: number;
}

function listen(server: net.Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: address, port, exclusive: true });
  });
}

/** Alternative ports tried when the standard one is busy or privileged. */
export function alternatives(port: number): number[] {
  return [20000 + port, 30000 + port, 0];
}

/**
 * Listen on `port` at `address`, or on an alternative when the port is taken
 * (EADDRINUSE, e.g. a wildcard listener) or privileged (EACCES, not root).
 */
export async function bindWithFallback(server: net.Server, address: string, port: number): Promise<Bound> {
  const candidates = [port, ...alternatives(port)];
  let lastErr: unknown;
  for (const candidate of candidates) {
    try {
      const actual = await listen(server, address, candidate);
      return actual === port ? { server, address, port: actual } : { server, address, port: actual, wanted: port };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
      lastErr = err;
    }
  }
  throw lastErr;
}

/** A TCP server whose connections are counted in `tally`. */
export function countedServer(tally: Tally, onSocket: (socket: net.Socket) => void, tlsOptions?: tls.TlsOptions): net.Server {
  const handle = (socket: net.Socket) => {
    tally.opened(socket);
    onSocket(socket);
  };
  if (tlsOptions) {
    // Count at TCP accept time, like a real device would see it, TLS handshake or not.
    const server = tls.createServer(tlsOptions, (s) => onSocket(s));
    server.on('connection', (raw: net.Socket) => tally.opened(raw));
    server.on('tlsClientError', () => undefined);
    return server;
  }
  return net.createServer(handle);
}

const BLOCK_MARKER_PORT = 4242;

/**
 * Reserve a /24 block of 127.42.0.0/16 for one simulated site: a marker
 * listener on 127.42.N.1:4242 says "taken" to any other demo or test file.
 */
export async function reserveBlock(preferred?: number): Promise<{ block: number; release: () => Promise<void> }> {
  const start = preferred ?? 1 + Math.floor(Math.random() * 200);
  for (let i = 0; i < 254; i++) {
    const block = ((start - 1 + i) % 254) + 1;
    const marker = net.createServer((s) => s.destroy());
    try {
      await listen(marker, `127.42.${block}.1`, BLOCK_MARKER_PORT);
      marker.unref();
      return { block, release: () => new Promise((r) => marker.close(() => r())) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE') throw err;
    }
  }
  throw new Error('no free address block in 127.42.0.0/16 for the simulated site');
}
