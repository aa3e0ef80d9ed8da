/**
 * Every parser that reads device bytes, fed with anything (fast-check): it
 * returns a value or throws one of the typed errors the scanners turn into
 * error lines — never a TypeError, a RangeError from a Buffer read, a stack
 * overflow or a hang. Generators mix plain random bytes with near-valid
 * messages (right magic, broken lengths) so that the deep branches are
 * reached, and a table of pathological inputs (1 MB, 10 000-deep) checks the
 * time bound where a quadratic or recursive parser would blow up.
 *
 * The time bound is a property of the parsers, not of the machine: it is
 * generous (a linear parser takes microseconds on these inputs).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTelnet, promptOf } from '../../scanners/lib/telnet-protocol.ts';
import { parseFtpReply } from '../../scanners/ftp.ts';
import { parseChallenges as parseDigestChallenges } from '../../scanners/lib/digest.ts';
import { parseChallenges as parseHttpChallenges, titleOf, hasLoginForm } from '../../scanners/http.ts';
import { parseRtspResponse, sdpSummary } from '../../scanners/lib/rtsp-message.ts';
import { parseSipResponse } from '../../scanners/sip.ts';
import { MessageParseError } from '../../scanners/lib/header-message.ts';
import { describeHostKeyBlob, findIdentification, parseIdentificationLine, parseKexinit, readPlainPacket, SshTransportError } from '../../scanners/lib/ssh-transport.ts';
import { Broken, parseCertificateMessage, parseServerAnswer, parseSslv2Answer } from '../../scanners/lib/tls-hello.ts';
import { DerError, signatureAlgorithmOf } from '../../scanners/lib/tls-cert.ts';
import { parseSoap, parseXml, prescanXml, XmlRejected } from '../../scanners/lib/soap.ts';
import { parseProbeMatches } from '../../scanners/wsdiscovery.ts';
import { BerError, decodeOid, readTlv } from '../../scanners/lib/ber.ts';
import { decodeMessage, decodeScopedPduBytes } from '../../scanners/lib/snmp-message.ts';
import { parseSsdpAnswer } from '../../scanners/ssdp.ts';
import { SizeLimitExceeded } from '../../src/core/errors.ts';

/** The errors a parser may throw: each becomes an error line with its code. */
const TYPED = [MessageParseError, SshTransportError, XmlRejected, BerError, DerError, Broken, SizeLimitExceeded] as const;
/** Codes of plain errors some parsers throw (FTP, SSDP): protocol codes, never Node's ERR_*. */
const TYPED_CODES = new Set(['EPROTO', 'ESIZE']);

function expectTyped(err: unknown, parser: string): void {
  if (TYPED.some((T) => err instanceof T)) return;
  const code = (err as { code?: unknown })?.code;
  if (err instanceof Error && err.constructor === Error && typeof code === 'string' && TYPED_CODES.has(code)) return;
  throw new Error(`${parser} threw an untyped error: ${(err as Error)?.name}: ${(err as Error)?.message} (code ${String(code)})`);
}

/** Calls per property; each parser also gets the pathological table below. */
const RUNS = 300;
/** Per call. Linear parsers take microseconds; only a super-linear one comes near. */
const BOUND_MS = 1500;

