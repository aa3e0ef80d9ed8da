/**
 * A small SOAP client for auditing ONVIF devices, on undici (through `Net`)
 * and fast-xml-parser.
 *
 * Why not the `onvif` package: an auditor needs the fault itself and the raw
 * exchange. `onvif` turns `ter:NotAuthorized` into a plain Error, strips the
 * namespaces from what it hands back, reports raw traffic per camera rather
 * than per request and reads bodies without a size limit (see
 * docs/architecture.md, "ONVIF and WS-Discovery").
 *
 * Device XML is hostile input. Before fast-xml-parser sees a byte:
 *   - the size is capped (512 KiB by default);
 *   - any `<!DOCTYPE`, `<!ENTITY` or other markup declaration is refused, so
 *     no DTD, no external entity (XXE), no entity expansion (billion laughs);
 *   - the element depth is measured by a linear, non-recursive pre-scan and
 *     capped (64), so 10 000 nested elements fail at once, without recursion;
 *   - the text must be well-formed (fast-xml-parser's validator).
 * A refusal is a typed `XmlRejected`, never a crash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Net } from '../../src/core/net.ts';
import type { Credential } from '../../src/core/credentials.ts';
import { redact } from '../../src/core/credentials.ts';
import { Aborted, ScopeViolation, errorCode, errorMessage } from '../../src/core/errors.ts';
import { printable, trimEvidence } from '../../src/core/text.ts';
import type { Evidence } from '../../src/core/model.ts';
import type { OnvifFault, OnvifOutcome } from '../../src/core/facts.ts';

export const SOAP_MAX_BYTES = 512 * 1024;
export const XML_MAX_DEPTH = 64;
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export type XmlRejectReason = 'empty' | 'too-large' | 'doctype' | 'too-deep' | 'malformed' | 'not-soap';

/** XML refused before or while parsing. */
export class XmlRejected extends Error {
  override name = 'XmlRejected';
  readonly code = 'EXML';
  constructor(
    readonly reason: XmlRejectReason,
    detail: string,
  ) {
    super(`XML refused (${reason}): ${detail}`);
  }
}

export interface XmlLimits {
  maxBytes?: number;
  maxDepth?: number;
}

/**
 * The cheap checks run before any parser: size, markup declarations, depth.
 * One pass over the text, no recursion, no allocation per element.
 */
export function prescanXml(text: string, limits: XmlLimits = {}): void {
  const maxBytes = limits.maxBytes ?? SOAP_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? XML_MAX_DEPTH;
  if (text.length > maxBytes) throw new XmlRejected('too-large', `${text.length} characters, cap ${maxBytes}`);
  if (!text.trim()) throw new XmlRejected('empty', 'no content');
  // A web page at the ONVIF path (an HTML login page, a 404 page) is simply not SOAP.
  if (/^\s*(?:<!DOCTYPE\s+html\b|<html\b)/i.test(text)) throw new XmlRejected('not-soap', 'an HTML page, not a SOAP envelope');
  if (/<!(?:DOCTYPE|ENTITY)/i.test(text)) throw new XmlRejected('doctype', 'a DOCTYPE or ENTITY declaration (DTDs are never processed)');
  let depth = 0;
  let i = 0;
  const n = text.length;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        if (end < 0) throw new XmlRejected('malformed', 'unterminated comment');
        i = end + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end < 0) throw new XmlRejected('malformed', 'unterminated CDATA section');
        i = end + 3;
        continue;
      }
      throw new XmlRejected('doctype', 'a markup declaration (<!…>)');
    }
    if (next === 0x3f /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) throw new XmlRejected('malformed', 'unterminated processing instruction');
      i = end + 2;
      continue;
    }
    if (next === 0x2f /* / */) {
      depth--;
      if (depth < 0) throw new XmlRejected('malformed', 'closing tag without an opening one');
      const end = text.indexOf('>', lt);
      if (end < 0) throw new XmlRejected('malformed', 'unterminated closing tag');
      i = end + 1;
      continue;
    }
    // A start tag: find its end, skipping quoted attribute values (they may hold '>').
    let j = lt + 1;
    let quote = 0;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3e /* > */) break;
    }
    if (j >= n) throw new XmlRejected('malformed', 'unterminated start tag');
    if (text.charCodeAt(j - 1) !== 0x2f /* self-closing */) {
      depth++;
      if (depth > maxDepth) throw new XmlRejected('too-deep', `more than ${maxDepth} nested elements`);
    }
    i = j + 1;
  }
}

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  // Element and attribute names lose their prefix: access is prefix-insensitive.
  removeNSPrefix: true,
  // Values stay strings: firmware "5.40" must not become the number 5.4.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Only the five predefined entities and character references (&#233;) are
  // decoded; DOCTYPEs never reach the parser (see prescanXml). fast-xml-parser
  // 5 decodes character references only when given an entity table here (its
  // typings still say boolean): the table is XML's own five, no HTML names.
  processEntities: true,
  htmlEntities: { amp: '&', apos: "'", gt: '>', lt: '<', quot: '"' } as unknown as boolean,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: XML_MAX_DEPTH + 1,
});

