/**
 * An SNMP manager over one `UdpConversation` (see src/core/net.ts): paced
 * sends, request-id matching, bounded retries, and v3/USM requests. Every
 * datagram that is not valid SNMP is counted and ignored, never trusted.
 */
import { randomInt } from 'node:crypto';
import type { UdpConversation } from '../../src/core/net.ts';
import { errorMessage } from '../../src/core/errors.ts';
import type { SnmpV3Level } from '../../src/core/facts.ts';
import { BerError } from './ber.ts';
import {
  MSG_FLAGS,
  PDU,
  decodeMessage,
  decodeScopedPduBytes,
  encodeCommunityMessage,
  encodeScopedPdu,
  encodeV3Message,
  type CommunityVersion,
  type Message,
  type Pdu,
  type ScopedPdu,
  type V3Message,
  type VarBind,
} from './snmp-message.ts';
import { AUTH_PROTOCOLS, aesDecrypt, aesEncrypt, localizeKey, signMessage, verifyMessage, type AuthProtocol, type PrivProtocol } from './snmp-usm.ts';

export interface ClientOptions {
  /** Minimum milliseconds between two datagrams to the device (its packet rate). */
  spacingMs: number;
  timeoutMs: number;
  /** Extra attempts after the first, for requests that must be answered. */
  retries: number;
  signal?: AbortSignal;
}

/** USM report counters (RFC 3414 §5, usmStats). */
export const USM_STATS = {
  unsupportedSecLevels: '1.3.6.1.6.3.15.1.1.1.0',
  notInTimeWindows: '1.3.6.1.6.3.15.1.1.2.0',
  unknownUserNames: '1.3.6.1.6.3.15.1.1.3.0',
  unknownEngineIDs: '1.3.6.1.6.3.15.1.1.4.0',
  wrongDigests: '1.3.6.1.6.3.15.1.1.5.0',
  decryptionErrors: '1.3.6.1.6.3.15.1.1.6.0',
} as const;

export interface Engine {
  engineId: Buffer;
  boots: number;
  time: number;
  /** When `time` was read (ms since epoch). */
  at: number;
}

/** A site-supplied SNMPv3 account (the keys are passwords: never logged). */
export interface V3Credential {
  user: string;
  authProtocol?: AuthProtocol;
  authKey?: string;
  privProtocol?: PrivProtocol;
  privKey?: string;
}

export type V3Result =
  | { kind: 'response'; pdu: Pdu; raw: Buffer }
  | { kind: 'report'; oid: string; raw: Buffer; engine?: Engine }
  | { kind: 'no-answer' }
  | { kind: 'bad-auth'; raw: Buffer }
  | { kind: 'error'; message: string };

export interface Exchange {
  pdu: Pdu;
  raw: Buffer;
  sent: Buffer;
}

const MAX_MSG_SIZE = 65507;