/** Run `parse` on every generated input: a value or a typed error, within the bound. */
function survives<T>(name: string, arb: fc.Arbitrary<T>, parse: (input: T) => unknown, runs = RUNS): void {
  let slowest = 0;
  fc.assert(
    fc.property(arb, (input) => {
      const t0 = performance.now();
      try {
        parse(input);
      } catch (err) {
        expectTyped(err, name);
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }),
    { numRuns: runs },
  );
  expect(slowest, `${name}: slowest call`).toBeLessThan(BOUND_MS);
}

const bytes = (max = 2048) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
/** Near-valid text: pieces of the protocol glued with random strings. */
const pieces = (parts: string[], max = 40) => fc.array(fc.oneof(fc.constantFrom(...parts), fc.string({ maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: max }).map((a) => a.join(''));
const latin1 = (s: fc.Arbitrary<string>) => s.map((x) => Buffer.from(x, 'latin1'));
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

describe('telnet option negotiation', () => {
  it('parseTelnet and promptOf never throw', () => {
    const iacHeavy = fc.array(fc.oneof(fc.constantFrom(255, 250, 240, 251, 252, 253, 254), fc.integer({ min: 0, max: 255 })), { maxLength: 4096 }).map((a) => Buffer.from(a));
    survives('parseTelnet', fc.oneof(bytes(), iacHeavy), (b) => {
      const p = parseTelnet(b);
      expect(p.rest.length).toBeLessThanOrEqual(b.length);
      promptOf(p.text.toString('latin1'));
    });
  });
});

describe('FTP replies', () => {
  it('parseFtpReply: a reply that fits in the input, undefined, or EPROTO', () => {
    survives('parseFtpReply', fc.oneof(bytes(), latin1(pieces(['220 ', '220-', '230 ', '\r\n', '\n', '331-', '331 ', '999', '12']))), (b) => {
      const r = parseFtpReply(b);
      if (r) expect(r.length).toBeLessThanOrEqual(b.length);
    });
  });
});

describe('HTTP authentication challenges and pages', () => {
  const challenge = pieces(['Basic ', 'Digest ', 'realm=', 'nonce=', 'qop="auth,auth-int"', '"', ', ', '=', 'algorithm=MD5', 'opaque=', '\\"', 'Negotiate', 'Bearer ']);
  it('the shared Digest/Basic parser and the HTTP summary', () => {
    survives('parseChallenges', fc.array(challenge, { maxLength: 6 }), (values) => {
      const list = parseDigestChallenges(values);
      expect(list.length).toBeLessThanOrEqual(8);
      for (const c of parseHttpChallenges(values)) if (c.realm) expect(c.realm).not.toMatch(/[\x00-\x1f\x7f]/);
    });
  });
  it('the linear titleOf and hasLoginForm agree with the (quadratic) regular expressions they replaced', () => {
    const page = pieces(['<title>', '</title>', '<TITLE lang="en">', '<title', '>', '<input type="password">', '<input name=x type = \'password\'', '<form action="/login">', '<form', 'signin', 'logon', ' ', 'x'.repeat(300)], 30);
    fc.assert(
      fc.property(page, (html) => {
        const m = /<title[^>]*>([\s\S]{0,500}?)<\/title>/i.exec(html);
        const title = m ? titleOf(`<title>${m[1]!}</title>`) : undefined;
        expect(titleOf(html)).toBe(title);
        expect(hasLoginForm(html)).toBe(/<input[^>]+type\s*=\s*["']?password/i.test(html) || /<form[^>]*(login|signin|logon)/i.test(html));
      }),
      { numRuns: RUNS },
    );
  });
  it('titleOf and hasLoginForm on any page', () => {
    survives('titleOf', pieces(['<title>', '</title>', '<TITLE ', '<form', '<input type="password"', '<!--', '-->', '<', '>', '<script>']), (html) => {
      const t = titleOf(html);
      if (t) expect(t).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
      hasLoginForm(html);
    });
  });
});

describe('RTSP and SIP header messages', () => {
  const message = (proto: string) =>
    latin1(pieces([`${proto}/1.0 200 OK\r\n`, `${proto}/2.0 401 Unauthorized\r\n`, 'CSeq: 1\r\n', 'Content-Length: ', '99999999999', '-1', '\r\n', '\r\n\r\n', 'WWW-Authenticate: Digest realm="x"\r\n', ' folded\r\n', ':\r\n', 'v=0\r\nm=video 0 RTP/AVP 96\r\n']));
  it('parseRtspResponse: complete, incomplete, or a typed error', () => {
    survives('parseRtspResponse', fc.oneof(bytes(), message('RTSP')), (b) => parseRtspResponse(b));
  });
  it('parseSipResponse: complete, incomplete, or a typed error', () => {
    survives('parseSipResponse', fc.oneof(bytes(), message('SIP').map((b) => Buffer.from(b.toString('latin1').replace(/SIP\/1\.0/g, 'SIP/2.0'), 'latin1'))), (b) => parseSipResponse(b));
  });
  it('sdpSummary of any body', () => {
    survives('sdpSummary', pieces(['v=0\r\n', 'm=video 0 RTP/AVP 96\r\n', 'm=audio ', 'a=rtpmap:96 H264/90000\r\n', 'a=control:', '\n', 'c=IN IP4 0.0.0.0\r\n']), (body) => sdpSummary(body));
  });
});

describe('SSH transport', () => {
  const packet = fc.tuple(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 255 }), bytes(512)).map(([len, pad, body]) => Buffer.concat([Buffer.from([len >>> 24, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff, pad]), body]));
  const nameList = fc.array(fc.string({ maxLength: 20 }), { maxLength: 6 }).map((a) => {
    const s = Buffer.from(a.join(','), 'latin1');
    return Buffer.concat([Buffer.from([0, 0, s.length >> 8, s.length & 0xff]), s]);
  });
  const kexinit = fc.tuple(bytes(16), fc.array(fc.oneof(nameList, bytes(8)), { maxLength: 12 }), bytes(8)).map(([cookie, lists, tail]) => Buffer.concat([Buffer.from([20]), cookie, ...lists, tail]));
  it('findIdentification: an identification, undefined, or SshTransportError', () => {
    survives('findIdentification', fc.oneof(bytes(), latin1(pieces(['SSH-2.0-', 'SSH-1.99-', 'SSH-1.5-', '\r\n', '\n', 'OpenSSH_9.9', ' ', '\x00']))), (b) => findIdentification(b));
  });
  it('parseIdentificationLine of any line', () => {
    survives('parseIdentificationLine', pieces(['SSH-2.0-', 'SSH-', '-', ' ', 'dropbear_2014.63', '\x1b[2J']), (line) => parseIdentificationLine(line));
  });
  it('readPlainPacket and parseKexinit: a packet, undefined, or SshTransportError', () => {
    survives('readPlainPacket', fc.oneof(bytes(), packet), (b) => readPlainPacket(b));
    survives('parseKexinit', fc.oneof(bytes(), kexinit), (b) => parseKexinit(b));
  });
  it('describeHostKeyBlob of any blob', () => {
    const blob = fc.tuple(fc.constantFrom('ssh-rsa', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ssh-ed25519', 'x'), fc.array(bytes(64), { maxLength: 3 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })).map(([type, parts, bogus]) =>
      Buffer.concat([Buffer.from([0, 0, 0, type.length]), Buffer.from(type), ...parts.map((p) => Buffer.concat([Buffer.from([bogus >>> 24, (bogus >> 16) & 0xff, 0, p.length & 0xff]), p]))]),
    );
    survives('describeHostKeyBlob', fc.oneof(bytes(256), blob), (b) => describeHostKeyBlob(b));
  });
});

describe('TLS hello answers and certificates', () => {
  const record = fc.tuple(fc.constantFrom(20, 21, 22, 23, 24, 0x80), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 0x4800 }), fc.constantFrom(1, 2, 11, 12, 14, 20), fc.integer({ min: 0, max: 0xffffff }), bytes(600)).map(
    ([type, minor, len, hs, hsLen, body]) => Buffer.concat([Buffer.from([type, 3, minor]), u16(len), Buffer.from([hs]), u24(hsLen), body]),
  );
  const records = fc.array(record, { minLength: 1, maxLength: 4 }).map((r) => Buffer.concat(r));
  it('parseServerAnswer: hello, alert, need-more, malformed or not-tls; never a throw', () => {
    survives('parseServerAnswer', fc.oneof(bytes(), records), (b) => {
      const a = parseServerAnswer(b, { wantCertificate: true });
      expect(['server-hello', 'alert', 'need-more', 'malformed', 'not-tls']).toContain(a.kind);
    });
  });
  it('parseSslv2Answer and parseCertificateMessage', () => {
    const v2 = fc.tuple(fc.integer({ min: 0, max: 0x7fff }), fc.constantFrom(0, 4, 7), bytes(300)).map(([len, t, rest]) => Buffer.concat([u16(0x8000 | len), Buffer.from([t]), rest]));
    survives('parseSslv2Answer', fc.oneof(bytes(), v2), (b) => parseSslv2Answer(b));
    const certs = fc.tuple(fc.integer({ min: 0, max: 0xffffff }), fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffff }), bytes(64)), { maxLength: 4 })).map(([total, list]) => Buffer.concat([u24(total), ...list.flatMap(([l, b]) => [u24(l), b])]));
    survives('parseCertificateMessage', fc.oneof(bytes(), certs), (b) => parseCertificateMessage(b));
  });
  it('signatureAlgorithmOf any DER', () => {
    const der = fc.array(fc.tuple(fc.constantFrom(0x30, 0x06, 0x05, 0x02, 0xa0), fc.integer({ min: 0, max: 0x84 }), bytes(24)), { maxLength: 8 }).map((parts) => Buffer.concat(parts.flatMap(([t, l, b]) => [Buffer.from([t, l]), b])));
    survives('signatureAlgorithmOf', fc.oneof(bytes(), der), (b) => signatureAlgorithmOf(b));
  });
});

