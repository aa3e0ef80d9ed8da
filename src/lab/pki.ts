/**
 * Certificates for the simulated devices, made at start-up (nothing secret is
 * committed). Keys come from node:crypto; node-forge only assembles and signs
 * the X.509 structures, which node:crypto cannot do. Options cover what the
 * TLS checks need to see: self-signed, issued by a test CA, expired, weak keys,
 * SHA-1 signatures.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface CertOptions {
  commonName: string;
  /** Subject alternative names: IP addresses. */
  ips?: string[];
  bits?: number;
  /** Signature digest. */
  digest?: 'sha256' | 'sha1' | 'md5';
  notBefore?: Date;
  notAfter?: Date;
  /** Issue from this CA instead of self-signing. */
  issuer?: Issued;
  isCA?: boolean;
  /**
   * Whose key: certificates with the same id and size share one key pair
   * (devices pass their address, a "factory" image passes one id for all
   * units). Without it, one key per size per process.
   */
  keyId?: string;
}

export interface Issued {
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

const keyCache = new Map<string, { pub: string; priv: string }>();

function keyPair(bits: number, keyId = '') {
  // One key per size and owner per process: key generation is the slow part of a lab start.
  const id = `${bits}:${keyId}`;
  let k = keyCache.get(id);
  if (!k) {
    const pair = generateKeyPairSync('rsa', { modulusLength: bits, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    k = { pub: pair.publicKey, priv: pair.privateKey };
    keyCache.set(id, k);
  }
  return k;
}

export function issueCertificate(opts: CertOptions): Issued {
  const { pub, priv } = keyPair(opts.bits ?? 2048, opts.keyId);
  const key = forge.pki.privateKeyFromPem(priv) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pub);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  const now = Date.now();
  cert.validity.notBefore = opts.notBefore ?? new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = opts.notAfter ?? new Date(now + 365 * 24 * 3600 * 1000);
  const subject = [{ name: 'commonName', value: opts.commonName }, { name: 'organizationName', value: 'vigie lab' }];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: !!opts.isCA }];
  if (opts.ips?.length) extensions.push({ name: 'subjectAltName', altNames: opts.ips.map((ip) => ({ type: 7, ip })) });
  if (opts.isCA) extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true });
  cert.setExtensions(extensions);
  const md = opts.digest === 'sha1' ? forge.md.sha1.create() : opts.digest === 'md5' ? forge.md.md5.create() : forge.md.sha256.create();
  cert.sign(opts.issuer ? opts.issuer.key : key, md);
  return { cert, key, certPem: forge.pki.certificateToPem(cert), keyPem: priv };
}
