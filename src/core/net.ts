/**
 * The only door to the network for scanners. Every connection goes through
 * `Net`, which enforces, in this order:
 *   1. scope   — an address outside the scope throws before any socket exists;
 *   2. politeness — a per-host limit (default 2 concurrent connections), a
 *      global limit (p-limit) and a minimum spacing between connection starts
 *      on one host;
 *   3. bounds  — connect and read time-outs, a cap on buffered bytes.
 * Scanners never import `node:net` directly for outbound traffic.
 */
import net from 'node:net';
import tls from 'node:tls';
import dgram from 'node:dgram';
import pLimit, { type LimitFunction } from 'p-limit';
import { Agent, Client, buildConnector, type Dispatcher } from 'undici';
import type { Scope } from './scope.ts';
import { Aborted, ProbeTimeout, ScopeViolation, SizeLimitExceeded } from './errors.ts';

export interface NetOptions {
  scope: Scope;
  /** Concurrent connections per device (default 2). */
  perHost?: number;
  /** Concurrent connections over the whole scan. */
  global?: number;
  /** Minimum milliseconds between two connection starts on one device. */
  minIntervalMs?: number;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  /** Aborting stops new connections at once and tears down open ones. */
  signal?: AbortSignal;
}

export interface NetStats {
  connections: number;
  refusedByScope: number;
}

export interface ReadOptions {
  /** Resolve as soon as this returns true for the bytes buffered so far. */
  until?: (buffered: Buffer) => boolean;
  timeoutMs?: number;
}

export interface ReadResult {
  data: Buffer;
  /** Why the read ended. */
  reason: 'matched' | 'timeout' | 'closed' | 'overflow';
}

const DEFAULT_MAX_BUFFER = 64 * 1024;

export interface UdpExchangeOptions {
  timeoutMs?: number;
  /** Bytes accepted over all answers; past it the exchange ends. */
  maxBytes?: number;
  /** End as soon as this returns true for the answers so far. */
  until?: (answers: Buffer[]) => boolean;
  /** After an answer, end when no other one came within this many ms. */
  settleMs?: number;
  /** Connect the socket (ICMP port-unreachable ends the exchange with ECONNREFUSED). */
  connect?: boolean;
}

/** A datagram, or a function that builds it from the local address the socket got. */
export type UdpPayload = Buffer | ((local: { address: string; port: number }) => Buffer);

export interface UdpAnswer {
  data: Buffer;
  /** Source port of the answer. */
  port: number;
}

/**
 * One UDP socket talking to one host over several request/answer rounds
 * (SNMP: a paced dictionary of communities, then GETs and walks), while the
 * host's slot is held. Answers from any other address are dropped; past
 * `maxBytes` or `maxDatagrams` the socket is closed and `overflow` is set.
 */
export class UdpConversation {
  private readonly queue: Buffer[] = [];
  private waiter: (() => void) | undefined;
  private closedFlag = false;
  private connected = false;
  overflow = false;
  /** An ICMP port-unreachable came back (connected sockets only): nothing listens there. */
  refused = false;
  /** Datagrams and bytes received (including dropped ones past the caps). */
  datagrams = 0;
  bytes = 0;
  sent = 0;

