/**
 * A telnet service as embedded devices run it (BusyBox telnetd style):
 * option negotiation, a banner, a login prompt.
 */
import type net from 'node:net';

const IAC = 255, WILL = 251, DO = 253;
const ECHO = 1, SGA = 3, NAWS = 31, TTYPE = 24;

export interface TelnetDeviceOptions {
  banner: string;
  /** Send option negotiation first (most daemons do). */
  negotiate?: boolean;
}

export function telnetHandler(opts: TelnetDeviceOptions) {
  return (socket: net.Socket) => {
    if (opts.negotiate !== false) {
      socket.write(Buffer.from([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, NAWS, IAC, DO, TTYPE]));
    }
    socket.write(`\r\n${opts.banner}\r\nlogin: `);
    socket.on('data', () => undefined); // login is not simulated here yet
    socket.setTimeout(10_000, () => socket.destroy());
  };
}
