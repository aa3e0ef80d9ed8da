/**
 * Reading a server's certificate chain with node:crypto's X509Certificate:
 * the fields the TLS checks grade, the signature algorithm (which
 * X509Certificate does not expose on Node 20: read from the DER, a few bytes
 * in), and whether the chain reaches a trust anchor — the system store or the
 * CA set the auditor passed with --ca. Certificates are hostile input: every
 * DER length is bounds-checked and a certificate that does not parse is
 * reported, never thrown past the caller.
 */
import { X509Certificate, createHash } from 'node:crypto';
import tls from 'node:tls';
import { printable } from '../../src/core/text.ts';
import type { TlsCertInfo, TlsCertificateData } from '../../src/core/facts.ts';

const SIGNATURE_OIDS: Readonly<Record<string, { name: string; hash: string }>> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.3': { name: 'md4WithRSAEncryption', hash: 'md4' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', hash: 'sha1' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-sha1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.1': { name: 'dsa-with-sha224', hash: 'sha224' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-sha256', hash: 'sha256' },
  '1.3.101.112': { name: 'Ed25519', hash: 'intrinsic' },
  '1.3.101.113': { name: 'Ed448', hash: 'intrinsic' },
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const HASH_OIDS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};
const CURVE_BITS: Readonly<Record<string, number>> = {
  prime192v1: 192,
  secp192r1: 192,
  secp224r1: 224,
  prime256v1: 256,
  secp256r1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};
const MAX_CHAIN = 10;

