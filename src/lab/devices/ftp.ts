/**
 * An FTP service as cameras and recorders embed it: greeting, USER/PASS
 * (optionally anonymous), PWD, QUIT. No data connection is ever offered.
 */
import type net from 'node:net';
import type { Accounts } from '../accounts.ts';

export interface FtpDeviceOptions {
  banner: string;
  anonymous: boolean;
  accounts?: Accounts;
}

export function ftpHandler(opts: FtpDeviceOptions) {
  return (socket: net.Socket) => {
    socket.write(`220 ${opts.banner}\r\n`);
    let user: string | undefined;
    let loggedIn = false;
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      if (pending.length > 4096) return void socket.destroy();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        const [cmd = '', ...rest] = line.split(' ');
        const arg = rest.join(' ');
        switch (cmd.toUpperCase()) {
          case 'USER':
            user = arg;
            loggedIn = false;
            socket.write(`331 Please specify the password.\r\n`);
            break;
          case 'PASS': {
            if (user === undefined) {
              socket.write('503 Login with USER first.\r\n');
              break;
            }
            const ok = (opts.anonymous && (user === 'anonymous' || user === 'ftp')) || opts.accounts?.check(user, arg) === 'ok';
            loggedIn = ok;
            socket.write(ok ? '230 Login successful.\r\n' : '530 Login incorrect.\r\n');
            break;
          }
          case 'PWD':
            socket.write(loggedIn ? '257 "/" is the current directory\r\n' : '530 Please login with USER and PASS.\r\n');
            break;
          case 'QUIT':
            socket.end('221 Goodbye.\r\n');
            return;
          default:
            socket.write(loggedIn ? '502 Command not implemented.\r\n' : '530 Please login with USER and PASS.\r\n');
        }
      }
    });
    socket.setTimeout(10_000, () => socket.destroy());
  };
}
