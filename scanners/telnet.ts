/**
 * Telnet: reads the greeting, answers option negotiation like a minimal
 * client, and records the options asked and the prompt shown. No login here.
 */
import type { Fact, Service } from '../src/core/model.ts';
import { serviceFact, type Scanner } from '../src/core/scanner.ts';
import { oneLine, printable } from '../src/core/text.ts';
import type { TelnetGreetingData } from '../src/core/facts.ts';
import { answerNegotiation, describeNegotiation, parseTelnet, promptOf, type Negotiation } from './lib/telnet-protocol.ts';

const ID = 'telnet';
const MAX_ANSWERS = 32;


export const telnetScanner: Scanner = {
  id: ID,
  description: 'Telnet greeting: option negotiation and login prompt',
  appliesTo: (s: Service) => s.kind === 'telnet',
  async collect(ctx, host, service) {
    const greeting = await ctx.net.withConnection(host.address, service.port, { maxBytes: 16 * 1024 }, async (conv) => {
      const negotiations: Negotiation[] = [];
      let text: Buffer = Buffer.alloc(0);
      let consumedUpTo = 0;
      let answersSent = 0;
      const deadline = Date.now() + ctx.net.readTimeoutMs;
      while (Date.now() < deadline) {
        const r = await conv.read({
          until: (b) => b.length > consumedUpTo,
          timeoutMs: Math.min(800, deadline - Date.now()),
        });
        const parsed = parseTelnet(r.data);
        // Only new negotiations get an answer; an IAC storm is answered at most MAX_ANSWERS times.
        const fresh = parsed.negotiations.slice(negotiations.length);
        for (const n of fresh) {
          negotiations.push(n);
          const answer = answersSent < MAX_ANSWERS ? answerNegotiation(n) : undefined;
          if (answer) {
            conv.write(answer);
            answersSent++;
          }
        }
        text = parsed.text;
        consumedUpTo = r.data.length;
        if (r.reason !== 'matched') break;
        if (promptOf(text.toString('latin1')) !== 'none') break;
      }
      const out: TelnetGreetingData = {
        answered: conv.received > 0,
        negotiations: [...new Set(negotiations.map(describeNegotiation))].slice(0, 40),
        text: printable(text, 512),
        prompt: promptOf(text.toString('latin1')),
        bytes: conv.received,
      };
      if (conv.overflow) ctx.warn(host.address, ID, `telnet greeting larger than the 16 KiB cap: cut`, { port: service.port, code: 'ESIZE' });
      return out;
    });
    const fact: Fact = serviceFact(ID, 'telnet.greeting', host.address, service, { ...greeting }, {
      sent: `TCP connect ${host.address}:${service.port}; option negotiation answered (DO/DONT, WILL/WONT)`,
      received: [greeting.negotiations.length ? `options: ${greeting.negotiations.join(', ')}` : '', oneLine(greeting.text) ?? '']
        .filter(Boolean)
        .join('\n'),
    });
    return [fact];
  },
};
