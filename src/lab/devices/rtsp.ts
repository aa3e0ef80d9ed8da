/**
 * An RTSP/1.0 server as cameras run it, on node:net only: OPTIONS answered
 * to anyone, DESCRIBE per mount open, behind Basic, or behind Digest (MD5,
 * with or without qop=auth), unknown paths 404 — or, like some DVRs, 200 to
 * any path with a description that has no media. Counts every DESCRIBE
 * (`rtsp.describe`) and every authenticated one (`rtsp.describe.auth`) on the
 * device's tally, and every login on its accounts.
 *
 * And RTSP servers that misbehave: slow, resetting, endless headers, an
 * announced body of a terabyte.
 */
import type net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import type { Tally } from '../server.ts';
import type { Accounts } from '../accounts.ts';

export interface RtspMount {
  path: string;
  auth: 'none' | 'basic' | 'digest';
}

export interface RtspDeviceOptions {
  server?: string;
  realm?: string;
  mounts: RtspMount[];
  /** Answer 200 to any DESCRIBE with a session description that has no media. */
  anyPath200?: boolean;
  /** Digest with qop=auth (default) or the older form without qop. */
  digestQop?: boolean;
  accounts?: Accounts;
  /** The passwords the Digest check needs in clear (as a real device stores them). */
  passwords?: Readonly<Record<string, string>>;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const MAX_REQUEST = 16 * 1024;

interface Request {
  method: string;
  url: string;
  headers: Map<string, string>;
}

/** The path and query of an rtsp:// URL, or the request-URI itself when it is a path. */
function pathOf(url: string): string {
  const m = /^rtsps?:\/\/[^/]+(\/.*)?$/i.exec(url);
  return m ? m[1] ?? '/' : url;
}

export function sessionDescription(address: string): string {
  return [
    'v=0',
    `o=- 1700000000 1 IN IP4 ${address}`,
    's=Media Presentation',
    'c=IN IP4 0.0.0.0',
    't=0 0',
    'a=control:*',
    'm=video 0 RTP/AVP 96',
    'a=rtpmap:96 H264/90000',
    'a=control:trackID=1',
    'm=audio 0 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=control:trackID=2',
    '',
  ].join('\r\n');
}

/** A description with no `m=` line: what "200 to anything" servers send. */
const EMPTY_DESCRIPTION = ['v=0', 'o=- 0 0 IN IP4 0.0.0.0', 's=No stream', 't=0 0', ''].join('\r\n');

export function rtspHandler(opts: RtspDeviceOptions, tally: Tally, address: string) {
  const nonces = new Set<string>();
  const realm = opts.realm ?? 'IP Camera';
  const challenge = (mount: RtspMount): string => {
    if (mount.auth === 'basic') return `Basic realm="${realm}"`;
    const nonce = randomBytes(12).toString('hex');
    nonces.add(nonce);
    return opts.digestQop === false ? `Digest realm="${realm}", nonce="${nonce}"` : `Digest realm="${realm}", nonce="${nonce}", qop="auth", algorithm=MD5`;
  };

  const verify = (mount: RtspMount, req: Request): 'ok' | 'bad' | 'locked' | 'none' => {
    const auth = req.headers.get('authorization');
    if (!auth) return 'none';
    tally.count('rtsp.describe.auth');
    if (mount.auth === 'basic') {
      const m = /^Basic\s+(\S+)$/i.exec(auth);
      if (!m) return 'bad';
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return opts.accounts?.check(decoded.slice(0, colon), decoded.slice(colon + 1)) ?? 'bad';
    }
    if (!/^Digest\s/i.test(auth)) return 'bad';
    const p: Record<string, string> = {};
    for (const m of auth.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
    const user = p.username ?? '';
    const known = opts.passwords && Object.hasOwn(opts.passwords, user) ? opts.passwords[user] : undefined;
    let good = false;
    if (known !== undefined && p.nonce && nonces.has(p.nonce) && p.realm === realm) {
      const ha1 = md5(`${user}:${realm}:${known}`);
      const ha2 = md5(`${req.method}:${p.uri}`);
      const wantQop = opts.digestQop !== false;
      if (wantQop === (p.qop === 'auth')) {
        const expected = wantQop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
        good = expected === p.response;
      }
    }
    // The accounts count the attempt whatever it was; the password is only "received" when right.
    return opts.accounts?.check(user, good ? known! : '\u0000wrong') ?? (good ? 'ok' : 'bad');
  };

  const respond = (socket: net.Socket, cseq: string, status: string, headers: Record<string, string> = {}, body = '') => {
    const lines = [`RTSP/1.0 ${status}`, `CSeq: ${cseq}`];
    if (opts.server) lines.push(`Server: ${opts.server}`);
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  };

  const handle = (socket: net.Socket, req: Request) => {
    const cseq = req.headers.get('cseq') ?? '0';
    if (req.method === 'OPTIONS') {
      tally.count('rtsp.options');
      return respond(socket, cseq, '200 OK', { Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER' });
    }
    if (req.method !== 'DESCRIBE') return respond(socket, cseq, '405 Method Not Allowed', { Allow: 'OPTIONS, DESCRIBE' });
    tally.count('rtsp.describe');
    const path = pathOf(req.url);
    const mount = opts.mounts.find((m) => m.path === path || `${m.path}/` === path);
    if (!mount) {
      if (opts.anyPath200) return respond(socket, cseq, '200 OK', { 'Content-Type': 'application/sdp' }, EMPTY_DESCRIPTION);
      return respond(socket, cseq, '404 Not Found');
    }
    const sdp = () => respond(socket, cseq, '200 OK', { 'Content-Type': 'application/sdp', 'Content-Base': `${req.url.replace(/\/?$/, '/')}` }, sessionDescription(address));
    if (mount.auth === 'none') return sdp();
    const verdict = verify(mount, req);
    if (verdict === 'ok') return sdp();
    if (verdict === 'locked') return respond(socket, cseq, '503 Service Unavailable', {}, 'account locked');
    return respond(socket, cseq, '401 Unauthorized', { 'WWW-Authenticate': challenge(mount) });
  };

  return (socket: net.Socket) => {
    let buffer = '';
    socket.setTimeout(15_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (buffer.length > MAX_REQUEST) return void socket.destroy();
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const head = buffer.slice(0, end).split('\r\n');
        buffer = buffer.slice(end + 4);
        const m = /^([A-Z_]+) (\S+) RTSP\/1\.0$/.exec(head[0] ?? '');
        if (!m) {
          socket.end('RTSP/1.0 400 Bad Request\r\n\r\n');
          return;
        }
        const headers = new Map<string, string>();
        for (const line of head.slice(1)) {
          const colon = line.indexOf(':');
          if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        handle(socket, { method: m[1]!, url: m[2]!, headers });
      }
    });
  };
}

export type RtspMisbehaviour = 'slow' | 'reset' | 'endless-headers' | 'huge-length' | 'garbage' | 'http';

/**
 * RTSP servers that misbehave once asked anything: `slow` drips a valid
 * answer at 1 byte/s, `reset` sends half an answer then resets, `endless-headers`
 * never ends its header block, `huge-length` announces a 1 TB body,
 * `garbage` answers binary junk, `http` answers as a web server would.
 */
export function rtspMisbehaving(kind: RtspMisbehaviour) {
  return (socket: net.Socket) => {
    let started = false;
    const timers: NodeJS.Timeout[] = [];
    socket.once('close', () => timers.forEach((t) => clearInterval(t)));
    socket.setTimeout(60_000, () => socket.destroy());
    socket.on('data', () => {
      if (started) return;
      started = true;
      const answer = 'RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Slow RTSP\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n';
      if (kind === 'slow') {
        let i = 0;
        timers.push(setInterval(() => (i < answer.length ? socket.write(answer[i++]!) : socket.end()), 1000));
      } else if (kind === 'reset') {
        socket.write(answer.slice(0, 20), () => setTimeout(() => socket.resetAndDestroy(), 20));
      } else if (kind === 'endless-headers') {
        socket.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\n');
        let n = 0;
        const pump = () => {
          while (!socket.destroyed && socket.write(`X-Header-${n++}: ${'v'.repeat(40)}\r\n`)) if (n % 1000 === 0) return void setImmediate(pump);
          if (!socket.destroyed) socket.once('drain', pump);
        };
        pump();
      } else if (kind === 'huge-length') {
        socket.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: 1099511627776\r\n\r\nv=0\r\n');
      } else if (kind === 'garbage') {
        socket.write(randomBytes(2048));
      } else {
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      }
    });
  };
}
