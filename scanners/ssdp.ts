/**
 * SSDP (UPnP Device Architecture): a unicast M-SEARCH `ssdp:all` to udp/1900
 * of each live host — never to the multicast group, so only the audited
 * host is asked and nothing leaves the scope. Records SERVER, ST, USN and
 * LOCATION of the answers (bounded); LOCATION is recorded, never fetched.
 *
 * Many UPnP stacks answer from another source port than 1900. The first
 * M-SEARCH uses a connected socket (a closed port answers ICMP unreachable
 * at once); if nothing came back and nothing refused, a second one on an
 * unconnected socket catches answers from other ports.
 */
import type { Fact } from '../src/core/model.ts';
import { serviceFact, type HostScanner, type ScanContext } from '../src/core/scanner.ts';
import type { SsdpResponseData } from '../src/core/facts.ts';
import { errorCode, errorMessage } from '../src/core/errors.ts';
import { oneLine, printable, trimEvidence } from '../src/core/text.ts';
import type { UdpAnswer } from '../src/core/net.ts';
import { header, parseResponse } from './lib/header-message.ts';

const ID = 'ssdp';
const MAX_KEPT = 8;
const SSDP_LIMITS = { maxHeaderBytes: 4 * 1024, maxHeaders: 32, maxValueLength: 300, maxBody: 0 };
/** Answers to a unicast M-SEARCH come at once; the MX delay is for multicast only. */
const SETTLE_MS = 300;

export function buildMSearch(host: string, port: number): string {
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return [`M-SEARCH * HTTP/1.1`, `HOST: ${hostPart}:${port}`, 'MAN: "ssdp:discover"', 'ST: ssdp:all', 'USER-AGENT: vigie/0.1 UPnP/1.1 vigie/0.1', '', ''].join('\r\n');
}

type Answer = SsdpResponseData['answers'][number];

/** One SSDP answer datagram; throws on anything that is not an HTTPU response. */
export function parseSsdpAnswer(datagram: Buffer): Answer {
  const out = parseResponse(datagram, { protocol: 'HTTP', limits: SSDP_LIMITS });
  if (out.state !== 'complete') throw Object.assign(new Error('truncated SSDP answer'), { code: 'EPROTO' });
  const msg = out.message;
  const a: Answer = { status: msg.status };
  for (const key of ['server', 'st', 'usn', 'location'] as const) {
    const v = oneLine(header(msg, key), 200);
    if (v) a[key] = v;
  }
  return a;
}

async function mSearch(ctx: ScanContext, host: string, port: number, connect: boolean): Promise<UdpAnswer[]> {
  return ctx.net.udpExchangeFrom(host, port, Buffer.from(buildMSearch(host, port)), {
    connect,
    // The connected try is mostly there to hear "port unreachable" at once: it need not wait long.
    timeoutMs: Math.min(ctx.net.readTimeoutMs, connect ? 1000 : 2000),
    settleMs: SETTLE_MS,
    maxBytes: 32 * 1024,
    until: (list) => list.length >= 32,
  });
}

export const ssdpScanner: HostScanner = {
  id: ID,
  description: 'SSDP: unicast M-SEARCH ssdp:all to udp/1900, once per host',
  async collectHost(ctx, host, udpPorts) {
    const facts: Fact[] = [];
    for (const port of udpPorts) {
      let answers: UdpAnswer[];
      try {
        answers = await mSearch(ctx, host.address, port, true);
        if (!answers.length) answers = await mSearch(ctx, host.address, port, false);
      } catch (err) {
        if (errorCode(err) === 'ECONNREFUSED') continue; // ICMP port unreachable: no SSDP there
        throw err;
      }
      if (!answers.length) continue;
      const parsed: Answer[] = [];
      let garbage: unknown;
      for (const a of answers) {
        try {
          parsed.push(parseSsdpAnswer(a.data));
        } catch (err) {
          garbage = err;
        }
      }
      if (!parsed.length) {
        ctx.warn(host.address, ID, `udp/${port} answered with something that is not SSDP: ${errorMessage(garbage)}`, { port, code: 'EPROTO' });
        continue;
      }
      const data: SsdpResponseData = { answers: parsed.slice(0, MAX_KEPT), count: parsed.length, otherSourcePort: answers.some((a) => a.port !== port) };
      const where = { port, proto: 'udp' as const };
      facts.push(
        serviceFact(ID, 'service', host.address, where, { kind: 'ssdp', tls: false, via: 'probe' }),
        serviceFact(ID, 'ssdp.response', host.address, where, { ...data }, {
          sent: buildMSearch(host.address, port).trim().replace(/\r\n/g, '\n'),
          received: trimEvidence(printable(answers[0]!.data, 1024), 1024)!,
          ...(answers.length > 1 ? { note: `${answers.length} answers` } : {}),
        }),
      );
    }
    return facts;
  },
};