/** A certificate whose DER cannot be read: a typed error (EDER), never a crash. */
export class DerError extends Error {
  override name = 'DerError';
  readonly code = 'EDER';
}

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function tlv(buf: Buffer, pos: number, limit = buf.length): Tlv {
  if (pos + 2 > limit) throw new DerError('DER: truncated header');
  const tag = buf[pos]!;
  const first = buf[pos + 1]!;
  let len: number;
  let start: number;
  if (first < 0x80) {
    len = first;
    start = pos + 2;
  } else {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new DerError(`DER: length of ${n} bytes`);
    if (pos + 2 + n > limit) throw new DerError('DER: truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + 2 + i]!;
    start = pos + 2 + n;
  }
  if (start + len > limit) throw new DerError(`DER: ${len} bytes announced, ${limit - start} present`);
  return { tag, start, end: start + len };
}

function oidString(buf: Buffer, t: Tlv): string {
  if (t.tag !== 0x06 || t.end === t.start) throw new DerError('DER: OID expected');
  const first = buf[t.start]!;
  const arcs = [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80];
  let v = 0;
  for (let i = t.start + 1; i < t.end; i++) {
    v = v * 128 + (buf[i]! & 0x7f);
    if (!(buf[i]! & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

/** The certificate's outer signatureAlgorithm (RSASSA-PSS: with the hash from its parameters). */
export function signatureAlgorithmOf(der: Buffer): { oid: string; name: string; hash: string } {
  const cert = tlv(der, 0);
  if (cert.tag !== 0x30) throw new DerError('DER: certificate is not a SEQUENCE');
  const tbs = tlv(der, cert.start, cert.end);
  const alg = tlv(der, tbs.end, cert.end);
  if (alg.tag !== 0x30) throw new DerError('DER: signatureAlgorithm is not a SEQUENCE');
  const oidTlv = tlv(der, alg.start, alg.end);
  const oid = oidString(der, oidTlv);
  if (oid === RSASSA_PSS) {
    // RSASSA-PSS-params: hashAlgorithm [0] EXPLICIT AlgorithmIdentifier DEFAULT sha1.
    let hash = 'sha1';
    if (oidTlv.end < alg.end) {
      const params = tlv(der, oidTlv.end, alg.end);
      if (params.tag === 0x30 && params.end > params.start) {
        const first = tlv(der, params.start, params.end);
        if (first.tag === 0xa0) {
          const hashAlg = tlv(der, first.start, first.end);
          hash = HASH_OIDS[oidString(der, tlv(der, hashAlg.start, hashAlg.end))] ?? 'unknown';
        }
      }
    }
    return { oid, name: `rsassaPss(${hash})`, hash };
  }
  const known = SIGNATURE_OIDS[oid];
  return known ? { oid, ...known } : { oid, name: oid, hash: 'unknown' };
}

function isoDate(text: string): string {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? printable(text, 64) : d.toISOString();
}

function oneLineName(name: string): string {
  return printable(name.split('\n').join(', '), 300);
}

function verifiesWith(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.issuer === cert.subject && verifiesWith(cert, cert);
}

/** The fields the checks need, from one certificate. */
export function describeCertificate(cert: X509Certificate): TlsCertInfo {
  let keyType = 'unknown';
  let keyBits = 0;
  let curve: string | undefined;
  let spkiSha256 = '';
  try {
    const key = cert.publicKey;
    keyType = key.asymmetricKeyType ?? 'unknown';
    const details = key.asymmetricKeyDetails ?? {};
    if (details.modulusLength) keyBits = details.modulusLength;
    if (details.namedCurve) {
      curve = details.namedCurve;
      keyBits = CURVE_BITS[curve] ?? Number(/(\d{3})/.exec(curve)?.[1] ?? 0);
    }
    if (keyType === 'ed25519') keyBits = 256;
    if (keyType === 'ed448') keyBits = 456;
    spkiSha256 = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').toUpperCase().match(/../g)!.join(':');
  } catch {
    // A key type this OpenSSL cannot load (GOST, …): reported as unknown, the rest still read.
  }
  let sig: { name: string; hash: string } = { name: 'unknown', hash: 'unknown' };
  try {
    sig = signatureAlgorithmOf(cert.raw);
  } catch {
    // Broken outer structure: X509Certificate parsed it, so this is only the signature field.
  }
  const info: TlsCertInfo = {
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    san: (cert.subjectAltName ?? '')
      .split(', ')
      .filter(Boolean)
      .slice(0, 50)
      .map((s) => printable(s, 200)),
    serial: printable(cert.serialNumber, 80),
    validFrom: isoDate(cert.validFrom),
    validTo: isoDate(cert.validTo),
    keyType,
    keyBits,
    signatureAlgorithm: sig.name,
    signatureHash: sig.hash,
    sha256: cert.fingerprint256,
    spkiSha256,
    selfSigned: isSelfSigned(cert),
    ca: cert.ca,
  };
  if (curve) info.curve = curve;
  return info;
}

/** Every certificate of a PEM bundle; the ones that do not parse are counted, not thrown. */
export function parsePemBundle(pem: string): { certs: X509Certificate[]; rejected: number } {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const certs: X509Certificate[] = [];
  let rejected = 0;
  for (const block of blocks) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      rejected++;
    }
  }
  return { certs, rejected };
}

type AnchorSource = 'system' | 'user-ca';

/** Trust anchors indexed by subject, plus exact certificates by fingerprint. */
export class TrustStore {
  private readonly bySubject = new Map<string, { cert: X509Certificate; source: AnchorSource }[]>();
  private readonly byFingerprint = new Map<string, { cert: X509Certificate; source: AnchorSource }>();
  readonly userCount: number;

  constructor(system: readonly X509Certificate[], user: readonly X509Certificate[]) {
    for (const cert of system) this.add(cert, 'system');
    for (const cert of user) this.add(cert, 'user-ca');
    this.userCount = user.length;
  }

  private add(cert: X509Certificate, source: AnchorSource): void {
    const list = this.bySubject.get(cert.subject) ?? [];
    list.push({ cert, source });
    this.bySubject.set(cert.subject, list);
    this.byFingerprint.set(cert.fingerprint256, { cert, source });
  }

  /** The anchor that is `cert` itself or that issued and signed it. */
  anchorFor(cert: X509Certificate): { cert: X509Certificate; source: AnchorSource } | undefined {
    const same = this.byFingerprint.get(cert.fingerprint256);
    if (same) return same;
    const candidates = this.bySubject.get(cert.issuer) ?? [];
    // A user-given CA wins over a system root with the same name.
    const sorted = [...candidates].sort((a, b) => (a.source === b.source ? 0 : a.source === 'user-ca' ? -1 : 1));
    return sorted.find((a) => verifiesWith(cert, a.cert));
  }

  /** Follow the chain as sent, from the leaf, until an anchor signs a link. */
  evaluate(chain: readonly X509Certificate[]): { trust: 'system' | 'user-ca' | 'none'; anchor?: string } {
    if (!chain.length) return { trust: 'none' };
    let current = chain[0]!;
    const used = new Set<number>([0]);
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      const anchor = this.anchorFor(current);
      if (anchor) return { trust: anchor.source, anchor: oneLineName(anchor.cert.subject) };
      const next = chain.findIndex((c, i) => !used.has(i) && verifiesWith(current, c));
      if (next < 0) break;
      used.add(next);
      current = chain[next]!;
    }
    return { trust: 'none' };
  }
}

let systemAnchors: X509Certificate[] | undefined;
let lastUser: { pem: string; store: TrustStore; rejected: number } | undefined;

/** The trust store of a scan: the system roots (parsed once per process) plus the --ca bundle. */
export function trustStore(userPem: string | undefined): { store: TrustStore; rejected: number } {
  systemAnchors ??= tls.rootCertificates.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  const pem = userPem ?? '';
  if (lastUser?.pem !== pem) {
    const user = parsePemBundle(pem);
    lastUser = { pem, store: new TrustStore(systemAnchors, user.certs), rejected: user.rejected };
  }
  return { store: lastUser.store, rejected: lastUser.rejected };
}

/** The `tls.certificate` fact data for a chain of DER certificates, leaf first. */
export function analyseChain(ders: readonly Buffer[], store: TrustStore, source: TlsCertificateData['source'], observedAt: Date): TlsCertificateData {
  const certs: X509Certificate[] = [];
  let unreadable = 0;
  for (const [i, der] of ders.slice(0, MAX_CHAIN).entries()) {
    try {
      certs.push(new X509Certificate(der));
    } catch {
      // Without the leaf, every verdict would be about another certificate: stop there.
      if (i === 0) break;
      unreadable++;
    }
  }
  const data: TlsCertificateData = {
    source,
    observedAt: observedAt.toISOString(),
    chain: certs.map(describeCertificate),
    trust: 'none',
    userCaGiven: store.userCount > 0,
  };
  if (!certs.length) {
    data.reason = ders.length ? 'the leaf certificate the server sent does not parse' : 'the server sent no certificate';
    return data;
  }
  if (unreadable) data.reason = `${unreadable} certificate(s) of the chain do not parse and were left out`;
  const t = store.evaluate(certs);
  data.trust = t.trust;
  if (t.anchor) data.anchor = t.anchor;
  return data;
}
