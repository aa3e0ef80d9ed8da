/**
 * TLS: which protocol versions and cipher suites a service accepts, and its
 * certificate chain.
 *
 * Versions and suites are enumerated with ClientHellos written by vigie
 * (scanners/lib/tls-hello.ts) over plain TCP, so the result never depends on
 * what the local OpenSSL can still negotiate: Node 20's OpenSSL can offer
 * neither SSLv3 nor 3DES, RC4, NULL or EXPORT suites, which are exactly what
 * old cameras accept. Per version: offer every candidate suite (at most 128
 * per hello: some stacks reject longer lists), note the one the server picks,
 * remove it, offer again, until the server refuses. The picks come out in the
 * server's order of preference when it imposes one (checked with one more
 * hello in reverse order). Only the ServerHello is read: no key is computed.
 *
 * The certificate comes from a real handshake by node:tls (through Net); when
 * node:tls cannot handshake (SSLv3-only, 3DES-only devices), from the
 * Certificate message that follows a crafted TLS ≤ 1.2 ServerHello.
 *
 * Bounded: a connection budget and a time budget per endpoint, every probe
 * under Net's per-host limit, time-outs and size caps.
 */
import type tls from 'node:tls';
import type { Fact, Service } from '../src/core/model.ts';
import type { Conversation, Net } from '../src/core/net.ts';
import { serviceFact, type Scanner, type ScanContext } from '../src/core/scanner.ts';
import { errorCode, errorMessage } from '../src/core/errors.ts';
import { trimEvidence } from '../src/core/text.ts';
import { SSL2_CIPHER_SPECS, SUITES, TLS_SERVICE_KINDS, VERSION_CODES, suiteByCode, suiteHex, versionName, type TlsSuite } from '../src/core/tls-suites.ts';
import type { TlsCertificateData, TlsHandshakeData, TlsSuiteSeen, TlsVersionData } from '../src/core/facts.ts';
import { buildClientHello, buildSslv2ClientHello, parseServerAnswer, parseSslv2Answer, type ServerAnswer, type Sslv2Answer } from './lib/tls-hello.ts';
import { analyseChain, trustStore } from './lib/tls-cert.ts';

const ID = 'tls';
/** Suites per ClientHello: some TLS stacks reject longer lists. */
const WINDOW = 128;
const ANSWER_CAP = 96 * 1024;
const DEFAULT_BUDGET_MS = 12_000;
const DEFAULT_MAX_CONNECTIONS = 300;
/** How long to wait for the server's FIN after ours. */
const HANG_UP_MS = 300;

type Enumerated = Exclude<TlsVersionData['version'], 'SSLv2'>;

/** Suites real devices ship come first, so the first hello of a version usually holds all of them. */
function mainstream(s: TlsSuite): boolean {
  const kex = ['RSA', 'DHE', 'ECDHE'].includes(s.kex) || (s.kex === 'ECDH' && !s.flags.aead);
  const enc = /^(AES|3DES|DES|RC4|RC2|NULL|CHACHA20|IDEA|SEED)/.test(s.enc) || /^CAMELLIA_\d+_CBC$/.test(s.enc);
  return kex && enc && !/CCM/.test(s.enc);
}

function candidates(version: Enumerated): number[] {
  const eligible = SUITES.filter((s) =>
    version === 'TLSv1.3' ? s.minVersion === 'TLSv1.3' : s.minVersion === 'SSLv3' || (version === 'TLSv1.2' && s.minVersion === 'TLSv1.2'),
  );
  return [...eligible.filter(mainstream), ...eligible.filter((s) => !mainstream(s))].map((s) => s.code);
}

function seen(code: number): TlsSuiteSeen {
  return { code: suiteHex(code), name: suiteByCode(code)?.name ?? `unknown ${suiteHex(code)}` };
}

type Outcome<A> = A | { kind: 'timeout'; bytes: number } | { kind: 'closed'; bytes: number; reset: boolean } | { kind: 'error'; reason: string };

