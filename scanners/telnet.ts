/**
 * Telnet: the greeting (option negotiation, banner, prompt) as a scanner, and
 * a login attempt as a credential protocol. A minimal client: it answers
 * option negotiation (accepting only ECHO and SUPPRESS-GO-AHEAD), never
 * echoes raw IAC bytes into evidence, and never runs a command: after a
 * successful login it says `exit` and closes.
 */
import type { Fact, Service } from '../src/core/model.ts';
import type { Conversation } from '../src/core/net.ts';
import { serviceFact, type Scanner } from '../src/core/scanner.ts';
import { oneLine, printable, trimEvidence } from '../src/core/text.ts';
import type { TelnetGreetingData } from '../src/core/facts.ts';
import { redact, type CredentialProtocol, type AttemptOutcome } from '../src/core/credentials.ts';
import { answerNegotiation, describeNegotiation, parseTelnet, promptOf, type Negotiation, type PromptKind } from './lib/telnet-protocol.ts';

const ID = 'telnet';
const MAX_ANSWERS = 32;
const MAX_BYTES = 16 * 1024;

/** Reads the text side of a telnet connection, answering negotiation as it goes. */
class TelnetSession {
  readonly negotiations: Negotiation[] = [];
  private answersSent = 0;
  private seen = 0;
  /** Text received since the last `mark()`. */
  private textStart = 0;

  constructor(private readonly conv: Conversation) {}

  private text(): Buffer {
    return parseTelnet(this.conv.peek()).text;
  }

  /** Everything printed since the last mark, as text. */
  recent(): string {
    return this.text().subarray(this.textStart).toString('latin1');
  }

  mark(): void {
    this.textStart = this.text().length;
  }

  /** Read until `done(recentText)` or `timeoutMs` of total time; answers options on the way. */
  async readUntil(done: (text: string) => boolean, timeoutMs: number): Promise<'matched' | 'timeout' | 'closed' | 'overflow'> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      const r = await this.conv.read({ until: (b) => b.length > this.seen, timeoutMs: Math.min(left, 800) });
      this.seen = r.data.length;
      const parsed = parseTelnet(r.data);
      for (const n of parsed.negotiations.slice(this.negotiations.length)) {
        this.negotiations.push(n);
        const answer = this.answersSent < MAX_ANSWERS ? answerNegotiation(n) : undefined;
        if (answer) {
          this.conv.write(answer);
          this.answersSent++;
        }
      }
      if (done(this.recent())) return 'matched';
      if (r.reason === 'closed' || r.reason === 'overflow') return r.reason;
      if (r.reason === 'timeout' && left <= 800) return 'timeout';
    }
  }

  send(line: string): void {
    this.mark();
    this.conv.write(`${line}\r\n`);
  }
}

const hasPrompt = (kinds: PromptKind[]) => (text: string) => kinds.includes(promptOf(text));

export const telnetScanner: Scanner = {
  id: ID,
  description: 'Telnet greeting: option negotiation and login prompt',
  appliesTo: (s: Service) => s.kind === 'telnet',
  async collect(ctx, host, service) {
    const greeting = await ctx.net.withConnection(host.address, service.port, { maxBytes: MAX_BYTES }, async (conv) => {
      const session = new TelnetSession(conv);
      await session.readUntil(hasPrompt(['login', 'password', 'shell']), ctx.net.readTimeoutMs);
      const text = session.recent();
      const out: TelnetGreetingData = {
        answered: conv.received > 0,
        negotiations: [...new Set(session.negotiations.map(describeNegotiation))].slice(0, 40),
        text: printable(Buffer.from(text, 'latin1'), 512),
        prompt: promptOf(text),
        bytes: conv.received,
      };
      if (conv.overflow) ctx.warn(host.address, ID, `telnet greeting larger than the ${MAX_BYTES / 1024} KiB cap: cut`, { port: service.port, code: 'ESIZE' });
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

const FAILURE = /incorrect|invalid|fail|denied|wrong|bad password|authentication error|refused/i;
const LOCKOUT = /locked|too many|try again later|temporarily|blocked/i;

/** One telnet login: user at the login prompt, password at the password prompt, then read the verdict. */
export const telnetLoginProtocol: CredentialProtocol = {
  id: 'telnet',
  async attempt(ctx, host, service, credential): Promise<AttemptOutcome> {
    return ctx.net.withConnection(host, service.port, { maxBytes: MAX_BYTES }, async (conv) => {
      const session = new TelnetSession(conv);
      const wait = ctx.net.readTimeoutMs;
      const transcript: string[] = [];
      const evidence = () => ({
        sent: `login: ${credential.user}\nPassword: [redacted]`,
        received: trimEvidence(redact(printable(Buffer.from(transcript.join(''), 'latin1'), 600), [credential.password]), 600),
      });
      const first = await session.readUntil(hasPrompt(['login', 'password', 'shell']), wait);
      transcript.push(session.recent());
      const firstPrompt = promptOf(session.recent());
      if (first !== 'matched') return { result: 'unknown', reason: 'no login prompt', evidence: evidence() };
      if (firstPrompt === 'shell') return { result: 'accepted', reason: 'a shell without any login', evidence: evidence() };
      if (firstPrompt === 'login') {
        session.send(credential.user);
        const r = await session.readUntil((t) => hasPrompt(['password', 'shell', 'login'])(t) || FAILURE.test(t) || LOCKOUT.test(t), wait);
        transcript.push(session.recent());
        if (r !== 'matched') return { result: 'unknown', reason: `no password prompt (${r})`, evidence: evidence() };
        if (LOCKOUT.test(session.recent())) return { result: 'lockout', reason: oneLine(session.recent(), 80) ?? 'locked', evidence: evidence() };
      }
      if (promptOf(session.recent()) === 'password' || firstPrompt === 'password') {
        session.send(credential.password);
        // The verdict: a shell prompt, or a failure / new login prompt.
        const r = await session.readUntil((t) => {
          const lines = t.replace(/\r/g, '').split('\n').filter((l) => l.trim());
          // Skip what merely echoes our own input.
          return lines.length > 0 && (hasPrompt(['shell', 'login', 'password'])(t) || FAILURE.test(t) || LOCKOUT.test(t));
        }, wait);
        transcript.push(session.recent());
        const text = session.recent();
        if (LOCKOUT.test(text)) return { result: 'lockout', reason: oneLine(text, 80) ?? 'locked', evidence: evidence() };
        if (FAILURE.test(text) || promptOf(text) === 'login' || promptOf(text) === 'password') return { result: 'rejected', evidence: evidence() };
        if (promptOf(text) === 'shell') {
          conv.write('exit\r\n'); // never run anything: leave at once
          return { result: 'accepted', evidence: evidence() };
        }
        return { result: 'unknown', reason: r === 'closed' ? 'connection closed after the password' : 'no recognisable answer after the password', evidence: evidence() };
      }
      if (promptOf(session.recent()) === 'shell') {
        conv.write('exit\r\n');
        return { result: 'accepted', reason: 'no password asked', evidence: evidence() };
      }
      if (FAILURE.test(session.recent()) || promptOf(session.recent()) === 'login') return { result: 'rejected', evidence: evidence() };
      return { result: 'unknown', reason: 'unexpected dialogue', evidence: evidence() };
    });
  },
};