function newId(): number {
  return randomInt(1, 2 ** 31 - 1);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Answers kept for a later reader (one request's wait may receive another's answer). */
const UNCLAIMED_MAX = 64;

/** An engine discovery sent and not yet awaited (see `sendEngineDiscovery`). */
export interface PendingDiscovery {
  sent: Buffer;
  msgId: number;
  at: number;
}

export class SnmpClient {
  malformed = 0;
  firstMalformed: string | undefined;
  private lastSend = 0;
  /** Valid SNMP messages a reader did not want: the next readers look here first (bounded). */
  private readonly unclaimed: { m: Message; raw: Buffer }[] = [];
  private readonly keys = new Map<string, Buffer>();

  constructor(
    private readonly u: UdpConversation,
    readonly opts: ClientOptions,
  ) {}

  get sent(): number {
    return this.u.sent;
  }

  /** The host answered with an ICMP port-unreachable: no agent there. */
  get refused(): boolean {
    return this.u.refused;
  }

  get closed(): boolean {
    return this.u.isClosed || !!this.opts.signal?.aborted;
  }

  async send(payload: Buffer): Promise<void> {
    const wait = this.lastSend + this.opts.spacingMs - Date.now();
    if (wait > 0) await sleep(wait, this.opts.signal);
    if (this.closed) return;
    this.lastSend = Date.now();
    this.u.send(payload);
  }

  /**
   * Read datagrams until `match` accepts one or `deadline` passes (a past
   * deadline only drains what is queued). A valid message `match` does not
   * want is kept for later readers, so that requests can overlap (the engine
   * discovery's Report arriving during a community sweep).
   */
  async receive<T>(deadline: number, match: (m: Message, raw: Buffer) => T | undefined): Promise<{ value: T; raw: Buffer } | undefined> {
    for (const [k, u] of this.unclaimed.entries()) {
      const v = match(u.m, u.raw);
      if (v !== undefined) {
        this.unclaimed.splice(k, 1);
        return { value: v, raw: u.raw };
      }
    }
    for (;;) {
      const raw = await this.u.next(Math.max(0, deadline - Date.now()));
      if (!raw) return undefined;
      let m: Message;
      try {
        m = decodeMessage(raw);
      } catch (err) {
        this.malformed++;
        this.firstMalformed ??= errorMessage(err);
        continue;
      }
      const v = match(m, raw);
      if (v !== undefined) return { value: v, raw };
      this.unclaimed.push({ m, raw });
      if (this.unclaimed.length > UNCLAIMED_MAX) this.unclaimed.shift();
    }
  }

  /** Send and wait for the matching answer, with the configured retries. */
  async request<T>(payload: Buffer, match: (m: Message, raw: Buffer) => T | undefined, retries = this.opts.retries): Promise<{ value: T; raw: Buffer } | undefined> {
    for (let attempt = 0; attempt <= retries && !this.closed; attempt++) {
      await this.send(payload);
      const got = await this.receive(Date.now() + this.opts.timeoutMs, match);
      if (got) return got;
    }
    return undefined;
  }

  /** One v1/v2c request; only a Response of the same version and request-id is an answer. */
  async community(version: CommunityVersion, community: Buffer, type: number, varbinds: VarBind[], bulk?: { nonRepeaters: number; maxRepetitions: number }, retries?: number): Promise<Exchange | undefined> {
    const requestId = newId();
    const pdu: Pdu = { type, requestId, errorStatus: bulk?.nonRepeaters ?? 0, errorIndex: bulk?.maxRepetitions ?? 0, varbinds };
    const sent = encodeCommunityMessage(version, community, pdu);
    const wanted = version === 'v1' ? 0 : 1;
    const got = await this.request(sent, (m) => (m.version === wanted && m.pdu.type === PDU.response && m.pdu.requestId === requestId ? m.pdu : undefined), retries);
    return got && { pdu: got.value, raw: got.raw, sent };
  }

  /**
   * One GET per probe, paced, each with its own request-id, then wait for the
   * answers: agents stay silent on a wrong community, so waiting for each in
   * turn would cost a full time-out per name. With `retry`, a probe still
   * unanswered once its own time-out has run is sent once more, at the next
   * paced slot, if `retry.when(answers so far)` says the agent is known to
   * answer: the retries interleave with the first sends instead of waiting
   * for the whole sweep to time out (same rate, same number of datagrams).
   */
  async sweep(
    probes: readonly { version: CommunityVersion; community: Buffer }[],
    varbinds: VarBind[],
    retry?: { when: (answers: ReadonlyMap<number, Exchange>) => boolean },
  ): Promise<Map<number, Exchange>> {
    const ids = new Map<number, number>();
    const sent = new Map<number, Buffer>();
    const out = new Map<number, Exchange>();
    const match = (m: Message): number | undefined => {
      if (m.version === 3 || m.pdu.type !== PDU.response) return undefined;
      const i = ids.get(m.pdu.requestId);
      if (i === undefined || out.has(i)) return undefined;
      return (m.version === 0) === (probes[i]!.version === 'v1') ? i : undefined;
    };
    const collect = async (deadline: number) => {
      while (out.size < probes.length) {
        const got = await this.receive(deadline, (m) => match(m));
        if (!got) return;
        const m = decodeMessage(got.raw) as Exclude<Message, V3Message>;
        out.set(got.value, { pdu: m.pdu, raw: got.raw, sent: sent.get(got.value)! });
      }
    };
    // Per probe: datagrams sent, when the last one left, and whether it may still be retried.
    const state = probes.map(() => ({ attempts: 0, at: 0, retry: !!retry }));
    const fire = async (i: number) => {
      const p = probes[i]!;
      const requestId = newId();
      ids.set(requestId, i);
      const payload = encodeCommunityMessage(p.version, p.community, { type: PDU.get, requestId, errorStatus: 0, errorIndex: 0, varbinds });
      sent.set(i, payload);
      await this.send(payload);
      state[i] = { ...state[i]!, attempts: state[i]!.attempts + 1, at: Date.now() };
      await collect(0);
    };
    const waiting = (i: number) => state[i]!.retry && state[i]!.attempts === 1 && !out.has(i);
    let next = 0;
    while (!this.closed) {
      const now = Date.now();
      const due = probes.findIndex((_, i) => waiting(i) && state[i]!.at + this.opts.timeoutMs <= now);
      if (due >= 0) {
        if (retry!.when(out)) await fire(due);
        else state[due]!.retry = false; // the agent has not answered anything: silence is its answer
        continue;
      }
      if (next < probes.length) {
        await fire(next++);
        continue;
      }
      const times = probes.flatMap((_, i) => (waiting(i) ? [state[i]!.at + this.opts.timeoutMs] : []));
      if (!times.length) break;
      await collect(Math.min(...times));
    }
    await collect(Math.max(0, ...state.map((s) => s.at)) + this.opts.timeoutMs);
    return out;
  }

  /** SNMPv3 engine discovery: an empty-user GET that a v3 agent answers with a Report (RFC 3414 §4). */
  async discoverEngine(retries?: number): Promise<{ engine: Engine; report: Pdu; raw: Buffer; sent: Buffer } | undefined> {
    return this.awaitEngineDiscovery(await this.sendEngineDiscovery(), retries);
  }

  /** Send the engine discovery without waiting: its Report is read later by `awaitEngineDiscovery`, other requests may go meanwhile. */
  async sendEngineDiscovery(): Promise<PendingDiscovery> {
    const msgId = newId();
    const sent = encodeV3Message({
      msgId,
      maxSize: MAX_MSG_SIZE,
      flags: MSG_FLAGS.reportable,
      usm: { engineId: Buffer.alloc(0), engineBoots: 0, engineTime: 0, userName: Buffer.alloc(0), authParams: Buffer.alloc(0), privParams: Buffer.alloc(0) },
      data: { scoped: { contextEngineId: Buffer.alloc(0), contextName: Buffer.alloc(0), pdu: { type: PDU.get, requestId: newId(), errorStatus: 0, errorIndex: 0, varbinds: [] } } },
    });
    await this.send(sent);
    return { sent, msgId, at: Date.now() };
  }

  /** The Report of a discovery sent earlier: wait out its time-out from when it left, then retry (`retries` more attempts). */
  async awaitEngineDiscovery(p: PendingDiscovery, retries = this.opts.retries): Promise<{ engine: Engine; report: Pdu; raw: Buffer; sent: Buffer } | undefined> {
    const match = (m: Message) => (m.version === 3 && m.msgId === p.msgId && m.usm && m.usm.engineId.length > 0 && m.scoped?.pdu.type === PDU.report ? m : undefined);
    let got = await this.receive(p.at + this.opts.timeoutMs, match);
    if (!got && retries > 0 && !this.closed) got = await this.request(p.sent, match, retries - 1);
    if (!got) return undefined;
    const m = got.value;
    return { engine: { engineId: m.usm!.engineId, boots: m.usm!.engineBoots, time: m.usm!.engineTime, at: Date.now() }, report: m.scoped!.pdu, raw: got.raw, sent: p.sent };
  }

  private key(protocol: AuthProtocol, password: string, engineId: Buffer): Buffer {
    const id = `${protocol}\0${engineId.toString('hex')}\0${password}`;
    let k = this.keys.get(id);
    if (!k) {
      k = localizeKey(protocol, password, engineId);
      this.keys.set(id, k);
    }
    return k;
  }

  /**
   * One v3 request at `level`. Answers are authenticated (when we asked for
   * authentication, a Response must carry a valid HMAC) and decrypted (AES).
   */
  async v3(cred: V3Credential, level: SnmpV3Level, engine: Engine, type: number, varbinds: VarBind[], bulk?: { nonRepeaters: number; maxRepetitions: number }): Promise<V3Result> {
    const auth = level !== 'noAuthNoPriv';
    const priv = level === 'authPriv';
    if (auth && (!cred.authProtocol || !cred.authKey)) return { kind: 'error', message: 'authentication asked without an authentication protocol and key' };
    if (priv && (cred.privProtocol !== 'aes' || !cred.privKey)) return { kind: 'error', message: `privacy protocol ${cred.privProtocol ?? 'none'} is not supported by vigie (AES-128 only)` };
    let authKey: Buffer | undefined;
    let privKey: Buffer | undefined;
    try {
      if (auth) authKey = this.key(cred.authProtocol!, cred.authKey!, engine.engineId);
      if (priv) privKey = this.key(cred.authProtocol!, cred.privKey!, engine.engineId);
    } catch (err) {
      return { kind: 'error', message: errorMessage(err) };
    }
    const msgId = newId();
    const requestId = newId();
    const time = engine.time + Math.floor((Date.now() - engine.at) / 1000);
    const scoped: ScopedPdu = {
      contextEngineId: engine.engineId,
      contextName: Buffer.alloc(0),
      pdu: { type, requestId, errorStatus: bulk?.nonRepeaters ?? 0, errorIndex: bulk?.maxRepetitions ?? 0, varbinds },
    };
    let data: { scoped: ScopedPdu } | { encrypted: Buffer } = { scoped };
    let privParams: Buffer = Buffer.alloc(0);
    if (priv) {
      const e = aesEncrypt(privKey!, engine.boots, time, encodeScopedPdu(scoped));
      data = { encrypted: e.encrypted };
      privParams = e.salt;
    }
    const flags = MSG_FLAGS.reportable | (auth ? MSG_FLAGS.auth : 0) | (priv ? MSG_FLAGS.priv : 0);
    const payload = encodeV3Message({
      msgId,
      maxSize: MAX_MSG_SIZE,
      flags,
      usm: {
        engineId: engine.engineId,
        engineBoots: engine.boots,
        engineTime: time,
        userName: Buffer.from(cred.user, 'utf8'),
        authParams: auth ? Buffer.alloc(AUTH_PROTOCOLS[cred.authProtocol!].macLength) : Buffer.alloc(0),
        privParams,
      },
      data,
    });
    if (auth) signMessage(cred.authProtocol!, authKey!, payload, (decodeMessage(payload) as V3Message).authParamsOffset!);
    const got = await this.request(payload, (m) => (m.version === 3 && m.msgId === msgId ? m : undefined));
    if (!got) return { kind: 'no-answer' };
    const m = got.value;
    const authenticated = !!(m.flags & MSG_FLAGS.auth);
    if (authenticated) {
      if (!authKey || !m.usm || m.authParamsOffset === undefined || !verifyMessage(cred.authProtocol!, authKey, got.raw, m.authParamsOffset, m.usm.authParams)) return { kind: 'bad-auth', raw: got.raw };
    }
    let pdu: Pdu | undefined = m.scoped?.pdu;
    if (m.encrypted) {
      if (!privKey || !m.usm) return { kind: 'error', message: 'encrypted answer without a privacy key' };
      try {
        pdu = decodeScopedPduBytes(aesDecrypt(privKey, m.usm.engineBoots, m.usm.engineTime, m.usm.privParams, m.encrypted)).pdu;
      } catch (err) {
        return { kind: 'error', message: `the encrypted answer did not decrypt to a ScopedPDU (${err instanceof BerError ? err.message : errorMessage(err)})` };
      }
    }
    if (!pdu) return { kind: 'error', message: 'answer without a PDU' };
    if (pdu.type === PDU.report) {
      const r: V3Result = { kind: 'report', oid: pdu.varbinds[0]?.oid ?? '', raw: got.raw };
      if (m.usm && m.usm.engineId.length) r.engine = { engineId: m.usm.engineId, boots: m.usm.engineBoots, time: m.usm.engineTime, at: Date.now() };
      return r;
    }
    // A Response to an authenticated request must itself be authenticated.
    if (pdu.type !== PDU.response || pdu.requestId !== requestId || (auth && !authenticated)) return { kind: 'bad-auth', raw: got.raw };
    return { kind: 'response', pdu, raw: got.raw };
  }
}
