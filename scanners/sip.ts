/**
 * SIP (RFC 3261): one OPTIONS request per transport — UDP 5060 (asked once
 * per live host: a TCP port scan cannot see it), TCP 5060 and TLS 5061 when
 * the discovery found them. Records the status line and the Server,
 * User-Agent and Allow headers. No REGISTER, no INVITE, no credentials.
 */
import { randomBytes } from 'node:crypto';
import type { Fact, Service } from '../src/core/model.ts';
import { serviceFact, type HostScanner, type ScanContext, type Scanner } from '../src/core/scanner.ts';
import type { SipOptionsData } from '../src/core/facts.ts';
import { errorCode, errorMessage, ProbeTimeout, SizeLimitExceeded } from '../src/core/errors.ts';
import { oneLine, printable, trimEvidence } from '../src/core/text.ts';
import { header, headerValues, MessageParseError, parseResponse, tokenList, type ParseOutcome, type ResponseMessage } from './lib/header-message.ts';

const ID = 'sip';
const SIP_LIMITS = { maxHeaderBytes: 8 * 1024, maxHeaders: 64, maxValueLength: 512, maxBody: 16 * 1024 };
const USER_AGENT = 'vigie/0.1 (hardening audit)';

type Transport = SipOptionsData['transport'];

/** An OPTIONS request (RFC 3261 §11) as a client on `local` sends it over `transport`. */
export function buildSipOptions(host: string, port: number, transport: Transport, local: { address: string; port: number }): string {
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const localPart = local.address.includes(':') ? `[${local.address}]` : local.address;
  const scheme = transport === 'tls' ? 'sips' : 'sip';
  const tag = randomBytes(6).toString('hex');
  const lines = [
    `OPTIONS ${scheme}:${hostPart}:${port} SIP/2.0`,
    `Via: SIP/2.0/${transport.toUpperCase()} ${localPart}:${local.port};branch=z9hG4bK${randomBytes(8).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <${scheme}:vigie@${localPart}>;tag=${tag}`,
    `To: <${scheme}:${hostPart}:${port}>`,
    `Call-ID: ${randomBytes(10).toString('hex')}@vigie.invalid`,
    'CSeq: 1 OPTIONS',
    `Contact: <${scheme}:vigie@${localPart}:${local.port}>`,
    'Accept: application/sdp',
    `User-Agent: ${USER_AGENT}`,
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function parseSipResponse(buf: Buffer): ParseOutcome {
  return parseResponse(buf, { protocol: 'SIP', limits: SIP_LIMITS });
}

function optionsData(transport: Transport, res: ResponseMessage): SipOptionsData {
  const data: SipOptionsData = { transport, answered: true, status: res.status, allow: tokenList(headerValues(res, 'allow')) };
  if (res.reason) data.reason = oneLine(res.reason, 80)!;
  const server = oneLine(header(res, 'server'), 120);
  if (server) data.server = server;
  const ua = oneLine(header(res, 'user-agent'), 120);
  if (ua) data.userAgent = ua;
  return data;
}

function evidenceOf(sent: string, res?: ResponseMessage, note?: string): Fact['evidence'] {
  const keep = ['server', 'user-agent', 'allow', 'supported'];
  const received = res
    ? [`${res.version} ${res.status} ${res.reason}`.trimEnd(), ...res.headers.filter(([n]) => keep.includes(n)).map(([n, v]) => `${n}: ${v}`)].join('\n')
    : undefined;
  const e: NonNullable<Fact['evidence']> = { sent: printable(sent.replace(/\r\n/g, '\n').trim(), 1024) };
  if (received) e.received = trimEvidence(printable(received, 1024), 1024)!;
  if (note) e.note = note;
  return e;
}

/** OPTIONS over UDP. Resolves undefined when nothing answers (UDP silence is the normal case). */
export async function sipOptionsUdp(ctx: ScanContext, host: string, port: number): Promise<{ fact: Fact; service: Fact } | undefined> {
  let sent = '';
  let answers: Buffer[];
  try {
    answers = await ctx.net.udpExchange(
      host,
      port,
      (local) => Buffer.from((sent = buildSipOptions(host, port, 'udp', local))),
      {
        connect: true,
        timeoutMs: ctx.net.readTimeoutMs,
        maxBytes: 32 * 1024,
        // Provisional answers (1xx) are skipped: wait for the final one.
        until: (list) => list.some((b) => /^SIP\/2\.0 [2-6]\d\d/.test(b.subarray(0, 16).toString('latin1'))),
      },
    );
  } catch (err) {
    if (errorCode(err) === 'ECONNREFUSED') return undefined; // ICMP port unreachable: nothing there
    throw err;
  }
  if (!answers.length) return undefined;
  let last: Error | undefined;
  const parsed: ResponseMessage[] = [];
  for (const datagram of answers) {
    try {
      const out = parseSipResponse(datagram);
      if (out.state === 'complete') parsed.push(out.message);
      else last = new MessageParseError('truncated SIP datagram');
    } catch (err) {
      last = err as Error;
    }
  }
  const final = parsed.find((m) => m.status >= 200) ?? parsed[0];
  if (!final) {
    ctx.warn(host, ID, `udp/${port} answered with something that is not SIP: ${errorMessage(last)}`, { port, code: errorCode(last) ?? 'EPROTO' });
    return undefined;
  }
  const service = { port, proto: 'udp' as const };
  return {
    fact: serviceFact(ID, 'sip.options', host, service, { ...optionsData('udp', final) }, evidenceOf(sent, final)),
    service: serviceFact(ID, 'service', host, service, { kind: 'sip', tls: false, via: 'probe' }),
  };
}

/** OPTIONS over TCP or TLS: one request, one answer framed by Content-Length. */
async function sipOptionsStream(ctx: ScanContext, host: string, service: Service, transport: 'tcp' | 'tls'): Promise<Fact> {
  const where = { port: service.port, proto: 'tcp' as const };
  let sent = '';
  let handshake = false;
  try {
    const res = await ctx.net.withConnection(host, service.port, { tls: transport === 'tls', maxBytes: SIP_LIMITS.maxHeaderBytes + SIP_LIMITS.maxBody }, async (conv) => {
      handshake = true;
      sent = buildSipOptions(host, service.port, transport, { address: conv.socket.localAddress ?? '0.0.0.0', port: conv.socket.localPort ?? 0 });
      conv.write(sent);
      let outcome: ParseOutcome | Error | undefined;
      const r = await conv.read({
        until: (b) => {
          if (!b.length) return false;
          try {
            outcome = parseSipResponse(b);
            // Skip provisional answers on a stream: consume them and wait for the final one.
            if (outcome.state === 'complete' && outcome.message.status < 200 && b.length > outcome.message.length) {
              conv.consume(outcome.message.length);
              outcome = parseSipResponse(conv.peek());
            }
            return outcome.state === 'complete' && outcome.message.status >= 200;
          } catch (err) {
            outcome = err as Error;
            return true;
          }
        },
      });
      if (outcome instanceof Error) throw outcome;
      if (outcome?.state === 'complete') return outcome.message;
      if (r.reason === 'overflow') throw new SizeLimitExceeded('SIP answer larger than the cap');
      if (r.reason === 'timeout') throw new ProbeTimeout(`no complete SIP answer within ${ctx.net.readTimeoutMs} ms (${r.data.length} bytes received)`);
      throw Object.assign(new Error(`connection closed ${r.data.length ? 'in the middle of' : 'before'} a SIP answer`), { code: 'ECONNRESET' });
    });
    return serviceFact(ID, 'sip.options', host, where, { ...optionsData(transport, res), ...(transport === 'tls' ? { tlsHandshake: true } : {}) }, evidenceOf(sent, res));
  } catch (err) {
    if (errorCode(err) === 'ECONNREFUSED') throw err;
    // The port is open (discovery said so) but did not answer SIP: a fact that says so, and the error line.
    ctx.warn(host, ID, `${transport}/${service.port}: ${errorMessage(err)}`, { port: service.port, ...(errorCode(err) ? { code: errorCode(err)! } : {}) });
    const data: SipOptionsData = { transport, answered: false, allow: [] };
    if (transport === 'tls') data.tlsHandshake = handshake;
    return serviceFact(ID, 'sip.options', host, where, { ...data }, evidenceOf(sent || '(TLS handshake)', undefined, errorMessage(err).slice(0, 200)));
  }
}

export const sipScanner: Scanner = {
  id: ID,
  description: 'SIP OPTIONS over TCP 5060 and TLS 5061: status, Server/User-Agent, Allow',
  appliesTo: (s: Service) => s.proto === 'tcp' && (s.kind === 'sip' || s.kind === 'sips'),
  async collect(ctx, host, service) {
    const transport = service.tls || service.kind === 'sips' ? 'tls' : 'tcp';
    return [await sipOptionsStream(ctx, host.address, service, transport)];
  },
};

/** SIP over UDP, asked once per live host on the profile's `ports.udp.sip` (default 5060). */
export const sipUdpScanner: HostScanner = {
  id: ID,
  description: 'SIP OPTIONS over UDP (5060), once per host',
  async collectHost(ctx, host, udpPorts) {
    const facts: Fact[] = [];
    for (const port of udpPorts) {
      const found = await sipOptionsUdp(ctx, host.address, port);
      if (found) facts.push(found.service, found.fact);
    }
    return facts;
  },
};
