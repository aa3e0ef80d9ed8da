/**
 * Telnet (RFC 854/855) byte stream parsing: separates the text a device
 * prints from its option negotiation, and builds the refusals we answer with.
 * Bounded: a subnegotiation longer than 512 bytes or an IAC storm is cut.
 */

import type { PromptKind } from '../../src/core/facts.ts';
export type { PromptKind };
export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const SE = 240;

const COMMAND_NAMES: Record<number, string> = { [DO]: 'DO', [DONT]: 'DONT', [WILL]: 'WILL', [WONT]: 'WONT' };
const OPTION_NAMES: Record<number, string> = {
  0: 'BINARY',
  1: 'ECHO',
  3: 'SUPPRESS-GO-AHEAD',
  5: 'STATUS',
  24: 'TERMINAL-TYPE',
  31: 'NAWS',
  32: 'TERMINAL-SPEED',
  33: 'LINEMODE',
  34: 'LINEMODE',
  35: 'X-DISPLAY',
  36: 'ENVIRON',
  39: 'NEW-ENVIRON',
};

export interface Negotiation {
  command: number;
  option: number;
}

export interface TelnetParse {
  /** Printable payload, IAC sequences removed (IAC IAC becomes one 0xFF). */
  text: Buffer;
  negotiations: Negotiation[];
  /** Bytes at the end that form an incomplete command: keep them for the next chunk. */
  rest: Buffer;
}

const MAX_SUBNEGOTIATION = 512;

export function parseTelnet(buf: Buffer): TelnetParse {
  const text: number[] = [];
  const negotiations: Negotiation[] = [];
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b !== IAC) {
      text.push(b);
      i++;
      continue;
    }
    if (i + 1 >= buf.length) break;
    const cmd = buf[i + 1]!;
    if (cmd === IAC) {
      text.push(IAC);
      i += 2;
    } else if (cmd === DO || cmd === DONT || cmd === WILL || cmd === WONT) {
      if (i + 2 >= buf.length) break;
      negotiations.push({ command: cmd, option: buf[i + 2]! });
      i += 3;
    } else if (cmd === SB) {
      // Skip to IAC SE, bounded.
      let j = i + 2;
      while (j + 1 < buf.length && !(buf[j] === IAC && buf[j + 1] === SE) && j - i < MAX_SUBNEGOTIATION) j++;
      if (j - i >= MAX_SUBNEGOTIATION) {
        i = j; // give up on this subnegotiation, treat the rest as data
      } else if (j + 1 >= buf.length) {
        break;
      } else {
        i = j + 2;
      }
    } else {
      i += 2; // NOP, GA, AYT …: nothing to keep
    }
  }
  return { text: Buffer.from(text), negotiations, rest: buf.subarray(i) };
}

export function describeNegotiation(n: Negotiation): string {
  return `${COMMAND_NAMES[n.command] ?? n.command} ${OPTION_NAMES[n.option] ?? String(n.option)}`;
}

/**
 * The answer of a minimal client: accept the server's ECHO and
 * SUPPRESS-GO-AHEAD (needed by most login programs), refuse everything else.
 */
export function answerNegotiation(n: Negotiation): Buffer | undefined {
  if (n.command === WILL) {
    const accept = n.option === 1 || n.option === 3;
    return Buffer.from([IAC, accept ? DO : DONT, n.option]);
  }
  if (n.command === DO) {
    const accept = n.option === 3;
    return Buffer.from([IAC, accept ? WILL : WONT, n.option]);
  }
  return undefined;
}


/** What the last line of text asks for. */
export function promptOf(text: string): PromptKind {
  const tail = text.replace(/\s+$/, '').split(/\n/).pop() ?? '';
  if (/(password|passwd|mot de passe)\s*:?$/i.test(tail)) return 'password';
  if (/(login|username|user name|user)\s*:?$/i.test(tail)) return 'login';
  if (/[#$>%]$/.test(tail)) return 'shell';
  return 'none';
}
