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

/** Sends `bytes` of junk (after an optional prefix) as fast as the peer reads it. */
export function flood(bytes: number, prefix = '') {
  return (socket: net.Socket) => {
    if (prefix) socket.write(prefix);
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

// ——— one misbehaviour, any protocol (the hostile suite: test/hostile/) ———

/** What a protocol says first (server-first) or answers to the first request (client-first). */
export interface HostileSpeech {
  /** The server speaks first (telnet, FTP, SSH); otherwise it waits for the client's first bytes. */
  serverFirst: boolean;
  /** A plausible first message of the protocol. */
  message: Buffer;
  /** The start of a message that never ends (a status line, "SSH-2.0-", a handshake header claiming 16 MB) … */
  endlessHead: Buffer;
  /** … then this, for ever (a header line, a continuation line, an option, a record). */
  endlessUnit: (n: number) => Buffer;
}

export type HostileKind = 'silent' | 'drip' | 'flood' | 'reset' | 'endless';

/** 100 MB: what the issue asks a device may send; vigie's caps stop reading long before. */
export const FLOOD_BYTES = 100 * 1024 * 1024;

/** Write `next()` chunks while the peer reads, until `next` returns undefined or the socket dies. */
function pump(socket: net.Socket, next: () => Buffer | undefined): void {
  const go = () => {
    for (let i = 0; i < 64; i++) {
      if (socket.destroyed) return;
      const chunk = next();
      if (!chunk) return void socket.end();
      if (!socket.write(chunk)) return void socket.once('drain', go);
    }
    setImmediate(go); // let the event loop breathe between bursts
  };
  go();
}

/**
 * A device that misbehaves in one way on one protocol:
 * - `silent`: accepts and never answers;
 * - `drip`: sends its message one byte per second;
 * - `flood`: sends its message, then 100 MB;
 * - `reset`: sends half its message, then resets the connection (RST);
 * - `endless`: never finishes its message (endless header lines, continuation
 *   lines, option negotiation, an identification line without end).
 */
export function misbehave(kind: HostileKind, speech: HostileSpeech) {
  return (socket: net.Socket) => {
    const timers: NodeJS.Timeout[] = [];
    socket.once('close', () => timers.forEach((t) => clearInterval(t)));
    socket.on('error', () => undefined);
    socket.setTimeout(120_000, () => socket.destroy());
    const start = () => {
      const m = speech.message;
      if (kind === 'silent') return;
      if (kind === 'drip') {
        let i = 1;
        socket.write(m.subarray(0, 1));
        timers.push(setInterval(() => (i < m.length ? socket.write(m.subarray(i, ++i)) : socket.end()), 1000));
      } else if (kind === 'flood') {
        let sent = 0;
        const filler = Buffer.alloc(64 * 1024, 0x41);
        let first = true;
        pump(socket, () => {
          if (first) return (first = false), m;
          if (sent >= FLOOD_BYTES) return undefined;
          sent += filler.length;
          return filler;
        });
      } else if (kind === 'reset') {
        // The reset waits a little, so that the half message is read before the RST discards what is unread.
        socket.write(m.subarray(0, Math.max(1, m.length >> 1)), () => setTimeout(() => socket.resetAndDestroy(), 200));
      } else {
        let n = 0;
        let first = true;
        pump(socket, () => {
          if (first) return (first = false), speech.endlessHead;
          return n * 40 < FLOOD_BYTES ? speech.endlessUnit(n++) : undefined;
        });
      }
    };
    if (speech.serverFirst) start();
    else {
      socket.once('data', start);
      socket.on('data', () => undefined); // keep reading what the client sends
    }
  };
}