function describe(a: Outcome<ServerAnswer> | Outcome<Sslv2Answer>): string {
  switch (a.kind) {
    case 'alert':
      return `alert ${a.name}`;
    case 'closed':
      return a.bytes ? `connection ${a.reset ? 'reset' : 'closed'} after ${a.bytes} byte(s) of an incomplete answer` : `connection ${a.reset ? 'reset' : 'closed'} without an answer`;
    case 'timeout':
      return a.bytes ? `time-out after ${a.bytes} byte(s) of an incomplete answer` : 'time-out: no answer';
    case 'malformed':
      return `malformed answer: ${a.reason}`;
    case 'not-tls':
      return a.reason;
    case 'error':
      return a.reason;
    case 'server-hello':
      return `ServerHello ${versionName(a.hello.version) ?? suiteHex(a.hello.version)} ${seen(a.hello.suite).name}`;
    case 'sslv2-hello':
      return `SSLv2 SERVER-HELLO with ${a.specs.length} cipher kind(s)`;
    case 'sslv2-error':
      return `SSLv2 ERROR ${a.code}`;
    default:
      return a.kind;
  }
}

/** Connection and time budget of one endpoint. */
class Budget {
  connections = 0;
  exhausted = false;
  private readonly deadline: number;
  constructor(
    ms: number,
    private readonly maxConnections: number,
  ) {
    this.deadline = Date.now() + ms;
  }
  take(): boolean {
    if (this.connections >= this.maxConnections || Date.now() >= this.deadline) {
      this.exhausted = true;
      return false;
    }
    this.connections++;
    return true;
  }
  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }
}

class Prober {
  /** Cleared when the server ignores a FIN once: then no more waiting for it on this endpoint. */
  private waitForFin = true;

  constructor(
    private readonly net: Net,
    private readonly host: string,
    private readonly port: number,
    readonly budget: Budget,
  ) {}

  /** Send `hello`, read until `parse` has a verdict, the peer hangs up, or time runs out. */
  async exchange<A extends { kind: string }>(hello: Buffer, parse: (b: Buffer) => A): Promise<Outcome<A>> {
    const timeoutMs = Math.max(200, Math.min(this.net.readTimeoutMs, this.budget.remainingMs()));
    try {
      return await this.net.withConnection(this.host, this.port, { maxBytes: ANSWER_CAP, readTimeoutMs: timeoutMs }, async (conv) => {
        conv.write(hello);
        const r = await conv.read({ until: (b) => parse(b).kind !== 'need-more', timeoutMs });
        const answer = parse(r.data);
        if (answer.kind !== 'need-more') {
          if (this.waitForFin && !(await hangUp(conv))) this.waitForFin = false;
          return answer;
        }
        if (r.reason === 'overflow') return { kind: 'error', reason: `answer larger than ${ANSWER_CAP / 1024} KiB` } as const;
        if (r.reason === 'closed') {
          const code = errorCode(conv.closeError);
          return { kind: 'closed', bytes: r.data.length, reset: code === 'ECONNRESET' || code === 'EPIPE' } as const;
        }
        return { kind: 'timeout', bytes: r.data.length } as const;
      });
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ECONNRESET' || code === 'EPIPE') return { kind: 'closed', bytes: 0, reset: true };
      return { kind: 'error', reason: `${code ? `${code}: ` : ''}${errorMessage(err)}`.slice(0, 200) };
    }
  }
}

/**
 * Close with a FIN and wait (briefly) for the server's: the device has then
 * seen this connection end before the next one starts, so it never counts
 * more than the per-host limit — dozens of short connections in a row would
 * otherwise overlap on its side by a few microseconds.
 */
async function hangUp(conv: Conversation): Promise<boolean> {
  if (conv.isClosed) return true;
  conv.socket.end();
  return (await conv.read({ until: () => false, timeoutMs: HANG_UP_MS })).reason !== 'timeout';
}

interface VersionRun {
  data: TlsVersionData;
  /** Accepted codes, in order found. */
  codes: number[];
}

