/**
 * Turning device bytes into text that is safe to show anywhere: in JSON, in a
 * terminal (no ANSI escape sequence reaches it), in Markdown and HTML (those
 * renderers escape on top of this). Devices are hostile input.
 */

/** Printable rendering of raw bytes: control bytes become \xNN, never raw. */
export function printable(data: Buffer | string, max = 512): string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const slice = buf.subarray(0, max);
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(slice);
  } catch {
    // Not UTF-8 (or cut mid-character): show every non-ASCII byte as \xNN.
    decoded = [...slice].map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16)}`)).join('');
  }
  let out = '';
  for (const text of decoded) {
    const code = text.codePointAt(0)!;
    if (text === '\n' || text === '\t') out += text;
    else if (text === '\r') continue;
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += text;
  }
  if (buf.length > max) out += `… [${buf.length - max} more bytes]`;
  return out;
}

/** One line of printable text, trimmed, for banners, titles and headers. */
export function oneLine(data: Buffer | string | undefined, max = 200): string | undefined {
  if (data === undefined) return undefined;
  const text = printable(data, max * 2).replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Trim a piece of evidence to a bounded size. */
export function trimEvidence(text: string | undefined, max = 1024): string | undefined {
  if (text === undefined) return undefined;
  return text.length > max ? `${text.slice(0, max)}… [trimmed, ${text.length - max} more characters]` : text;
}