/** Parse device XML with every guard above. Throws `XmlRejected`, nothing else. */
export function parseXml(input: Buffer | string, limits: XmlLimits = {}): XmlObject {
  const maxBytes = limits.maxBytes ?? SOAP_MAX_BYTES;
  if (typeof input !== 'string' && input.length > maxBytes) throw new XmlRejected('too-large', `${input.length} bytes, cap ${maxBytes}`);
  const text = typeof input === 'string' ? input : input.toString('utf8');
  prescanXml(text, limits);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlRejected('malformed', `${valid.err.msg} (line ${valid.err.line})`.slice(0, 200));
  try {
    return parser.parse(text) as XmlObject;
  } catch (err) {
    throw new XmlRejected('malformed', errorMessage(err).slice(0, 200));
  }
}

// ——— prefix-insensitive access (names are local names once parsed) ———

function isObject(v: unknown): v is XmlObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every child element called `name` (local name). */
export function children(node: unknown, name: string): XmlValue[] {
  if (!isObject(node) || !Object.hasOwn(node, name)) return [];
  const v = node[name]!;
  return Array.isArray(v) ? v : [v];
}

export function child(node: unknown, name: string): XmlValue | undefined {
  return children(node, name)[0];
}

/** Follow a path of local names, taking the first element at each step. */
export function at(node: unknown, ...path: string[]): XmlValue | undefined {
  let cur: unknown = node;
  for (const name of path) {
    cur = child(cur, name);
    if (cur === undefined) return undefined;
  }
  return cur as XmlValue;
}

/** The text of an element (its `#text` when it also has attributes). */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return textOf(node[0]);
  if (isObject(node) && Object.hasOwn(node, '#text')) return textOf(node['#text']);
  return undefined;
}

export function textAt(node: unknown, ...path: string[]): string | undefined {
  const t = textOf(at(node, ...path));
  return t === undefined ? undefined : t.slice(0, 1000);
}

export function attrOf(node: unknown, name: string): string | undefined {
  if (!isObject(node)) return undefined;
  const v = node[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** "ter:NotAuthorized" → "NotAuthorized". */
export function localName(qname: string): string {
  const t = qname.trim();
  return t.slice(t.lastIndexOf(':') + 1);
}

export function boolText(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(true|1)$/i.test(v.trim())) return true;
  if (/^(false|0)$/i.test(v.trim())) return false;
  return undefined;
}

// ——— SOAP messages ———

export type SoapMessage =
  | { kind: 'fault'; version: '1.1' | '1.2'; fault: OnvifFault; header?: XmlValue }
  | { kind: 'body'; version: '1.1' | '1.2'; name?: string; body: XmlValue; header?: XmlValue };

const SOAP11_GENERIC = new Set(['Client', 'Server', 'VersionMismatch', 'MustUnderstand']);

function parseFault(fault: XmlValue, version: '1.1' | '1.2'): OnvifFault {
  if (version === '1.1' || child(fault, 'faultcode') !== undefined) {
    const code = textAt(fault, 'faultcode');
    const out: OnvifFault = { subcodes: [] };
    if (code) {
      out.code = code;
      // SOAP 1.1 has no subcode: ONVIF devices put ter:… in faultcode itself.
      if (!SOAP11_GENERIC.has(localName(code))) {
        out.subcode = code;
        out.subcodes.push(localName(code));
      }
    }
    const reason = textAt(fault, 'faultstring');
    if (reason) out.reason = reason.slice(0, 300);
    return out;
  }
  const out: OnvifFault = { subcodes: [] };
  const code = textAt(fault, 'Code', 'Value');
  if (code) out.code = code;
  let sub = at(fault, 'Code', 'Subcode');
  for (let level = 0; sub !== undefined && level < 8; level++) {
    const value = textAt(sub, 'Value');
    if (value) {
      if (!out.subcode) out.subcode = value;
      out.subcodes.push(localName(value));
    }
    sub = child(sub, 'Subcode');
  }
  const texts = children(child(fault, 'Reason'), 'Text');
  const english = texts.find((t) => /^en/i.test(attrOf(t, 'lang') ?? '')) ?? texts[0];
  const reason = textOf(english);
  if (reason) out.reason = reason.slice(0, 300);
  return out;
}

/** A parsed SOAP envelope: a fault or a body. Throws `XmlRejected` (not-soap included). */
export function parseSoap(input: Buffer | string, limits: XmlLimits = {}): SoapMessage {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const doc = parseXml(text, limits);
  const envelope = child(doc, 'Envelope');
  const body = child(envelope, 'Body');
  if (envelope === undefined || body === undefined) throw new XmlRejected('not-soap', 'no SOAP Envelope/Body');
  const version: '1.1' | '1.2' = text.includes(SOAP11_NS) && !text.includes(SOAP12_NS) ? '1.1' : '1.2';
  const header = child(envelope, 'Header');
  const fault = child(body, 'Fault');
  if (fault !== undefined) return { kind: 'fault', version, fault: parseFault(fault, version), ...(header !== undefined ? { header } : {}) };
  const name = isObject(body) ? Object.keys(body).find((k) => !k.startsWith('@') && k !== '#text') : undefined;
  const content = name ? child(body, name)! : body;
  return { kind: 'body', version, body: content, ...(name ? { name } : {}), ...(header !== undefined ? { header } : {}) };
}

// ——— building requests ———

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** WS-Security UsernameToken PasswordDigest: Base64(SHA1(nonce + created + password)). */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')])).digest('base64');
}

