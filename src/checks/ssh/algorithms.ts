/**
 * The SSH algorithm database: one table, every algorithm name vigie grades,
 * with its kind, grade, reason (en/fr) and references — in the spirit of
 * ssh-audit's. The checks ssh.weak-kex, ssh.weak-cipher, ssh.weak-mac and
 * ssh.weak-hostkey read it; nothing else decides what is weak.
 *
 * Grades: `fail` (broken or removed from current implementations) and `warn`
 * (deprecated, to be removed) make the checks fire; `info` is shown but never
 * fires; `ok` is fine. A name the table does not know is never a warning:
 * post-quantum hybrids and protocol markers keep appearing, and grading what
 * one does not know would punish the servers that are ahead.
 *
 * NIST curves (ecdh-sha2-nistp*, ecdsa-sha2-nistp*) are `info`: no practical
 * weakness is known; ssh-audit fails them on distrust of how the curves were
 * generated. A profile that shares that distrust lists them in the check's
 * `deny` parameter (see `weakOffered`).
 */
import type { Localized, Reference } from '../../core/model.ts';
import { REF } from '../references.ts';

export type SshAlgorithmKind = 'kex' | 'hostkey' | 'cipher' | 'mac' | 'compression';
export type SshGrade = 'fail' | 'warn' | 'info' | 'ok';

export interface SshAlgorithm {
  name: string;
  kind: SshAlgorithmKind;
  grade: SshGrade;
  reason: Localized;
  refs: readonly Reference[];
  /** The name is a prefix (GSS-API methods end with a Base64 mechanism OID). */
  prefix?: boolean;
}

const RFC = {
  kexUpdates: { id: 'RFC 9142', title: 'Key Exchange (KEX) Method Updates and Recommendations for Secure Shell (SSH)', url: 'https://www.rfc-editor.org/rfc/rfc9142' },
  rsaSha2: { id: 'RFC 8332', title: 'Use of RSA Keys with SHA-256 and SHA-512 in the Secure Shell (SSH) Protocol', url: 'https://www.rfc-editor.org/rfc/rfc8332' },
  rc4: { id: 'RFC 8758', title: 'Deprecating RC4 in Secure Shell (SSH)', url: 'https://www.rfc-editor.org/rfc/rfc8758' },
  modes: { id: 'RFC 4344', title: 'The Secure Shell (SSH) Transport Layer Encryption Modes', url: 'https://www.rfc-editor.org/rfc/rfc4344' },
  sha2Mac: { id: 'RFC 6668', title: 'SHA-2 Data Integrity Verification for the Secure Shell (SSH) Transport Layer Protocol', url: 'https://www.rfc-editor.org/rfc/rfc6668' },
  curve25519: { id: 'RFC 8731', title: 'Secure Shell (SSH) Key Exchange Method Using Curve25519 and Curve448', url: 'https://www.rfc-editor.org/rfc/rfc8731' },
  ed25519: { id: 'RFC 8709', title: 'Ed25519 and Ed448 Public Key Algorithms for the Secure Shell (SSH) Protocol', url: 'https://www.rfc-editor.org/rfc/rfc8709' },
  cbcRecovery: { id: 'CVE-2008-5161', title: 'Plaintext recovery attack against SSH in CBC mode', url: 'https://nvd.nist.gov/vuln/detail/CVE-2008-5161' },
  sweet32: { id: 'CVE-2016-2183', title: 'SWEET32: birthday attacks on 64-bit block ciphers', url: 'https://nvd.nist.gov/vuln/detail/CVE-2016-2183' },
} as const satisfies Record<string, Reference>;

