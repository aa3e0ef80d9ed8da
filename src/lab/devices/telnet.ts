/**
 * A telnet service as embedded devices run it (BusyBox telnetd style):
 * option negotiation, a banner, a login prompt, a password prompt, then a
 * shell prompt or "Login incorrect". Nothing typed at the shell is executed.
 */
import type net from 'node:net';
import type { Accounts } from '../accounts.ts';

const IAC = 255, WILL = 251, DO = 253;
const ECHO = 1, SGA = 3, NAWS = 31, TTYPE = 24;

export interface TelnetDeviceOptions {
  banner: string;
  /** Send option negotiation first (most daemons do). */
  negotiate?: boolean;
  accounts?: Accounts;
  /** Shell prompt after a successful login. */
  prompt?: string;
}

/** Strip IAC sequences from what the client typed. */
function text(buf: Buffer): string {
  const out: number[] = [];
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === IAC) {
      const cmd = buf[i + 1];
      i += cmd !== undefined && cmd >= 251 && cmd <= 254 ? 2 : 1;
      continue;
    }
    out.push(buf[i]!);
  }
  return Buffer.from(out).toString('latin1');
}

export function telnetHandler(opts: TelnetDeviceOptions) {
  return (socket: net.Socket) => {
    if (opts.negotiate !== false) {
      socket.write(Buffer.from([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, NAWS, IAC, DO, TTYPE]));
    }
    socket.write(`\r\n${opts.banner}\r\nlogin: `);
    let state: 'user' | 'password' | 'shell' = 'user';
    let user = '';
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += text(chunk);
      if (pending.length > 4096) return void socket.destroy();
      let nl: number;
      while ((nl = pending.search(/\r\n|\r\0|\n|\r/)) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + (pending.startsWith('\r\n', nl) || pending.startsWith('\r\0', nl) ? 2 : 1));
        if (state === 'user') {
          user = line.trim();
          if (!user) return void socket.write('login: ');
          state = 'password';
          socket.write(`${user}\r\nPassword: `);
        } else if (state === 'password') {
          const verdict = opts.accounts?.check(user, line) ?? 'bad';
          if (verdict === 'ok') {
            state = 'shell';
            socket.write(`\r\n\r\nBusyBox built-in shell (ash)\r\n${opts.prompt ?? '# '}`);
          } else if (verdict === 'locked') {
            socket.end('\r\nAccount locked: too many failed attempts\r\n');
          } else {
            state = 'user';
            socket.write('\r\nLogin incorrect\r\nlogin: ');
          }
        } else {
          if (line.trim() === 'exit') return void socket.end('\r\n');
          socket.write(`\r\n${opts.prompt ?? '# '}`); // commands are never run
        }
      }
    });
    socket.setTimeout(10_000, () => socket.destroy());
  };
}