  constructor(
    private readonly socket: dgram.Socket,
    readonly host: string,
    readonly port: number,
    private readonly maxBytes: number,
    private readonly maxDatagrams: number,
  ) {
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== host || this.closedFlag) return;
      this.datagrams++;
      this.bytes += msg.length;
      if (this.bytes > this.maxBytes || this.datagrams > this.maxDatagrams) {
        this.overflow = true;
        this.close();
        return;
      }
      this.queue.push(msg);
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') this.refused = true;
      this.close();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
  }

  /** Connect the socket to host:port, so that an ICMP port-unreachable ends the conversation at once (`refused`). */
  connect(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closedFlag) return resolve();
      // Closed meanwhile (interrupt, connect error): the callback would never come.
      const onClose = () => resolve();
      this.socket.once('close', onClose);
      try {
        this.socket.connect(this.port, this.host, () => {
          this.socket.off('close', onClose);
          this.connected = true;
          resolve();
        });
      } catch {
        this.socket.off('close', onClose);
        this.close();
        resolve();
      }
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  send(payload: Buffer): void {
    if (this.closedFlag) return;
    this.sent++;
    try {
      const done = (err: Error | null) => {
        if (!err) return;
        if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') this.refused = true;
        this.close();
      };
      if (this.connected) this.socket.send(payload, done);
      else this.socket.send(payload, this.port, this.host, done);
    } catch {
      this.close(); // closed under us (interrupt): no more sends
    }
  }

  /** The next datagram in arrival order, or undefined after `timeoutMs` (or once closed). */
  next(timeoutMs: number): Promise<Buffer | undefined> {
    const first = this.queue.shift();
    if (first) return Promise.resolve(first);
    if (this.closedFlag || timeoutMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve(this.queue.shift());
      };
    });
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    try {
      this.socket.close();
    } catch {
      /* already closed by destroyAll */
    }
    this.wake();
  }
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Body bytes kept; the rest is dropped and `truncated` set. */
  maxBytes?: number;
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with a newline; each value capped. */
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
}