describe('SOAP and WS-Discovery XML', () => {
  const xml = pieces(
    ['<?xml version="1.0"?>', '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">', '</s:Envelope>', '<s:Body>', '</s:Body>', '<a>', '</a>', '<a/>', '<!DOCTYPE x [', '<!ENTITY e "x">', ']>', '&e;', '&amp;', '&#x1b;', '<![CDATA[', ']]>', '<!--', '-->', '<?pi ?>', ' a="1"', "'", '"', '<', '>', '/'],
    60,
  );
  it('prescanXml, parseXml and parseSoap: a value or XmlRejected', () => {
    survives('prescanXml', xml, (t) => prescanXml(t));
    survives('parseXml', xml, (t) => parseXml(t));
    survives('parseSoap', fc.oneof(xml, bytes().map((b) => b.toString('latin1'))), (t) => parseSoap(t));
  });
  it('parseProbeMatches of any datagram', () => {
    survives('parseProbeMatches', fc.oneof(xml, bytes().map((b) => b.toString('utf8'))), (t) => parseProbeMatches(t));
  });
});

describe('BER and SNMP messages', () => {
  const tlv: fc.Arbitrary<Buffer> = fc.letrec<{ node: Buffer }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(fc.constantFrom(0x02, 0x04, 0x05, 0x06, 0x40, 0x41, 0x43, 0x46, 0x80, 0x81, 0x82), bytes(12)).map(([t, v]) => Buffer.concat([Buffer.from([t, v.length]), v])),
      fc.tuple(fc.constantFrom(0x30, 0xa0, 0xa1, 0xa2, 0xa3, 0xa5, 0xa7, 0xa8), fc.array(tie('node'), { maxLength: 4 }), fc.integer({ min: -2, max: 2 })).map(([t, kids, skew]) => {
        const body = Buffer.concat(kids);
        const len = Math.max(0, body.length + skew);
        const header = len < 0x80 ? Buffer.from([t, len]) : Buffer.from([t, 0x82, (len >> 8) & 0xff, len & 0xff]);
        return Buffer.concat([header, body]);
      }),
      fc.tuple(fc.constantFrom(0x30, 0x04), fc.constantFrom(0x80, 0x84, 0x85, 0xff), bytes(8)).map(([t, l, b]) => Buffer.concat([Buffer.from([t, l]), b])),
    ),
  })).node;
  it('decodeMessage and decodeScopedPduBytes: a message or BerError', () => {
    survives('decodeMessage', fc.oneof(bytes(), tlv), (b) => decodeMessage(b));
    survives('decodeScopedPduBytes', fc.oneof(bytes(), tlv), (b) => decodeScopedPduBytes(b));
  });
  it('readTlv and decodeOid', () => {
    survives('readTlv', fc.oneof(bytes(64), tlv), (b) => readTlv(b, 0));
    survives('decodeOid', bytes(300), (b) => decodeOid(b));
  });
});

