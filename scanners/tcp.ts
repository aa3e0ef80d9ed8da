/**
 * TCP connect probe with a short banner grab. One connection per port; on
 * ports where the client speaks first the connection is closed at once.
 */
import type { Fact } from '../src/core/model.ts';
import type { Net } from '../src/core/net.ts';
import { errorCode } from '../src/core/errors.ts';
import { oneLine, printable } from '../src/core/text.ts';
import { isClientFirst } from './identify.ts';
import { IAC, parseTelnet } from './lib/telnet-protocol.ts';

export const TCP_SCANNER = 'tcp';
const BANNER_MAX = 4096;

export interface PortProbe {
  port: number;
  state: 'open' | 'closed' | 'filtered';
  banner?: Buffer;
  error?: { code?: string; message: string };
}

/** Connect to one port; read what the service says first (bounded in size and time). */
export async function probePort(net: Net, host: string, port: number, bannerWaitMs = 1200): Promise<PortProbe> {
  try {
    return await net.withConnection(host, port, { maxBytes: BANNER_MAX }, async (conv) => {
      if (isClientFirst(port)) return { port, state: 'open' };
      const first = await conv.read({ until: (b) => b.length > 0, timeoutMs: bannerWaitMs });
      if (first.data.length > 0 && first.reason === 'matched') {
        // Let a multi-packet greeting (telnet options then a prompt) arrive.
        await conv.read({ until: (b) => b.length >= BANNER_MAX, timeoutMs: 250 });
      }
      const banner = Buffer.from(conv.peek());
      return banner.length ? { port, state: 'open', banner } : { port, state: 'open' };
    });
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ECONNREFUSED') return { port, state: 'closed' };
    if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') return { port, state: 'filtered' };
    if (code === 'ECONNRESET' || code === 'EPIPE') return { port, state: 'open', error: { code, message: 'connection reset during banner grab' } };
    throw err;
  }
}

/** The banner as text: telnet option negotiation is not text, so it is left out. */
export function bannerText(banner: Buffer): string | undefined {
  return oneLine(banner[0] === IAC ? parseTelnet(banner).text : banner);
}

export function portFact(host: string, probe: PortProbe): Fact {
  const data: Record<string, unknown> = { state: probe.state };
  if (probe.banner) {
    data.banner = bannerText(probe.banner);
    data.bannerBytes = probe.banner.length;
  }
  const fact: Fact = { type: 'tcp.port', host, port: probe.port, proto: 'tcp', scanner: TCP_SCANNER, data };
  if (probe.banner) fact.evidence = { note: `TCP connect to ${host}:${probe.port}`, received: printable(probe.banner, 256) };
  return fact;
}
