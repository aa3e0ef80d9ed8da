/**
 * Certificates with absurd fields, as broken or malicious firmware ships them:
 * a 10 KB subject, validity up to year 9999, a negative serial number, 500
 * subject alternative names, markup and escape sequences in the subject.
 * Assembled with node-forge (src/lab/pki.ts style); OpenSSL still serves them.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export type AbsurdKind = 'huge-subject' | 'negative-serial' | 'markup';

/** Markup and escape sequences (ASCII only: forge writes these fields as single-byte strings). */
const MARKUP = '<script>alert(1)</script>\x1b[2J\x1b]0;pwned\x07';

/** One key per device address: a key shared between two hostile devices would be a (true) tls.cert-shared. */
const keys = new Map<string, { pub: string; priv: string }>();

function keyPair(address: string): { pub: string; priv: string } {
  let k = keys.get(address);
  if (!k) {
    const p = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    k = { pub: p.publicKey, priv: p.privateKey };
    keys.set(address, k);
  }
  return k;
}

/** A self-signed certificate with one kind of absurdity, and its key, for `tls.createServer`. */
export function absurdCertificate(address: string, kind: AbsurdKind): { key: string; cert: string } {
  const { pub, priv } = keyPair(address);
  const signer = forge.pki.privateKeyFromPem(priv) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pub);
  // A leading 0xff byte makes the DER INTEGER negative.
  cert.serialNumber = kind === 'negative-serial' ? 'ff00000000000001' : '01';
  cert.validity.notBefore = new Date(Date.UTC(2000, 0, 1));
  cert.validity.notAfter = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));
  const subject: { name: string; value: string }[] = [{ name: 'commonName', value: kind === 'markup' ? MARKUP : address }];
  if (kind === 'huge-subject') subject.push({ name: 'organizationName', value: 'O'.repeat(10 * 1024) });
  if (kind === 'markup') subject.push({ name: 'organizationName', value: MARKUP }, { name: 'organizationalUnitName', value: MARKUP });
  cert.setSubject(subject);
  cert.setIssuer(subject);
  const names = [{ type: 7, ip: address }, ...Array.from({ length: kind === 'negative-serial' ? 500 : 0 }, (_, i) => ({ type: 2, value: `name-${i}.site.invalid` }))];
  cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'subjectAltName', altNames: names }]);
  cert.sign(signer, forge.md.sha256.create());
  return { key: priv, cert: forge.pki.certificateToPem(cert) };
}
