/**
 * Bounded parser for the text protocols built on the HTTP message shape:
 * RTSP/1.0, SIP/2.0 and SSDP's HTTPU answers. A status line, header lines,
 * an empty line, then `Content-Length` bytes of body.
 *
 * Devices are hostile input: the header block, the number of header lines,
 * each value and the body are capped. Past a cap the parser throws
 * `SizeLimitExceeded` (code ESIZE); bytes that cannot be such a message throw
 * `MessageParseError` (code EPROTO) as soon as that is visible, so a device
 * that sends garbage is recognised without waiting for a time-out.
 */
import { SizeLimitExceeded } from '../../src/core/errors.ts';
import { printable } from '../../src/core/text.ts';

/** A short, printable quote of device bytes for an error message. */
function quote(data: Buffer | string, max = 40): string {
  return JSON.stringify(printable(data, max));
}

export class MessageParseError extends Error {
  override name = 'MessageParseError';
  readonly code = 'EPROTO';
}

export interface MessageLimits {
  /** Status line and headers, up to and including the empty line. */
  maxHeaderBytes: number;
  maxHeaders: number;
  /** Characters kept of one header value. */
  maxValueLength: number;
  maxBody: number;
}

export const DEFAULT_LIMITS: MessageLimits = { maxHeaderBytes: 8 * 1024, maxHeaders: 64, maxValueLength: 1024, maxBody: 64 * 1024 };

export interface ResponseMessage {
  /** e.g. RTSP/1.0 */
  version: string;
  status: number;
  reason: string;
  /** Header lines in order, names lower-cased, values trimmed and capped. */
  headers: [string, string][];
  body: Buffer;
  /** Bytes of the buffer this message used (headers and body). */
  length: number;
}

export type ParseOutcome = { state: 'incomplete' } | { state: 'complete'; message: ResponseMessage };

/** SIP compact header forms (RFC 3261 §7.3.3) that matter for reading an answer. */
const SIP_COMPACT: Record<string, string> = { l: 'content-length', c: 'content-type', i: 'call-id', v: 'via', f: 'from', t: 'to', m: 'contact' };

export interface ParseOptions {
  /** Protocol name of the status line: RTSP, SIP or HTTP. */
  protocol: 'RTSP' | 'SIP' | 'HTTP';
  limits?: Partial<MessageLimits>;
}

function findHeaderEnd(buf: Buffer, limit: number): { end: number; bodyStart: number } | undefined {
  const max = Math.min(buf.length, limit + 4);
  for (let i = 0; i < max; i++) {
    if (buf[i] !== 0x0a) continue;
    // LF LF or LF CR LF: an empty line (bare LF is tolerated; devices send it).
    if (buf[i + 1] === 0x0a) return { end: i, bodyStart: i + 2 };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { end: i, bodyStart: i + 3 };
  }
  return undefined;
}

function countLines(buf: Buffer, upTo: number): number {
  let n = 0;
  for (let i = 0; i < upTo; i++) if (buf[i] === 0x0a) n++;
  return n;
}

/**
 * Parse one response at the start of `buf`. Returns `incomplete` while more
 * bytes are needed; throws as soon as the bytes cannot make a valid message
 * within the limits.
 */