describe('SSDP answers', () => {
  it('parseSsdpAnswer: an answer or a typed error', () => {
    survives('parseSsdpAnswer', fc.oneof(bytes(), latin1(pieces(['HTTP/1.1 200 OK\r\n', 'SERVER: x\r\n', 'ST: upnp:rootdevice\r\n', 'LOCATION: http://x/\r\n', '\r\n', '\r\n\r\n', ': ', '\x1b[2J']))), (b) => parseSsdpAnswer(b));
  });
});

// ——— pathological inputs: size and depth that break naive parsers ———

const MB = 1024 * 1024;
const deepBer = (() => {
  let b = Buffer.from([0x05, 0x00]);
  for (let i = 0; i < 10_000; i++) b = Buffer.concat([Buffer.from([0x30, 0x84]), Buffer.from([(b.length >>> 24) & 0xff, (b.length >> 16) & 0xff, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
  return b;
})();

describe.each([
  ['telnet: 1 MB of IAC DO', () => parseTelnet(Buffer.alloc(MB, Buffer.from([255, 253, 1])))],
  ['telnet: 1 MB subnegotiation never ended', () => parseTelnet(Buffer.concat([Buffer.from([255, 250, 24]), Buffer.alloc(MB, 0x41)]))],
  ['FTP: 1 MB of continuation lines', () => parseFtpReply(Buffer.from(`220-x\r\n${'220-line\r\n'.repeat(100_000)}`, 'latin1'))],
  ['Digest: 10 000 parameters', () => parseDigestChallenges([`Digest ${Array.from({ length: 10_000 }, (_, i) => `p${i}="v"`).join(', ')}`])],
  ['HTTP title: 1 MB of "<title"', () => titleOf('<title'.repeat(200_000))],
  ['RTSP: 1 MB header block', () => parseRtspResponse(Buffer.from(`RTSP/1.0 200 OK\r\n${'X: y\r\n'.repeat(170_000)}`))],
  ['SIP: one 1 MB header line', () => parseSipResponse(Buffer.from(`SIP/2.0 200 OK\r\nVia: ${'a'.repeat(MB)}\r\n\r\n`))],
  ['SSH: 1 MB of lines before the identification', () => findIdentification(Buffer.from('x\r\n'.repeat(350_000)))],
  ['SSH: an identification line of 1 MB', () => findIdentification(Buffer.from(`SSH-2.0-${'A'.repeat(MB)}`))],
  ['SSH: KEXINIT with a 1 MB name-list', () => parseKexinit(Buffer.concat([Buffer.from([20]), Buffer.alloc(16), Buffer.from([0, 0x10, 0, 0]), Buffer.alloc(MB, 0x61)]))],
  ['TLS: 1 MB of empty handshake records', () => parseServerAnswer(Buffer.concat(Array.from({ length: 200_000 }, () => Buffer.from([22, 3, 3, 0, 0]))), { wantCertificate: true })],
  ['XML: 10 000-deep nesting', () => parseSoap(`${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`)],
  ['XML: billion laughs', () => parseSoap(`<!DOCTYPE l [<!ENTITY a "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i ? 'b'.repeat(i) : 'a'};`.repeat(10)}">`).join('')}]><s>&bbbbbbbbb;</s>`)],
  ['XML: 1 MB of attributes', () => parseSoap(`<s:Envelope ${Array.from({ length: 60_000 }, (_, i) => `a${i}="x"`).join(' ')}/>`)],
  ['WS-Discovery: 10 000-deep nesting', () => parseProbeMatches(`${'<x>'.repeat(10_000)}${'</x>'.repeat(10_000)}`)],
  ['BER: 10 000-deep SEQUENCE', () => decodeMessage(deepBer)],
  ['BER: an OID of 1 MB', () => decodeOid(Buffer.alloc(MB, 0x81))],
  ['SSDP: 1 MB of headers', () => parseSsdpAnswer(Buffer.from(`HTTP/1.1 200 OK\r\n${'X: y\r\n'.repeat(170_000)}\r\n`))],
])('%s', (_name, run) => {
  it('ends with a value or a typed error, within the bound', () => {
    const t0 = performance.now();
    try {
      run();
    } catch (err) {
      expectTyped(err, _name);
    }
    expect(performance.now() - t0).toBeLessThan(BOUND_MS);
  });
});