/** Offer, note the pick, remove it, offer again — until the server refuses. */
async function enumerateVersion(p: Prober, version: Enumerated, notes: string[]): Promise<VersionRun> {
  const wire = VERSION_CODES[version];
  const tls13 = version === 'TLSv1.3';
  let remaining = candidates(version);
  const codes: number[] = [];
  const data: TlsVersionData = { version, status: 'refused', suites: [], complete: true };
  const hello = (suites: readonly number[]) =>
    tls13 ? buildClientHello({ version: 0x0303, supportedVersions: [0x0304], suites }) : buildClientHello({ version: wire, suites });
  while (remaining.length) {
    if (!p.budget.take()) {
      data.complete = false;
      break;
    }
    const offer = remaining.slice(0, WINDOW);
    const a = await p.exchange(hello(offer), (b) => parseServerAnswer(b));
    if (a.kind === 'server-hello') {
      const h = a.hello;
      if (h.version !== wire) {
        // The server would rather speak another version: this one is not accepted.
        if (!codes.length) data.reason = `answered ${versionName(h.version) ?? suiteHex(h.version)}`;
        else notes.push(`${version}: the server switched to ${versionName(h.version) ?? suiteHex(h.version)} during the enumeration`);
        break;
      }
      if (!offer.includes(h.suite)) {
        notes.push(`${version}: the server chose ${seen(h.suite).name}, which was not offered`);
        if (!codes.length) {
          data.status = 'unknown';
          data.reason = `chose a suite that was not offered (${suiteHex(h.suite)})`;
        }
        data.complete = false;
        break;
      }
      data.status = 'accepted';
      codes.push(h.suite);
      remaining = remaining.filter((c) => c !== h.suite);
      continue;
    }
    // A hang-up before any byte is a refusal; after part of an answer it is a broken answer.
    if (a.kind === 'alert' || (a.kind === 'closed' && a.bytes === 0)) {
      data.reason ??= describe(a);
      // protocol_version before any acceptance: the version itself is refused, no other window will help.
      if (!codes.length && a.kind === 'alert' && a.description === 70) break;
      remaining = remaining.slice(offer.length);
      continue;
    }
    // time-out, garbage, connect error: no verdict from this hello.
    if (!codes.length) {
      data.status = 'unknown';
      data.reason = describe(a);
    } else notes.push(`${version}: ${describe(a)} during the enumeration`);
    data.complete = false;
    break;
  }
  if (codes.length >= 2 && p.budget.take()) {
    // Offer what was accepted in reverse: the server's own pick again means it imposes its order.
    const reversed = [...codes].reverse();
    const a = await p.exchange(hello(reversed), (b) => parseServerAnswer(b));
    if (a.kind === 'server-hello' && a.hello.version === wire) {
      if (a.hello.suite === codes[0]) data.serverPreference = true;
      else if (a.hello.suite === reversed[0]) data.serverPreference = false;
    }
  }
  data.suites = codes.map(seen);
  if (data.status === 'accepted') delete data.reason;
  return { data, codes };
}

async function probeSslv2(p: Prober): Promise<{ data: TlsVersionData; certificate?: Buffer }> {
  const data: TlsVersionData = { version: 'SSLv2', status: 'refused', suites: [], complete: true };
  if (!p.budget.take()) return { data: { ...data, status: 'unknown', reason: 'budget exhausted', complete: false } };
  const specs = Object.keys(SSL2_CIPHER_SPECS).map(Number);
  const a = await p.exchange(buildSslv2ClientHello(specs), parseSslv2Answer);
  if (a.kind === 'sslv2-hello') {
    data.status = 'accepted';
    data.suites = a.specs.map((s) => ({ code: `0x${s.toString(16).toUpperCase().padStart(6, '0')}`, name: SSL2_CIPHER_SPECS[s] ?? 'unknown SSLv2 cipher kind' }));
    return a.certificate ? { data, certificate: a.certificate } : { data };
  }
  // A server that speaks TLS and stays silent on an SSLv2 hello does not speak SSLv2.
  if (a.kind === 'malformed') {
    data.status = 'unknown';
    data.complete = false;
  }
  data.reason = describe(a);
  return { data };
}