export function parseResponse(buf: Buffer, opts: ParseOptions): ParseOutcome {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const prefix = `${opts.protocol}/`;
  const head = buf.subarray(0, prefix.length).toString('latin1');
  if (!prefix.startsWith(head)) throw new MessageParseError(`not an ${opts.protocol} response (starts with ${quote(buf.subarray(0, 16))})`);

  const found = findHeaderEnd(buf, limits.maxHeaderBytes);
  if (!found) {
    if (buf.length >= limits.maxHeaderBytes) throw new SizeLimitExceeded(`${opts.protocol} headers larger than ${limits.maxHeaderBytes} bytes`);
    if (countLines(buf, buf.length) > limits.maxHeaders + 1) throw new SizeLimitExceeded(`more than ${limits.maxHeaders} ${opts.protocol} header lines`);
    // Validate the status line as soon as it is complete: garbage fails fast.
    const firstLf = buf.indexOf(0x0a);
    if (firstLf >= 0) parseStatusLine(buf.subarray(0, firstLf).toString('latin1'), opts.protocol);
    return { state: 'incomplete' };
  }
  if (found.end > limits.maxHeaderBytes) throw new SizeLimitExceeded(`${opts.protocol} headers larger than ${limits.maxHeaderBytes} bytes`);

  const lines = buf.subarray(0, found.end).toString('latin1').split('\n').map((l) => l.replace(/\r$/, ''));
  const status = parseStatusLine(lines[0] ?? '', opts.protocol);
  if (lines.length - 1 > limits.maxHeaders) throw new SizeLimitExceeded(`more than ${limits.maxHeaders} ${opts.protocol} header lines`);

  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    if (/^[ \t]/.test(line) && headers.length) {
      // Obsolete line folding: a continuation of the previous value.
      const last = headers[headers.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`.slice(0, limits.maxValueLength);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MessageParseError(`malformed ${opts.protocol} header line ${quote(line, 60)}`);
    let name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new MessageParseError(`malformed ${opts.protocol} header name ${quote(name)}`);
    if (opts.protocol === 'SIP') name = SIP_COMPACT[name] ?? name;
    headers.push([name, line.slice(colon + 1).trim().slice(0, limits.maxValueLength)]);
  }

  const lengths = [...new Set(headers.filter(([n]) => n === 'content-length').map(([, v]) => v))];
  if (lengths.length > 1) throw new MessageParseError(`conflicting Content-Length values (${lengths.slice(0, 3).join(', ')})`);
  let bodyLength = 0;
  if (lengths.length === 1) {
    const text = lengths[0]!;
    if (!/^\d+$/.test(text)) throw new MessageParseError(`invalid Content-Length ${quote(text, 30)}`);
    // Compare as text first: a 30-digit length must not become a float that looks small.
    if (text.replace(/^0+/, '').length > 15 || Number(text) > limits.maxBody) {
      throw new SizeLimitExceeded(`${opts.protocol} body of ${text.length > 15 ? `${text.slice(0, 15)}…` : text} bytes announced, more than the ${limits.maxBody} bytes accepted`);
    }
    bodyLength = Number(text);
  }
  if (buf.length < found.bodyStart + bodyLength) return { state: 'incomplete' };
  return {
    state: 'complete',
    message: {
      ...status,
      headers,
      body: Buffer.from(buf.subarray(found.bodyStart, found.bodyStart + bodyLength)),
      length: found.bodyStart + bodyLength,
    },
  };
}

function parseStatusLine(line: string, protocol: string): { version: string; status: number; reason: string } {
  const m = /^([A-Z]+\/\d\.\d) ([1-9]\d\d)(?: (.*))?$/.exec(line.trimEnd());
  if (!m || !m[1]!.startsWith(`${protocol}/`)) throw new MessageParseError(`malformed ${protocol} status line ${quote(line, 80)}`);
  return { version: m[1]!, status: Number(m[2]), reason: (m[3] ?? '').slice(0, 120) };
}

/** First value of a header (names are lower case). */
export function header(msg: Pick<ResponseMessage, 'headers'>, name: string): string | undefined {
  return msg.headers.find(([n]) => n === name)?.[1];
}

/** Every value of a header, in order. */
export function headerValues(msg: Pick<ResponseMessage, 'headers'>, name: string): string[] {
  return msg.headers.filter(([n]) => n === name).map(([, v]) => v);
}

/** A comma-separated list header (Public, Allow), bounded. */
export function tokenList(values: string[], max = 32): string[] {
  const out = new Set<string>();
  for (const v of values) {
    for (const token of v.split(',')) {
      const t = token.trim();
      if (/^[A-Za-z_-]{1,32}$/.test(t)) out.add(t.toUpperCase());
      if (out.size >= max) return [...out];
    }
  }
  return [...out];
}
