/**
 * FTP: the greeting, whether `anonymous` may log in, and a login attempt as a
 * credential protocol. A small client of our own (RFC 959 replies, multi-line
 * included, bounded): after a login it only sends PWD and QUIT — it never
 * lists or downloads anything.
 */
import type { Service } from '../src/core/model.ts';
import type { Conversation } from '../src/core/net.ts';
import { serviceFact, type Scanner } from '../src/core/scanner.ts';
import { oneLine, trimEvidence } from '../src/core/text.ts';
import type { FtpAnonymousData, FtpGreetingData } from '../src/core/facts.ts';
import { redact, type AttemptOutcome, type CredentialProtocol } from '../src/core/credentials.ts';

const ID = 'ftp';
const MAX_BYTES = 16 * 1024;

export interface FtpReply {
  code: number;
  text: string;
}

/**
 * Parse one complete reply at the start of `buf`: `123 text` or a multi-line
 * `123-…` ended by `123 text`. Returns undefined while incomplete.
 */
export function parseFtpReply(buf: Buffer): { reply: FtpReply; length: number } | undefined {
  const text = buf.toString('latin1');
  const first = /^(\d{3})([ -])/.exec(text);
  if (!first) {
    const nl = text.indexOf('\n');
    if (nl >= 0 || text.length >= 4) throw Object.assign(new Error(`not an FTP reply: ${oneLine(text, 60)}`), { code: 'EPROTO' });
    return undefined;
  }
  const code = first[1]!;
  if (first[2] === ' ') {
    const nl = text.indexOf('\n');
    if (nl < 0) return undefined;
    return { reply: { code: Number(code), text: text.slice(4, nl).trim() }, length: nl + 1 };
  }
  const end = new RegExp(`(^|\\n)${code} [^\\n]*\\n`).exec(text.slice(4));
  if (!end) return undefined;
  const length = 4 + end.index + end[0].length;
  const body = text.slice(4, length).replace(/\r/g, '');
  return { reply: { code: Number(code), text: body.replace(new RegExp(`(^|\\n)${code}[ -]`, 'g'), '$1').trim() }, length };
}

async function readReply(conv: Conversation, timeoutMs: number): Promise<FtpReply> {
  let parsed: ReturnType<typeof parseFtpReply>;
  const r = await conv.read({
    until: (b) => {
      parsed = parseFtpReply(b);
      return parsed !== undefined;
    },
    timeoutMs,
  });
  parsed = parseFtpReply(r.data);
  if (!parsed) {
    const why = r.reason === 'overflow' ? 'reply larger than the cap' : r.reason === 'closed' ? 'connection closed' : 'no reply in time';
    throw Object.assign(new Error(`FTP: ${why}`), { code: r.reason === 'overflow' ? 'ESIZE' : r.reason === 'closed' ? 'ECONNRESET' : 'ETIMEDOUT' });
  }
  conv.consume(parsed.length);
  return parsed.reply;
}

interface LoginResult {
  greeting: FtpReply;
  user?: FtpReply;
  pass?: FtpReply;
  pwd?: FtpReply;
}

/** USER/PASS on a fresh connection; PWD after a success, then QUIT. */
async function ftpLogin(conv: Conversation, timeoutMs: number, user: string, password: string): Promise<LoginResult> {
  const out: LoginResult = { greeting: await readReply(conv, timeoutMs) };
  if (out.greeting.code !== 220) return out;
  conv.write(`USER ${user}\r\n`);
  out.user = await readReply(conv, timeoutMs);
  if (out.user.code === 331) {
    conv.write(`PASS ${password}\r\n`);
    out.pass = await readReply(conv, timeoutMs);
  }
  const loggedIn = out.user.code === 230 || out.pass?.code === 230;
  if (loggedIn) {
    conv.write('PWD\r\n');
    out.pwd = await readReply(conv, timeoutMs).catch(() => undefined);
  }
  conv.write('QUIT\r\n');
  return out;
}

function transcript(r: LoginResult, user: string, secrets: string[]): { sent: string; received: string } {
  const sent = [`USER ${user}`, r.pass ? 'PASS [redacted]' : '', r.pwd ? 'PWD' : ''].filter(Boolean).join('\n');
  const received = [r.greeting, r.user, r.pass, r.pwd].filter((x): x is FtpReply => !!x).map((x) => `${x.code} ${oneLine(x.text, 120) ?? ''}`).join('\n');
  return { sent, received: trimEvidence(redact(received, secrets), 600)! };
}

const ANON_PASSWORD = 'vigie@example.invalid';

export const ftpScanner: Scanner = {
  id: ID,
  description: 'FTP greeting and anonymous login (PWD only, never a listing)',
  appliesTo: (s: Service) => s.kind === 'ftp',
  async collect(ctx, host, service) {
    // Anonymous login is an unauthenticated probe by convention; passive mode stops at the greeting.
    const tryAnonymous = ctx.mode !== 'passive';
    return ctx.net.withConnection(host.address, service.port, { maxBytes: MAX_BYTES }, async (conv) => {
      if (!tryAnonymous) {
        const greeting = await readReply(conv, ctx.net.readTimeoutMs);
        return [serviceFact(ID, 'ftp.greeting', host.address, service, { code: greeting.code, banner: oneLine(greeting.text) ?? '' } satisfies FtpGreetingData, { received: `${greeting.code} ${oneLine(greeting.text)}` })];
      }
      const r = await ftpLogin(conv, ctx.net.readTimeoutMs, 'anonymous', ANON_PASSWORD);
      const greeting: FtpGreetingData = { code: r.greeting.code, banner: oneLine(r.greeting.text) ?? '' };
      const facts = [serviceFact(ID, 'ftp.greeting', host.address, service, { ...greeting }, { received: `${r.greeting.code} ${greeting.banner}` })];
      if (r.user) {
        const accepted = r.user.code === 230 || r.pass?.code === 230;
        const data: FtpAnonymousData = { accepted, code: r.pass?.code ?? r.user.code };
        const pwd = r.pwd && /"([^"]{0,200})"/.exec(r.pwd.text)?.[1];
        if (pwd) data.pwd = pwd;
        facts.push(serviceFact(ID, 'ftp.anonymous', host.address, service, { ...data }, transcript(r, 'anonymous', [])));
      }
      return facts;
    });
  },
};

export const ftpLoginProtocol: CredentialProtocol = {
  id: 'ftp',
  async attempt(ctx, host, service, credential): Promise<AttemptOutcome> {
    return ctx.net.withConnection(host, service.port, { maxBytes: MAX_BYTES }, async (conv) => {
      const r = await ftpLogin(conv, ctx.net.readTimeoutMs, credential.user, credential.password);
      const evidence = transcript(r, credential.user, [credential.password]);
      const last = r.pass ?? r.user ?? r.greeting;
      if (r.greeting.code === 421 || /locked|too many/i.test(last.text)) return { result: 'lockout', reason: `${last.code} ${oneLine(last.text, 80)}`, evidence };
      if (r.user?.code === 230 || r.pass?.code === 230) return { result: 'accepted', evidence };
      if (last.code === 530 || last.code === 430) return { result: 'rejected', evidence };
      return { result: 'unknown', reason: `${last.code} ${oneLine(last.text, 80)}`, evidence };
    });
  },
};