/** The chain as node:tls received it, leaf first. */
async function chainByNodeTls(net: Net, host: string, port: number): Promise<{ ders: Buffer[] } | { error: string }> {
  try {
    return await net.withConnection(host, port, { tls: true }, async (conv) => {
      const socket = conv.socket as tls.TLSSocket;
      const ders: Buffer[] = [];
      const fingerprints = new Set<string>();
      let cert = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
      while (cert?.raw && !fingerprints.has(cert.fingerprint256) && ders.length < 10) {
        fingerprints.add(cert.fingerprint256);
        ders.push(cert.raw);
        cert = cert.issuerCertificate;
      }
      await hangUp(conv);
      return { ders };
    });
  } catch (err) {
    const code = errorCode(err);
    return { error: `${code ? `${code}: ` : ''}${errorMessage(err)}`.slice(0, 200) };
  }
}

/** The Certificate message that follows a crafted ServerHello (TLS ≤ 1.2, non-anonymous suites). */
async function chainByHandshake(p: Prober, runs: VersionRun[]): Promise<Buffer[] | undefined> {
  for (const run of [...runs].reverse()) {
    const version = run.data.version as Enumerated;
    if (version === 'TLSv1.3' || !run.codes.length) continue;
    const authenticated = run.codes.filter((c) => !suiteByCode(c)?.flags.anon);
    if (!authenticated.length || !p.budget.take()) continue;
    const a = await p.exchange(buildClientHello({ version: VERSION_CODES[version], suites: authenticated }), (b) => parseServerAnswer(b, { wantCertificate: true }));
    if (a.kind === 'server-hello' && a.certificates?.length) return a.certificates;
  }
  return undefined;
}

function params(ctx: ScanContext): { budgetMs: number; maxConnections: number; caPem?: string } {
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d);
  const out: { budgetMs: number; maxConnections: number; caPem?: string } = {
    budgetMs: num(ctx.params.tlsBudgetMs, DEFAULT_BUDGET_MS),
    maxConnections: num(ctx.params.tlsMaxConnections, DEFAULT_MAX_CONNECTIONS),
  };
  if (typeof ctx.params.caPem === 'string') out.caPem = ctx.params.caPem;
  return out;
}

function handshakeEvidence(d: TlsHandshakeData): Fact['evidence'] {
  const lines = d.versions.map((v) => {
    if (v.status !== 'accepted') return `${v.version}: ${v.status}${v.reason ? ` (${v.reason})` : ''}`;
    const order = v.serverPreference === true ? ', server order' : v.serverPreference === false ? ', client order' : '';
    return `${v.version}: ${v.suites.length} suite(s)${order}: ${v.suites.map((s) => s.name).join(' ')}`;
  });
  return {
    sent: `crafted ClientHellos (SSLv2 to TLS 1.3, up to ${WINDOW} suites each) over ${d.connections} connection(s)`,
    received: trimEvidence(lines.join('\n'), 2000),
    ...(d.notes.length ? { note: trimEvidence(d.notes.join('; '), 500) } : {}),
  };
}

function certificateEvidence(d: TlsCertificateData): Fact['evidence'] {
  const leaf = d.chain[0];
  if (!leaf) return { note: d.reason ?? 'no certificate' };
  return {
    received: trimEvidence(
      [
        `subject: ${leaf.subject}`,
        `issuer: ${leaf.issuer}`,
        `valid: ${leaf.validFrom} → ${leaf.validTo}`,
        `key: ${leaf.keyType} ${leaf.keyBits}${leaf.curve ? ` (${leaf.curve})` : ''}; signature: ${leaf.signatureAlgorithm}`,
        `SHA-256: ${leaf.sha256}`,
        `chain: ${d.chain.length} certificate(s); trust: ${d.trust}${d.anchor ? ` (${d.anchor})` : ''}`,
      ].join('\n'),
      1200,
    ),
    note: `certificate read by ${d.source === 'node-tls' ? 'a node:tls handshake' : d.source === 'sslv2' ? 'the SSLv2 SERVER-HELLO' : 'the Certificate message of a crafted handshake'}`,
  };
}