/** xsd:dateTime in UTC without milliseconds, as most devices expect. */
export function soapTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface UsernameToken {
  xml: string;
  created: string;
  nonce: string;
  digest: string;
}

/**
 * A WS-Security header with a UsernameToken. `created` is our clock
 * corrected by the device's skew (GetSystemDateAndTime), as devices refuse
 * tokens dated too far from their own clock.
 */
export function usernameToken(credential: Credential, created: Date, nonce: Buffer = randomBytes(16)): UsernameToken {
  const when = soapTime(created);
  const digest = passwordDigest(nonce, when, credential.password);
  const nonce64 = nonce.toString('base64');
  const xml =
    `<wsse:Security s:mustUnderstand="1" xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}">` +
    `<wsse:UsernameToken><wsse:Username>${escapeXml(credential.user)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_DIGEST}">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_BINARY}">${nonce64}</wsse:Nonce>` +
    `<wsu:Created>${when}</wsu:Created></wsse:UsernameToken></wsse:Security>`;
  return { xml, created: when, nonce: nonce64, digest };
}

/** A SOAP 1.2 envelope; `namespaces` maps prefixes used in `body` to their URIs. */
export function buildEnvelope(body: string, namespaces: Record<string, string> = {}, header = ''): string {
  const ns = Object.entries(namespaces)
    .map(([p, uri]) => ` xmlns:${p}="${uri}"`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${SOAP12_NS}"${ns}>${header ? `<s:Header>${header}</s:Header>` : ''}<s:Body>${body}</s:Body></s:Envelope>`;
}

/**
 * Evidence never holds the password nor what would let it be brute-forced
 * offline: the digest and the nonce are blanked, the user name is kept.
 */
export function redactSecurity(xml: string, secrets: readonly string[] = []): string {
  const blanked = xml
    .replace(/(<(?:[\w-]+:)?Password\b[^>]*>)[^<]*(<\/)/g, '$1[redacted]$2')
    .replace(/(<(?:[\w-]+:)?Nonce\b[^>]*>)[^<]*(<\/)/g, '$1[redacted]$2');
  return redact(blanked, secrets);
}

// ——— one call ———

export interface SoapCallOptions {
  /** SOAP action URI (sent in the content type, SOAP 1.2 style). */
  action: string;
  /** The envelope's Body content. */
  body: string;
  namespaces?: Record<string, string>;
  credential?: Credential;
  /** Device clock minus ours, ms: dates the UsernameToken. */
  skewMs?: number;
  timeoutMs?: number;
  maxBytes?: number;
  /** Our clock (tests). */
  now?: () => number;
}

export interface SoapCallResult {
  outcome: OnvifOutcome;
  status?: number;
  version?: '1.1' | '1.2';
  fault?: OnvifFault;
  /** The first element of the Body (the operation's response). */
  body?: XmlValue;
  bodyName?: string;
  /** Why the outcome is invalid/error/timeout/http. */
  reason?: string;
  /** For `invalid`: what the XML guard refused. */
  rejected?: XmlRejectReason;
  headers?: Record<string, string>;
  ms: number;
  evidence: Evidence;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/**
 * POST one SOAP request through `Net` (scope, per-host slot, time-outs, size
 * cap) and read whatever comes back as an answer: a SOAP fault is an answer
 * with any HTTP status (400, 401, 500 …). Only our own refusals (scope,
 * interrupt) throw; everything the device does becomes an outcome.
 */
export async function soapCall(net: Net, host: string, url: string, opts: SoapCallOptions): Promise<SoapCallResult> {
  const now = opts.now ?? Date.now;
  const token = opts.credential ? usernameToken(opts.credential, new Date(now() + (opts.skewMs ?? 0))) : undefined;
  const envelope = buildEnvelope(opts.body, opts.namespaces, token?.xml ?? '');
  const secrets = opts.credential ? [opts.credential.password] : [];
  const path = (() => {
    try {
      return new URL(url).pathname;
    } catch {
      return url;
    }
  })();
  const sent = trimEvidence(
    `POST ${path} (${opts.action.slice(opts.action.lastIndexOf('/') + 1)}${opts.credential ? `, WS-UsernameToken PasswordDigest for user "${opts.credential.user}"` : ', no credentials'})\n${redactSecurity(envelope, secrets)}`,
    1500,
  );
  const started = now();
  const maxBytes = opts.maxBytes ?? SOAP_MAX_BYTES;
  let answer;
  try {
    answer = await net.httpRequest(host, url, {
      method: 'POST',
      headers: { 'content-type': `application/soap+xml; charset=utf-8; action="${opts.action}"`, accept: 'application/soap+xml, text/xml, */*' },
      body: envelope,
      maxBytes,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    });
  } catch (err) {
    if (err instanceof ScopeViolation || err instanceof Aborted) throw err;
    const code = errorCode(err) ?? '';
    const ms = now() - started;
    const reason = redact(`${code ? `${code}: ` : ''}${errorMessage(err)}`, secrets).slice(0, 200);
    return { outcome: TIMEOUT_CODES.has(code) || /timeout/i.test(code) ? 'timeout' : 'error', reason, ms, evidence: { sent, note: reason } };
  }
  const ms = now() - started;
  const contentType = answer.headers['content-type'] ?? '';
  const received = trimEvidence(
    redactSecurity(`HTTP ${answer.status}${contentType ? ` (${contentType.slice(0, 80)})` : ''}\n${printable(answer.body, 1800)}`, secrets),
    1500,
  );
  const base = { status: answer.status, headers: answer.headers, ms, evidence: { sent, received } as Evidence };
  if (answer.truncated) return { ...base, outcome: 'invalid', rejected: 'too-large', reason: `answer larger than ${maxBytes} bytes: cut and not parsed` };
  let message: SoapMessage;
  try {
    message = parseSoap(answer.body, { maxBytes });
  } catch (err) {
    const rejected = err instanceof XmlRejected ? err.reason : 'malformed';
    const isError = answer.status >= 300;
    // An error status with a non-SOAP body (HTML 404, bare 401) is an HTTP answer; a 2xx that is not SOAP is invalid.
    if (isError && (rejected === 'not-soap' || rejected === 'malformed' || rejected === 'empty')) {
      return { ...base, outcome: 'http', reason: `HTTP ${answer.status} without a SOAP body` };
    }
    return { ...base, outcome: 'invalid', rejected, reason: errorMessage(err).slice(0, 200) };
  }
  if (message.kind === 'fault') return { ...base, outcome: 'fault', version: message.version, fault: message.fault };
  if (answer.status >= 300) return { ...base, outcome: 'http', version: message.version, reason: `HTTP ${answer.status} with a SOAP body that is not a fault` };
  return { ...base, outcome: 'ok', version: message.version, body: message.body, ...(message.name ? { bodyName: message.name } : {}) };
}

/** A fault's subcodes say the request was refused for want of (valid) credentials. */
export function isAuthFault(fault: OnvifFault | undefined): boolean {
  if (!fault) return false;
  const names = [...fault.subcodes, ...(fault.code ? [localName(fault.code)] : [])];
  return names.some((n) => /^(NotAuthorized|FailedAuthentication|Unauthorized|AccessDenied|SenderNotAuthorized)$/i.test(n));
}

/** ONVIF DateTime (Date{Year,Month,Day} Time{Hour,Minute,Second}) → Date, if sane. */
export function onvifDateTime(node: unknown): Date | undefined {
  const n = (path: string[]) => Number(textAt(node, ...path));
  const parts = [n(['Date', 'Year']), n(['Date', 'Month']), n(['Date', 'Day']), n(['Time', 'Hour']), n(['Time', 'Minute']), n(['Time', 'Second'])];
  if (parts.some((p) => !Number.isInteger(p))) return undefined;
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}
