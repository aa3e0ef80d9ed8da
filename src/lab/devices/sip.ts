/**
 * A SIP user agent as IP intercoms run one, on node built-ins: it answers
 * OPTIONS over UDP, TCP and (optionally) TLS with 200 OK, its Server and
 * Allow headers, echoing Via, From, To (with a tag), Call-ID and CSeq as
 * RFC 3261 §8.2.6 asks. Anything else gets 405. Counts `sip.options.<transport>`.
 */
import dgram from 'node:dgram';
import type net from 'node:net';
import type { Tally } from '../server.ts';

export interface SipDeviceOptions {
  server: string;
  allow?: string;
}

const MAX_MESSAGE = 8 * 1024;

function answer(request: string, opts: SipDeviceOptions, transport: string): string | undefined {
  const lines = request.split('\r\n');
  const m = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const echo: string[] = [];
  let cseq = '';
  for (const line of lines.slice(1)) {
    const name = line.slice(0, line.indexOf(':')).trim().toLowerCase();
    if (['via', 'v', 'from', 'f', 'call-id', 'i'].includes(name)) echo.push(line);
    else if (name === 'to' || name === 't') echo.push(/;tag=/.test(line) ? line : `${line};tag=lab${transport}`);
    else if (name === 'cseq') cseq = line;
  }
  const status = m[1] === 'OPTIONS' ? '200 OK' : '405 Method Not Allowed';
  return [`SIP/2.0 ${status}`, ...echo, cseq, `Server: ${opts.server}`, `Allow: ${opts.allow ?? 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO'}`, 'Accept: application/sdp', 'Content-Length: 0', '', ''].join('\r\n');
}

/** SIP over TCP or TLS: one answer per request, requests framed by the empty line. */
export function sipStreamHandler(opts: SipDeviceOptions, tally: Tally, transport: 'tcp' | 'tls') {
  return (socket: net.Socket) => {
    let buffer = '';
    socket.setTimeout(15_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (buffer.length > MAX_MESSAGE) return void socket.destroy();
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const request = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        tally.count(`sip.options.${transport}`);
        const out = answer(request, opts, transport);
        if (!out) return void socket.destroy();
        socket.write(out);
      }
    });
  };
}

/** SIP over UDP on `address:port`: answers go back to where the request came from (rport). */
export function startSipUdp(opts: SipDeviceOptions, tally: Tally, address: string, port: number): Promise<{ close(): Promise<void> }> {
  return bindUdp(address, port, (socket) => {
    socket.on('message', (msg, rinfo) => {
      if (msg.length > MAX_MESSAGE) return;
      tally.count('sip.options.udp');
      const out = answer(msg.toString('latin1'), opts, 'udp');
      if (out) socket.send(out, rinfo.port, rinfo.address);
    });
  });
}

/** A UDP socket bound to one lab address; rejects with the bind error (EADDRINUSE …) so the site can move it. */
export function bindUdp(address: string, port: number, serve: (socket: dgram.Socket) => void): Promise<{ close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: 'udp4' });
    socket.once('error', reject);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      serve(socket);
      resolve({ close: () => new Promise<void>((r) => socket.close(() => r())) });
    });
  });
}

/** A UDP port that answers anything with bytes that are no protocol at all. */
export function startUdpGarbage(address: string, port: number, tally: Tally): Promise<{ close(): Promise<void> }> {
  return bindUdp(address, port, (socket) => {
    socket.on('message', (_msg, rinfo) => {
      tally.count('udp.garbage');
      socket.send(Buffer.from('\x00\x01\x02 not a protocol \xff\xfe', 'latin1'), rinfo.port, rinfo.address);
    });
  });
}