const R = {
  dh1024: {
    en: '1024-bit Diffie-Hellman group: within reach of precomputation by a well-funded attacker (Logjam); SHA-1 exchange hash',
    fr: 'Groupe Diffie-Hellman de 1024 bits : à portée de précalcul pour un attaquant doté de moyens (Logjam) ; empreinte d’échange SHA-1',
  },
  sha1Kex: {
    en: 'SHA-1 exchange hash: SHA-1 collisions are practical; removed from OpenSSH defaults',
    fr: 'Empreinte d’échange SHA-1 : les collisions SHA-1 sont praticables ; retiré des choix par défaut d’OpenSSH',
  },
  gexSha1: {
    en: 'SHA-1 exchange hash, and the server picks the group size (often 1024 bits on old devices)',
    fr: 'Empreinte d’échange SHA-1, et le serveur choisit la taille du groupe (souvent 1024 bits sur les équipements anciens)',
  },
  weakCurve: { en: 'Small or binary elliptic curve below 128-bit security', fr: 'Courbe elliptique petite ou binaire, sous 128 bits de sécurité' },
  nist: {
    en: 'NIST curve: no practical weakness known; ssh-audit flags it on distrust of how the curve was generated (add it to the check’s deny list to flag it)',
    fr: 'Courbe NIST : aucune faiblesse pratique connue ; ssh-audit la signale par défiance envers sa génération (l’ajouter à la liste deny du contrôle pour la signaler)',
  },
  dh2048: { en: '2048-bit group: about 112-bit security, acceptable; group16 or curve25519 preferred', fr: 'Groupe de 2048 bits : environ 112 bits de sécurité, acceptable ; group16 ou curve25519 préférables' },
  gexSha256: { en: 'Group exchange with SHA-256 (the group size the server picks is not probed)', fr: 'Échange de groupe avec SHA-256 (la taille de groupe choisie par le serveur n’est pas sondée)' },
  marker: { en: 'Protocol extension marker, not an algorithm', fr: 'Marqueur d’extension du protocole, pas un algorithme' },
  modernKex: { en: 'Modern key exchange', fr: 'Échange de clés moderne' },
  pqKex: { en: 'Post-quantum hybrid key exchange', fr: 'Échange de clés hybride post-quantique' },
  strongDh: { en: 'Large Diffie-Hellman group with SHA-512', fr: 'Grand groupe Diffie-Hellman avec SHA-512' },
  dsa: {
    en: 'DSA: 1024-bit keys only, and a flawed random nonce reveals the private key; removed from OpenSSH',
    fr: 'DSA : clés de 1024 bits seulement, et un aléa de signature défaillant révèle la clé privée ; retiré d’OpenSSH',
  },
  rsaSha1: {
    en: 'RSA with SHA-1 signatures: SHA-1 chosen-prefix collisions are practical; disabled by default since OpenSSH 8.8',
    fr: 'RSA avec signatures SHA-1 : les collisions SHA-1 à préfixe choisi sont praticables ; désactivé par défaut depuis OpenSSH 8.8',
  },
  rsaSha2: { en: 'RSA with SHA-2 signatures (key size checked separately)', fr: 'RSA avec signatures SHA-2 (taille de clé vérifiée à part)' },
  eddsa: { en: 'EdDSA signatures', fr: 'Signatures EdDSA' },
  none: { en: 'No protection at all', fr: 'Aucune protection' },
  block64: {
    en: '64-bit block cipher: birthday attacks after a few tens of gigabytes (SWEET32); DES/3DES also slow or broken',
    fr: 'Chiffrement par blocs de 64 bits : attaques par anniversaire après quelques dizaines de gigaoctets (SWEET32) ; DES/3DES lents ou cassés',
  },
  rc4: { en: 'RC4 stream cipher: biased keystream, deprecated for SSH', fr: 'Chiffrement par flot RC4 : flot biaisé, déprécié pour SSH' },
  cbc: {
    en: 'CBC mode: plaintext recovery attacks on SSH, and Terrapin-exploitable with an -etm MAC; removed from OpenSSH defaults',
    fr: 'Mode CBC : attaques par recouvrement de clair sur SSH, et exploitable par Terrapin avec un MAC -etm ; retiré des choix par défaut d’OpenSSH',
  },
  ctr: { en: 'Counter mode with a separate MAC', fr: 'Mode compteur avec MAC séparé' },
  aead: { en: 'Authenticated encryption (AEAD)', fr: 'Chiffrement authentifié (AEAD)' },
  md5: { en: 'MD5-based MAC: MD5 is broken; removed from OpenSSH defaults', fr: 'MAC fondé sur MD5 : MD5 est cassé ; retiré des choix par défaut d’OpenSSH' },
  sha1Mac96: { en: 'Truncated SHA-1 MAC (96 bits)', fr: 'MAC SHA-1 tronqué (96 bits)' },
  sha1Mac: { en: 'SHA-1-based MAC: deprecated, SHA-2 expected', fr: 'MAC fondé sur SHA-1 : déprécié, SHA-2 attendu' },
  tag64: { en: '64-bit MAC tag, encrypt-and-MAC', fr: 'Étiquette MAC de 64 bits, encrypt-and-MAC' },
  tag96: { en: 'Truncated 96-bit MAC tag', fr: 'Étiquette MAC tronquée à 96 bits' },
  ripemd: { en: 'RIPEMD-160 MAC: obsolete, removed from OpenSSH', fr: 'MAC RIPEMD-160 : obsolète, retiré d’OpenSSH' },
  encThenMacSha2: { en: 'SHA-2 MAC computed before encryption (encrypt-and-MAC): sound, the -etm form is preferred', fr: 'MAC SHA-2 calculé avant chiffrement (encrypt-and-MAC) : correct, la forme -etm est préférable' },
  etm64: { en: '64-bit MAC tag, encrypt-then-MAC', fr: 'Étiquette MAC de 64 bits, encrypt-then-MAC' },
  etm: { en: 'SHA-2 or UMAC-128 MAC, encrypt-then-MAC', fr: 'MAC SHA-2 ou UMAC-128, encrypt-then-MAC' },
  zlibPreauth: { en: 'Compression before authentication: more code reachable by an unauthenticated peer', fr: 'Compression avant authentification : davantage de code exposé à un pair non authentifié' },
  compressionOk: { en: 'No compression, or compression after authentication only', fr: 'Pas de compression, ou compression après authentification seulement' },
} as const satisfies Record<string, Localized>;

