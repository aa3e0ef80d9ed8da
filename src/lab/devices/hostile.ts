/**
 * Misbehaving devices: they exist so that tests (and later the benchmark)
 * prove one bad device never stalls or crashes a scan.
 */
import type net from 'node:net';

/** Accepts the connection and never says a word. */
export function tarpit() {
  return (socket: net.Socket) => {
    socket.on('data', () => undefined);
    socket.setTimeout(120_000, () => socket.destroy());
  };
}

/** Sends `bytes` of junk as fast as the peer reads it. */
export function flood(bytes: number) {
  return (socket: net.Socket) => {
    const chunk = Buffer.alloc(64 * 1024, 'A');
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  };
}
