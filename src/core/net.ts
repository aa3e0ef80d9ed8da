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
        socket.destroy();
        reject(err);
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
      socket.once('connect', () => socket.off('error', onError));
      if (opts.tls) socket.once('secureConnect', () => socket.off('error', onError));
      const timer = setTimeout(() => onError(new ProbeTimeout(`connect to ${host}:${port} timed out after ${timeoutMs} ms`)), timeoutMs);
    });
  }

  /** A UDP socket for request/answer exchanges with one in-scope host. */
  async udpExchange(
    host: string,
    port: number,
    payload: Buffer,
    opts: { timeoutMs?: number; maxBytes?: number; until?: (answers: Buffer[]) => boolean } = {},
  ): Promise<Buffer[]> {
    return this.slot(host, () => {
      this.stats.connections++;
      return new Promise<Buffer[]>((resolve, reject) => {
        const socket = dgram.createSocket('udp4');
        this.track(socket);
        const answers: Buffer[] = [];
        let total = 0;
        const max = opts.maxBytes ?? DEFAULT_MAX_BUFFER;
        const finish = () => {
          clearTimeout(timer);
          socket.close();
          resolve(answers);
        };
        const timer = setTimeout(finish, opts.timeoutMs ?? this.opts.readTimeoutMs);
        socket.on('message', (msg, rinfo) => {
          if (rinfo.address !== host) return; // only the host we asked
          total += msg.length;
          if (total > max) return finish();
          answers.push(msg);
          if (opts.until?.(answers)) finish();
        });
        socket.on('error', (err) => {
          clearTimeout(timer);
          socket.close();
          reject(err);
        });
        socket.send(payload, port, host);
      });
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