/** Destroy a socket and wait until it is really closed. */
function closed(socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

/**
 * One open TCP (or TLS) connection, read with bounded buffering. The peer can
 * send 100 MB: past `maxBytes` the socket is destroyed and the read ends with
 * `overflow`.
 */
export class Conversation {
  private buffer: Buffer = Buffer.alloc(0);
  private closed = false;
  private overflowed = false;
  private waiter: (() => void) | undefined;
  /** Total bytes received, including what was consumed. */
  received = 0;
  closeError: Error | undefined;

  constructor(
    readonly socket: net.Socket,
    private readonly maxBytes: number,
    private readonly defaultTimeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (this.buffer.length + chunk.length > this.maxBytes) {
        this.overflowed = true;
        this.buffer = Buffer.concat([this.buffer, chunk.subarray(0, this.maxBytes - this.buffer.length)]);
        socket.destroy();
      } else {
        this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      }
      this.wake();
    });
    socket.on('error', (err) => {
      this.closeError = err;
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes buffered and not yet consumed. */
  peek(): Buffer {
    return this.buffer;
  }

  /** Drop the first `n` buffered bytes (they were parsed). */
  consume(n: number): void {
    this.buffer = this.buffer.subarray(n);
  }

  /** Wait until `until` matches, the peer closes, the buffer overflows or time runs out. */
  read(opts: ReadOptions = {}): Promise<ReadResult> {
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise((resolve) => {
      const started = Date.now();
      const check = () => {
        if (opts.until?.(this.buffer)) return finish('matched');
        if (this.overflowed) return finish('overflow');
        if (this.closed) return finish('closed');
        if (Date.now() - started >= timeoutMs) return finish('timeout');
        this.waiter = check;
      };
      const timer = setTimeout(() => {
        this.waiter = undefined;
        finish('timeout');
      }, timeoutMs);
      let done = false;
      const finish = (reason: ReadResult['reason']) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiter = undefined;
        resolve({ data: this.buffer, reason });
      };
      check();
    });
  }

  write(data: string | Buffer): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(data);
  }

  /** Was more sent than the cap allows? */
  get overflow(): boolean {
    return this.overflowed;
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface ConnectOptions {
  /** Speak TLS over the connection (certificates are not verified here: the TLS scanner judges them). */
  tls?: boolean | tls.ConnectionOptions;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  maxBytes?: number;
}

/** One datagram to send with `udpCollect`. */
export interface UdpDatagram {
  host: string;
  port: number;
  payload: Buffer;
}

export interface UdpCollectOptions {
  /** How long to keep listening after the last datagram was handed to the socket. */
  windowMs: number;
  /** SO_RCVBUF asked for (the kernel caps it at net.core.rmem_max, then doubles it). */
  recvBufferBytes?: number;
  /** Bytes kept over all answers; past it answers are dropped and counted. */
  maxBytes?: number;
  /** Answers kept at most; past it answers are dropped and counted. */
  maxAnswers?: number;
  /**
   * Local IPv4 address of the interface a multicast datagram leaves from.
   * Required to send to a multicast group: nothing is multicast by default.
   */
  multicastInterface?: string;
  /** Multicast TTL (default 1: the local segment only, never routed). */
  multicastTtl?: number;
}

export interface UdpCollectAnswer {
  from: string;
  port: number;
  data: Buffer;
  /** Milliseconds after the first send. */
  atMs: number;
}

export interface UdpCollectResult {
  answers: UdpCollectAnswer[];
  /** Datagrams the kernel accepted for sending. */
  sent: number;
  sendErrors: number;
  /** Answers from addresses outside the scope: dropped unread. */
  outOfScope: number;
  /** Answers dropped because `maxBytes` or `maxAnswers` was reached. */
  overCap: number;
  /** The receive buffer the kernel actually granted (bytes). */
  recvBufferBytes: number;
  windowMs: number;
}

function isMulticastIpv4(host: string): boolean {
  const first = Number(/^(\d{1,3})\./.exec(host)?.[1]);
  return first >= 224 && first <= 239;
}

export class Net {
  readonly stats: NetStats = { connections: 0, refusedByScope: 0 };
  readonly perHost: number;
  readonly globalLimit: number;
  private readonly global: LimitFunction;
  private readonly hostLimits = new Map<string, LimitFunction>();
  private readonly lastStart = new Map<string, number>();
  private readonly open = new Set<net.Socket | dgram.Socket>();
  private readonly opts: Required<Omit<NetOptions, 'signal' | 'scope'>> & Pick<NetOptions, 'signal' | 'scope'>;
  private httpAgent: Agent | undefined;
  private stopped = false;

  constructor(opts: NetOptions) {
    this.opts = {
      perHost: 2,
      global: 64,
      minIntervalMs: 10,
      connectTimeoutMs: 2000,
      readTimeoutMs: 3000,
      ...opts,
    };
    this.perHost = this.opts.perHost;
    this.globalLimit = this.opts.global;
    this.global = pLimit(this.opts.global);
    opts.signal?.addEventListener('abort', () => this.destroyAll(), { once: true });
  }

  get connectTimeoutMs(): number {
    return this.opts.connectTimeoutMs;
  }
  get readTimeoutMs(): number {
    return this.opts.readTimeoutMs;
  }

  /** Throws before anything is sent if `host` is outside the scope. */
  assertInScope(host: string): void {
    if (!this.opts.scope.allows(host)) {
      this.stats.refusedByScope++;
      throw new ScopeViolation(host);
    }
  }

  private assertRunning(): void {
    if (this.stopped || this.opts.signal?.aborted) throw new Aborted('scan interrupted: no new connection');
  }

  /** Refuse every new connection from now on; connections already open go on. */
  stopNew(): void {
    this.stopped = true;
  }

  /** Run `fn` while holding one of the host's connection slots (and one global slot). */
  async slot<T>(host: string, fn: () => Promise<T>): Promise<T> {
    this.assertInScope(host);
    this.assertRunning();
    let limit = this.hostLimits.get(host);
    if (!limit) {
      limit = pLimit(this.opts.perHost);
      this.hostLimits.set(host, limit);
    }
    return limit(() =>
      this.global(async () => {
        this.assertRunning();
        const wait = (this.lastStart.get(host) ?? 0) + this.opts.minIntervalMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        this.lastStart.set(host, Date.now());
        return fn();
      }),
    );
  }

  /**
   * Open a connection, hand it to `fn`, always close it. The slot is held for
   * the whole conversation so the per-host limit counts real connections.
   */
  withConnection<T>(host: string, port: number, opts: ConnectOptions, fn: (c: Conversation) => Promise<T>): Promise<T> {
    return this.slot(host, async () => {
      const socket = await this.connect(host, port, opts);
      const conv = new Conversation(socket, opts.maxBytes ?? DEFAULT_MAX_BUFFER, opts.readTimeoutMs ?? this.opts.readTimeoutMs);
      try {
        return await fn(conv);
      } finally {
        await closed(socket);
      }
    });
  }

  private connect(host: string, port: number, opts: ConnectOptions): Promise<net.Socket> {
    this.assertInScope(host);
    this.assertRunning();
    this.stats.connections++;
    const timeoutMs = opts.connectTimeoutMs ?? this.opts.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      let socket: net.Socket;
      const onError = (err: Error) => {
        clearTimeout(timer);
        // Release the slot only once the socket is really closed: the device must
        // never see this connection overlap the next one.
        void closed(socket).then(() => reject(err));
      };
      if (opts.tls) {
        const tlsOpts: tls.ConnectionOptions = {
          host,
          port,
          rejectUnauthorized: false,
          // Devices are old: reach them whatever they speak; judging is the TLS checks' job.
          minVersion: 'TLSv1',
          ciphers: 'ALL:@SECLEVEL=0',
          ...(typeof opts.tls === 'object' ? opts.tls : {}),
        };
        socket = tls.connect(tlsOpts, () => {
          clearTimeout(timer);
          resolve(socket);
        });
      } else {
        socket = net.connect({ host, port }, () => {
          clearTimeout(timer);
          resolve(socket);
        });
      }
      this.track(socket);
      socket.once('error', onError);
      // A TLS socket emits 'connect' at TCP level, before the handshake can still fail: keep the handler until 'secureConnect'.
      if (opts.tls) socket.once('secureConnect', () => socket.off('error', onError));
      else socket.once('connect', () => socket.off('error', onError));
      const timer = setTimeout(() => onError(new ProbeTimeout(`connect to ${host}:${port} timed out after ${timeoutMs} ms`)), timeoutMs);
    });
  }

  /** A UDP socket for request/answer exchanges with one in-scope host. */
  async udpExchange(host: string, port: number, payload: UdpPayload, opts: UdpExchangeOptions = {}): Promise<Buffer[]> {
    return (await this.udpExchangeFrom(host, port, payload, opts)).map((a) => a.data);
  }

  /**
   * Like `udpExchange`, with the source port of each answer (many UPnP stacks
   * answer from another port than the one asked). With `connect`, the socket is
   * connected to host:port, so an ICMP port-unreachable fails the exchange at
   * once with ECONNREFUSED instead of waiting the whole time-out; answers from
   * any other source port are then not seen. `payload` may be built from the
   * local address and port (SIP puts them in its Via header).
   */
  async udpExchangeFrom(host: string, port: number, payload: UdpPayload, opts: UdpExchangeOptions = {}): Promise<UdpAnswer[]> {
    return this.slot(host, () => {
      this.stats.connections++;
      return new Promise<UdpAnswer[]>((resolve, reject) => {
        const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
        this.track(socket);
        const answers: UdpAnswer[] = [];
        let total = 0;
        let done = false;
        let settle: NodeJS.Timeout | undefined;
        const max = opts.maxBytes ?? DEFAULT_MAX_BUFFER;
        const end = (err?: Error) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          clearTimeout(settle);
          try {
            socket.close();
          } catch {
            /* already closed by destroyAll */
          }
          if (err) reject(err);
          else resolve(answers);
        };
        const timer = setTimeout(() => end(), opts.timeoutMs ?? this.opts.readTimeoutMs);
        socket.on('message', (msg, rinfo) => {
          if (rinfo.address !== host) return; // only the host we asked
          total += msg.length;
          if (total > max) return end();
          answers.push({ data: msg, port: rinfo.port });
          if (opts.until?.(answers.map((a) => a.data))) return end();
          if (opts.settleMs !== undefined) {
            clearTimeout(settle);
            settle = setTimeout(() => end(), opts.settleMs);
          }
        });
        socket.on('error', (err) => end(err));
        socket.on('close', () => end());
        // The socket may be closed (interrupt) before it is bound: never let send throw out of a callback.
        const fire = (send: (data: Buffer) => void) => {
          if (done) return;
          try {
            send(typeof payload === 'function' ? payload(socket.address()) : payload);
          } catch (err) {
            end(err as Error);
          }
        };
        const sent = (err: Error | null) => err && end(err);
        if (opts.connect) socket.connect(port, host, (err?: Error) => (err ? end(err) : fire((data) => socket.send(data, sent))));
        else socket.bind(0, () => fire((data) => socket.send(data, port, host, sent)));
      });
    });
  }

  /**
   * Hand `fn` a UDP socket for a conversation with one in-scope host; the
   * host's slot is held for the whole conversation and the socket is always
   * closed after. The caller paces its own sends (protocol-specific rate).
   * With `connect`, only answers from host:port are seen and an ICMP
   * port-unreachable sets `refused` and closes the conversation at once.
   */
  withUdp<T>(host: string, port: number, opts: { maxBytes?: number; maxDatagrams?: number; connect?: boolean }, fn: (u: UdpConversation) => Promise<T>): Promise<T> {
    return this.slot(host, async () => {
      this.stats.connections++;
      const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
      this.track(socket);
      const conv = new UdpConversation(socket, host, port, opts.maxBytes ?? 1024 * 1024, opts.maxDatagrams ?? 1024);
      if (opts.connect) await conv.connect();
      try {
        return await fn(conv);
      } finally {
        conv.close();
      }
    });
  }

  /** undici connector that checks the scope and counts and tracks every socket. */
  private connector(): buildConnector.connector {
    const base = buildConnector({ rejectUnauthorized: false, timeout: this.opts.connectTimeoutMs, minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0' } as buildConnector.BuildOptions);
    return (options, callback) => {
      if (!this.opts.scope.allows(options.hostname)) {
        this.stats.refusedByScope++;
        callback(new ScopeViolation(options.hostname), null);
        return;
      }
      if (this.stopped || this.opts.signal?.aborted) {
        callback(new Aborted('scan interrupted: no new connection'), null);
        return;
      }
      this.stats.connections++;
      base(options, (err, socket) => {
        if (socket) this.track(socket as net.Socket);
        callback(err as Error, socket as never);
      });
    };
  }

  /**
   * One HTTP request on its own connection, inside one per-host slot: the
   * connection is closed (and seen closed) before the slot is released, so
   * the per-host limit holds from the device's point of view. The body is read
   * up to `maxBytes` and the rest dropped.
   */
  async httpRequest(host: string, url: string, opts: HttpRequestOptions = {}): Promise<HttpAnswer> {
    return this.slot(host, async () => {
      const target = new URL(url);
      const client = new Client(target.origin, {
        connect: this.connector(),
        pipelining: 0,
        headersTimeout: opts.timeoutMs ?? this.opts.readTimeoutMs,
        bodyTimeout: opts.timeoutMs ?? this.opts.readTimeoutMs,
      });
      try {
        const res = await client.request({
          path: `${target.pathname}${target.search}`,
          method: (opts.method ?? 'GET') as Dispatcher.HttpMethod,
          headers: { connection: 'close', ...opts.headers },
          ...(opts.body !== undefined ? { body: opts.body } : {}),
        });
        const max = opts.maxBytes ?? 256 * 1024;
        const chunks: Buffer[] = [];
        let bytes = 0;
        let truncated = false;
        for await (const chunk of res.body) {
          const b = chunk as Buffer;
          if (bytes + b.length > max) {
            chunks.push(b.subarray(0, max - bytes));
            bytes = max;
            truncated = true;
            break;
          }
          bytes += b.length;
          chunks.push(b);
        }
        if (truncated) res.body.destroy();
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) headers[k.toLowerCase()] = (Array.isArray(v) ? v.join('\n') : v).slice(0, 2000);
        }
        return { status: res.statusCode, headers, body: Buffer.concat(chunks), truncated };
      } finally {
        await client.destroy().catch(() => undefined);
      }
    });
  }

  /**
   * A shared undici Agent with the same scope-checking connector. Prefer
   * `httpRequest`, which also holds the per-host slot for the connection's life.
   */
  http(): Agent {
    if (!this.httpAgent) {
      this.httpAgent = new Agent({
        connect: this.connector(),
        keepAliveTimeout: 1,
        keepAliveMaxTimeout: 1,
        pipelining: 0,
        headersTimeout: this.opts.readTimeoutMs,
        bodyTimeout: this.opts.readTimeoutMs,
        maxResponseSize: -1,
      });
    }
    return this.httpAgent;
  }

  /**
   * Send datagrams from ONE socket and collect every answer for a whole
   * window (discovery protocols: one probe, many answers, or one probe per
   * host and hundreds of answers at once). Unicast destinations must be in
   * scope; a multicast group is only allowed with an explicit
   * `multicastInterface` (TTL 1). Answers from outside the scope are dropped.
   * The receive buffer is enlarged so a burst of answers is not lost in the
   * kernel; the granted size is reported.
   */
  async udpCollect(destinations: readonly UdpDatagram[], opts: UdpCollectOptions): Promise<UdpCollectResult> {
    for (const d of destinations) {
      if (isMulticastIpv4(d.host)) {
        if (!opts.multicastInterface) {
          this.stats.refusedByScope++;
          throw new ScopeViolation(`${d.host} (multicast needs an explicit interface)`);
        }
      } else {
        this.assertInScope(d.host);
      }
    }
    this.assertRunning();
    return this.global(
      () =>
        new Promise<UdpCollectResult>((resolve, reject) => {
          const result: UdpCollectResult = { answers: [], sent: 0, sendErrors: 0, outOfScope: 0, overCap: 0, recvBufferBytes: 0, windowMs: opts.windowMs };
          if (this.stopped || this.opts.signal?.aborted) return reject(new Aborted('scan interrupted: no new probe'));
          const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
          const maxAnswers = opts.maxAnswers ?? 10_000;
          const socket = dgram.createSocket({ type: 'udp4' });
          this.track(socket);
          let bytes = 0;
          let t0 = Date.now();
          let timer: NodeJS.Timeout | undefined;
          let done = false;
          const onAbort = () => finish();
          const finish = (err?: Error) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            this.opts.signal?.removeEventListener('abort', onAbort);
            try {
              socket.close();
            } catch {
              /* already closed by destroyAll */
            }
            if (err) reject(err);
            else resolve(result);
          };
          this.opts.signal?.addEventListener('abort', onAbort, { once: true });
          socket.on('message', (msg, rinfo) => {
            if (done) return;
            if (!this.opts.scope.allows(rinfo.address)) {
              result.outOfScope++;
              return;
            }
            if (result.answers.length >= maxAnswers || bytes + msg.length > maxBytes) {
              result.overCap++;
              return;
            }
            bytes += msg.length;
            result.answers.push({ from: rinfo.address, port: rinfo.port, data: msg, atMs: Date.now() - t0 });
          });
          socket.once('error', (err) => finish(err));
          socket.once('close', () => finish());
          const bind = opts.multicastInterface ? { port: 0, address: opts.multicastInterface } : { port: 0 };
          socket.bind(bind, () => {
            try {
              socket.setRecvBufferSize(opts.recvBufferBytes ?? 4 * 1024 * 1024);
            } catch {
              /* the kernel refused the size: the granted one is reported below */
            }
            result.recvBufferBytes = socket.getRecvBufferSize();
            if (opts.multicastInterface) {
              socket.setMulticastInterface(opts.multicastInterface);
              socket.setMulticastTTL(opts.multicastTtl ?? 1);
              socket.setMulticastLoopback(true);
            }
            t0 = Date.now();
            for (const d of destinations) {
              this.stats.connections++;
              socket.send(d.payload, d.port, d.host, (err) => {
                if (err) result.sendErrors++;
                else result.sent++;
              });
            }
            timer = setTimeout(() => finish(), opts.windowMs);
          });
        }),
    );
  }

  private track(socket: net.Socket | dgram.Socket): void {
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
  }

  /** Number of sockets currently open (for tests and the interrupt path). */
  get openSockets(): number {
    return this.open.size;
  }

  destroyAll(): void {
    for (const s of this.open) {
      if (s instanceof net.Socket) s.destroy();
      else {
        try {
          s.close();
        } catch {
          /* already closed */
        }
      }
    }
    this.open.clear();
  }

  async close(): Promise<void> {
    this.destroyAll();
    await this.httpAgent?.close().catch(() => undefined);
  }
}