const ANSSI = REF.anssiSsh;

function group(kind: SshAlgorithmKind, grade: SshGrade, reason: Localized, refs: readonly Reference[], names: readonly string[], prefix = false): SshAlgorithm[] {
  return names.map((name) => ({ name, kind, grade, reason, refs, ...(prefix ? { prefix: true } : {}) }));
}

/** The table. One row per (kind, name); keep groups sorted from worst to best. */
export const SSH_ALGORITHMS: readonly SshAlgorithm[] = [
  // ——— key exchange ———
  ...group('kex', 'fail', R.dh1024, [ANSSI, RFC.kexUpdates], ['diffie-hellman-group1-sha1', 'rsa1024-sha1']),
  ...group('kex', 'fail', R.dh1024, [ANSSI, RFC.kexUpdates], ['gss-group1-sha1-'], true),
  ...group('kex', 'fail', { en: '1024-bit Diffie-Hellman group', fr: 'Groupe Diffie-Hellman de 1024 bits' }, [RFC.kexUpdates], ['diffie-hellman-group1-sha256']),
  ...group('kex', 'fail', R.gexSha1, [ANSSI, RFC.kexUpdates], ['diffie-hellman-group-exchange-sha1']),
  ...group('kex', 'fail', R.sha1Kex, [ANSSI, RFC.kexUpdates], ['diffie-hellman-group14-sha1']),
  ...group('kex', 'warn', R.sha1Kex, [RFC.kexUpdates], ['gss-group14-sha1-', 'gss-gex-sha1-'], true),
  ...group('kex', 'warn', R.weakCurve, [RFC.kexUpdates], ['ecdh-sha2-nistp192', 'ecdh-sha2-nistp224', 'ecdh-sha2-nistk163', 'ecdh-sha2-nistk233', 'ecdh-sha2-nistk283', 'ecdh-sha2-nistk409', 'ecdh-sha2-nistb233', 'ecdh-sha2-nistb409', 'ecdh-sha2-nistt571']),
  ...group('kex', 'info', R.nist, [RFC.kexUpdates], ['ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521']),
  ...group('kex', 'info', R.nist, [RFC.kexUpdates], ['gss-nistp256-sha256-'], true),
  ...group('kex', 'info', R.dh2048, [RFC.kexUpdates], ['diffie-hellman-group14-sha256', 'rsa2048-sha256']),
  ...group('kex', 'info', R.dh2048, [RFC.kexUpdates], ['gss-group14-sha256-'], true),
  ...group('kex', 'info', R.marker, [], ['ext-info-s', 'ext-info-c', 'kex-strict-s-v00@openssh.com', 'kex-strict-c-v00@openssh.com', 'kexguess2@matt.ucc.asn.au']),
  ...group('kex', 'ok', R.gexSha256, [RFC.kexUpdates], ['diffie-hellman-group-exchange-sha256']),
  ...group('kex', 'ok', R.strongDh, [RFC.kexUpdates], ['diffie-hellman-group15-sha512', 'diffie-hellman-group16-sha512', 'diffie-hellman-group17-sha512', 'diffie-hellman-group18-sha512']),
  ...group('kex', 'ok', R.strongDh, [RFC.kexUpdates], ['gss-group15-sha512-', 'gss-group16-sha512-', 'gss-curve25519-sha256-'], true),
  ...group('kex', 'ok', R.modernKex, [RFC.curve25519, RFC.kexUpdates], ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'curve448-sha512']),
  ...group('kex', 'ok', R.pqKex, [], ['sntrup761x25519-sha512@openssh.com', 'sntrup761x25519-sha512', 'mlkem768x25519-sha256']),

  // ——— host keys ———
  ...group('hostkey', 'fail', R.dsa, [ANSSI], ['ssh-dss', 'ssh-dss-cert-v01@openssh.com', 'ssh-dss-cert-v00@openssh.com', 'x509v3-sign-dss', 'x509v3-ssh-dss']),
  ...group('hostkey', 'fail', R.rsaSha1, [ANSSI, RFC.rsaSha2], ['ssh-rsa', 'ssh-rsa-cert-v01@openssh.com', 'ssh-rsa-cert-v00@openssh.com', 'x509v3-sign-rsa', 'x509v3-ssh-rsa']),
  ...group('hostkey', 'info', R.nist, [], [
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'ecdsa-sha2-nistp256-cert-v01@openssh.com',
    'ecdsa-sha2-nistp384-cert-v01@openssh.com',
    'ecdsa-sha2-nistp521-cert-v01@openssh.com',
    'sk-ecdsa-sha2-nistp256@openssh.com',
    'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  ]),
  ...group('hostkey', 'ok', R.rsaSha2, [RFC.rsaSha2], ['rsa-sha2-256', 'rsa-sha2-512', 'rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com', 'x509v3-rsa2048-sha256']),
  ...group('hostkey', 'ok', R.eddsa, [RFC.ed25519], ['ssh-ed25519', 'ssh-ed25519-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com', 'ssh-ed448']),

  // ——— ciphers ———
  ...group('cipher', 'fail', R.none, [ANSSI], ['none']),
  ...group('cipher', 'fail', R.block64, [ANSSI, RFC.sweet32], ['3des-cbc', '3des-ctr', '3des', 'des-cbc', 'des', 'des-cbc@ssh.com', 'des-cbc-ssh1', 'blowfish-cbc', 'blowfish-ctr', 'blowfish', 'cast128-cbc', 'cast128-ctr', 'idea-cbc', 'idea-ctr']),
  ...group('cipher', 'fail', R.rc4, [ANSSI, RFC.rc4], ['arcfour', 'arcfour128', 'arcfour256']),
  ...group('cipher', 'fail', R.cbc, [ANSSI, RFC.cbcRecovery, RFC.modes], [
    'aes128-cbc',
    'aes192-cbc',
    'aes256-cbc',
    'rijndael-cbc@lysator.liu.se',
    'rijndael128-cbc',
    'rijndael192-cbc',
    'rijndael256-cbc',
    'twofish-cbc',
    'twofish128-cbc',
    'twofish192-cbc',
    'twofish256-cbc',
    'serpent128-cbc',
    'serpent192-cbc',
    'serpent256-cbc',
    'camellia128-cbc',
    'camellia192-cbc',
    'camellia256-cbc',
    'seed-cbc@ssh.com',
  ]),
  ...group('cipher', 'ok', R.ctr, [RFC.modes], ['aes128-ctr', 'aes192-ctr', 'aes256-ctr', 'camellia128-ctr', 'camellia192-ctr', 'camellia256-ctr', 'twofish128-ctr', 'twofish192-ctr', 'twofish256-ctr']),
  ...group('cipher', 'ok', R.aead, [], ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-gcm', 'aes256-gcm', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM', 'chacha20-poly1305@openssh.com', 'chacha20-poly1305']),

  // ——— MACs ———
  ...group('mac', 'fail', R.none, [ANSSI], ['none']),
  ...group('mac', 'fail', R.md5, [ANSSI, RFC.sha2Mac], ['hmac-md5', 'hmac-md5-96', 'hmac-md5-etm@openssh.com', 'hmac-md5-96-etm@openssh.com']),
  ...group('mac', 'fail', R.sha1Mac96, [ANSSI, RFC.sha2Mac], ['hmac-sha1-96', 'hmac-sha1-96-etm@openssh.com']),
  ...group('mac', 'warn', R.sha1Mac, [ANSSI, RFC.sha2Mac], ['hmac-sha1', 'hmac-sha1-etm@openssh.com']),
  ...group('mac', 'warn', R.tag64, [], ['umac-64@openssh.com', 'umac-32@openssh.com']),
  ...group('mac', 'warn', R.tag96, [RFC.sha2Mac], ['hmac-sha2-256-96', 'hmac-sha2-512-96', 'hmac-sha2-256-96-etm@openssh.com', 'hmac-sha2-512-96-etm@openssh.com']),
  ...group('mac', 'warn', R.ripemd, [], ['hmac-ripemd160', 'hmac-ripemd160@openssh.com', 'hmac-ripemd160-etm@openssh.com', 'hmac-ripemd160-96', 'hmac-ripemd']),
  ...group('mac', 'info', R.encThenMacSha2, [RFC.sha2Mac], ['hmac-sha2-256', 'hmac-sha2-512', 'umac-128@openssh.com']),
  ...group('mac', 'info', R.etm64, [], ['umac-64-etm@openssh.com']),
  ...group('mac', 'ok', R.etm, [RFC.sha2Mac], ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'umac-128-etm@openssh.com']),
  ...group('mac', 'ok', R.aead, [], ['aes128-gcm', 'aes256-gcm', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM']),

  // ——— compression ———
  ...group('compression', 'info', R.zlibPreauth, [], ['zlib']),
  ...group('compression', 'ok', R.compressionOk, [], ['none', 'zlib@openssh.com']),
];

const EXACT = new Map<string, SshAlgorithm>();
const PREFIXES: SshAlgorithm[] = [];
for (const a of SSH_ALGORITHMS) {
  if (a.prefix) PREFIXES.push(a);
  else EXACT.set(`${a.kind}\u0000${a.name}`, a);
}

/** The table's row for this algorithm, or undefined when vigie does not know it (never a warning). */
export function sshAlgorithm(kind: SshAlgorithmKind, name: string): SshAlgorithm | undefined {
  return EXACT.get(`${kind}\u0000${name}`) ?? PREFIXES.find((a) => a.kind === kind && name.startsWith(a.name));
}

/** Does this grade make a check fire? */
export function isWeak(grade: SshGrade): boolean {
  return grade === 'fail' || grade === 'warn';
}

export interface WeakAlgorithm {
  name: string;
  grade: SshGrade;
  reason: Localized;
  refs: readonly Reference[];
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The weak algorithms among those offered, in offer order, without duplicates.
 * Profile parameters: `allow` (names accepted whatever their grade) and
 * `deny` (names flagged whatever their grade, e.g. the NIST curves).
 */
export function weakOffered(kind: SshAlgorithmKind, offered: readonly string[], params: Readonly<Record<string, unknown>> = {}): WeakAlgorithm[] {
  const allow = new Set(stringList(params.allow));
  const deny = new Set(stringList(params.deny));
  const out: WeakAlgorithm[] = [];
  for (const name of new Set(offered)) {
    if (allow.has(name)) continue;
    const row = sshAlgorithm(kind, name);
    if (deny.has(name)) {
      out.push({ name, grade: 'fail', reason: row?.reason ?? { en: 'Listed in the profile’s deny list', fr: 'Dans la liste deny du profil' }, refs: row?.refs ?? [] });
    } else if (row && isWeak(row.grade)) {
      out.push({ name, grade: row.grade, reason: row.reason, refs: row.refs });
    }
  }
  return out;
}

/** "name (reason)" lines for a finding's detail. */
export function describeWeak(list: readonly WeakAlgorithm[]): string {
  return list.map((w) => `${w.name} [${w.grade}]: ${w.reason.en}`).join('; ');
}