export const tlsScanner: Scanner = {
  id: ID,
  description: 'TLS: protocol versions and cipher suites (crafted ClientHellos), certificate chain and its trust',
  appliesTo: (s: Service) => s.tls || TLS_SERVICE_KINDS.has(s.kind) || (s.kind === 'unknown' && !s.banner),
  async collect(ctx, host, service) {
    const started = Date.now();
    const opts = params(ctx);
    const budget = new Budget(opts.budgetMs, opts.maxConnections);
    const p = new Prober(ctx.net, host.address, service.port, budget);
    const declared = service.tls || TLS_SERVICE_KINDS.has(service.kind);

    // Is it TLS at all? One hello any version from TLS 1.0 to 1.3 can answer;
    // then one without extensions for stacks that hang up on them.
    budget.take();
    const detectSuites = [...candidates('TLSv1.3'), ...candidates('TLSv1.2').slice(0, WINDOW - 5)];
    let detect: Outcome<ServerAnswer> = await p.exchange(
      buildClientHello({ version: 0x0303, supportedVersions: [0x0304, 0x0303, 0x0302, 0x0301], suites: detectSuites }),
      (b) => parseServerAnswer(b),
    );
    if (detect.kind === 'closed' && budget.take()) {
      detect = await p.exchange(buildClientHello({ version: 0x0300, suites: candidates('SSLv3').slice(0, WINDOW) }), (b) => parseServerAnswer(b));
    }
    if (detect.kind !== 'server-hello' && detect.kind !== 'alert') {
      if (!declared) return []; // a silent unknown port that does not speak TLS either
      throw Object.assign(new Error(`no TLS handshake on ${service.port}/tcp: ${describe(detect)}`), { code: 'ETLS' });
    }

    const notes: string[] = [];
    const versions: Enumerated[] = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
    const [sslv2, certByTls, ...runs] = await Promise.all([
      probeSslv2(p),
      chainByNodeTls(ctx.net, host.address, service.port),
      ...versions.map((v) => enumerateVersion(p, v, notes)),
    ]);
    budget.connections++; // the node:tls connection
    if (budget.exhausted) notes.push(`budget reached (${opts.maxConnections} connections or ${opts.budgetMs} ms): enumeration cut short`);

    const all = [sslv2.data, ...runs.map((r) => r.data)];
    const handshake: TlsHandshakeData = {
      versions: all,
      accepted: all.filter((v) => v.status === 'accepted').map((v) => v.version),
      complete: all.every((v) => v.complete && v.status !== 'unknown'),
      connections: budget.connections,
      durationMs: 0,
      notes: notes.slice(0, 20),
    };

    // The certificate: node:tls first, else the cleartext Certificate message of TLS ≤ 1.2, else SSLv2's.
    const { store, rejected } = trustStore(opts.caPem);
    if (rejected) ctx.warn(host.address, ID, `${rejected} certificate(s) of the --ca bundle do not parse and were ignored`, { port: service.port, code: 'ECA' });
    let certificate: TlsCertificateData;
    if ('ders' in certByTls && certByTls.ders.length) {
      certificate = analyseChain(certByTls.ders, store, 'node-tls', new Date());
    } else {
      const ders = await chainByHandshake(p, runs);
      if (ders) certificate = analyseChain(ders, store, 'handshake', new Date());
      else if (sslv2.certificate) certificate = analyseChain([sslv2.certificate], store, 'sslv2', new Date());
      else {
        certificate = analyseChain([], store, 'node-tls', new Date());
        const onlyAnon = runs.every((r) => r.codes.every((c) => suiteByCode(c)?.flags.anon));
        certificate.reason =
          'error' in certByTls
            ? `no certificate: node:tls could not complete a handshake (${certByTls.error})${onlyAnon && handshake.accepted.length ? ' and only anonymous suites are accepted' : ''}`
            : 'the server sent no certificate';
      }
    }
    handshake.connections = budget.connections;
    handshake.durationMs = Date.now() - started;
    return [
      serviceFact(ID, 'tls.handshake', host.address, service, { ...handshake }, handshakeEvidence(handshake)),
      serviceFact(ID, 'tls.certificate', host.address, service, { ...certificate }, certificateEvidence(certificate)),
    ];
  },
};
