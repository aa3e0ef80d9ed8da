/**
 * The shapes of fact data, shared by the scanners that write them and the
 * checks that read them (so that a check never imports a scanner).
 * Fact type names are part of the canonical result: never rename one.
 */

/** `tcp.port`: a TCP connect probe. */
export interface TcpPortData {
  state: 'open' | 'closed' | 'filtered';
  banner?: string;
  bannerBytes?: number;
}

/** `service`: a scanner's identification of what runs on a port. */
export interface ServiceData {
  kind: string;
  tls: boolean;
  via: 'banner' | 'port' | 'probe' | 'none';
}

export interface AuthChallenge {
  scheme: string;
  realm?: string;
  qop?: string;
  algorithm?: string;
}

/** `http.response`: the front page of an HTTP(S) service and its redirect chain. */
export interface HttpResponseData {
  scheme: 'http' | 'https';
  url: string;
  status: number;
  server?: string;
  title?: string;
  auth: AuthChallenge[];
  location?: string;
  /** The first answer is a redirect to an https:// URL. */
  redirectsToHttps: boolean;
  loginForm: boolean;
  chain: { url: string; status: number; location?: string }[];
  final: { url: string; status: number; title?: string; auth: AuthChallenge[]; loginForm: boolean };
  bodyTruncated: boolean;
}

export type PromptKind = 'login' | 'password' | 'shell' | 'none';

/** `telnet.greeting`: what a telnet service says before any login. */
export interface TelnetGreetingData {
  answered: boolean;
  negotiations: string[];
  text: string;
  prompt: PromptKind;
  bytes: number;
}

/**
 * `device.identity`: a protocol stated who the device is (ONVIF
 * GetDeviceInformation, SNMP sysDescr …). Read by src/core/fingerprint.ts.
 */
export interface DeviceIdentityData {
  class?: string;
  vendor?: string;
  model?: string;
  firmware?: string;
  /** Where it was read, e.g. "onvif GetDeviceInformation 80/tcp". */
  source: string;
}

// ——— ONVIF (scanners/onvif.ts) ———

/** A SOAP fault as the device sent it: QNames as written, plus their local names. */
export interface OnvifFault {
  /** e.g. "s:Sender" */
  code?: string;
  /** The first subcode, e.g. "ter:NotAuthorized". */
  subcode?: string;
  /** Local names of every subcode level, e.g. ["NotAuthorized"]. */
  subcodes: string[];
  reason?: string;
}

/**
 * How one SOAP operation ended: `ok` (a real answer), `fault` (a SOAP fault,
 * whatever the HTTP status), `http` (a non-2xx status without a fault),
 * `timeout`, `error` (connection refused/reset), `invalid` (not SOAP, or XML
 * refused as hostile: DTD, too deep, too large, malformed).
 */
export type OnvifOutcome = 'ok' | 'fault' | 'http' | 'timeout' | 'error' | 'invalid';

/** `onvif.operation`: one SOAP request and what came back. */
export interface OnvifOperationData {
  op: string;
  service: 'device' | 'media';
  url: string;
  /** `digest` = WS-UsernameToken PasswordDigest with the site credentials. */
  auth: 'none' | 'digest';
  outcome: OnvifOutcome;
  status?: number;
  fault?: OnvifFault;
  /** Why the outcome is invalid/error/timeout, in a few words. */
  reason?: string;
  data?: Record<string, unknown>;
  ms: number;
}

/** `onvif.endpoint`: the device service answered SOAP at this URL. */
export interface OnvifEndpointData {
  url: string;
  scheme: 'http' | 'https';
  soapVersion: '1.1' | '1.2';
}

/** `onvif.device-info`: GetDeviceInformation. */
export interface OnvifDeviceInfoData {
  manufacturer?: string;
  model?: string;
  firmwareVersion?: string;
  serialNumber?: string;
  hardwareId?: string;
  auth: 'none' | 'digest';
}

export interface OnvifUser {
  name: string;
  /** Administrator, Operator, User, Anonymous, Extended (as the device says it). */
  level: string;
}

/** `onvif.users`: GetUsers (names and levels only; ONVIF never returns passwords). */
export interface OnvifUsersData {
  users: OnvifUser[];
  auth: 'none' | 'digest';
}

export interface OnvifNtpServer {
  type: string;
  address: string;
  source: 'dhcp' | 'manual';
}

/** `onvif.ntp`: GetNTP. */
export interface OnvifNtpData {
  fromDHCP: boolean;
  servers: OnvifNtpServer[];
  auth: 'none' | 'digest';
}

/** `onvif.datetime`: GetSystemDateAndTime (anonymous by specification). */
export interface OnvifDateTimeData {
  /** "NTP" or "Manual" as the device says it. */
  dateTimeType?: string;
  daylightSavings?: boolean;
  timeZone?: string;
  /** The device's UTC clock, ISO 8601. */
  utc?: string;
  /** Device clock minus ours, milliseconds (used to date WS-UsernameToken). */
  skewMs?: number;
}

/**
 * `onvif.stream-uri`: Media GetStreamUri for one profile (read by the RTSP
 * scanner, which declares `uri` and `profile` below; this declaration merges
 * with it and adds what the ONVIF scanner also records).
 */
export interface OnvifStreamUriData {
  /** The profile token. */
  profile?: string;
  profileName?: string;
  auth?: 'none' | 'digest';
}

/** `onvif.services`: GetServices / GetCapabilities, as advertised (never followed off-host). */
export interface OnvifServicesData {
  services: { namespace: string; xaddr?: string }[];
  source: 'GetServices' | 'GetCapabilities';
}

// ——— WS-Discovery (scanners/wsdiscovery.ts) ———

/** `wsdiscovery.match`: a ProbeMatch from this host, correlated with our Probe. */
export interface WsDiscoveryMatchData {
  /** Endpoint reference address, e.g. "urn:uuid:…". */
  endpoint?: string;
  types: string[];
  scopes: string[];
  xaddrs: string[];
  metadataVersion?: string;
  /** From the onvif:// scopes (URL-decoded). */
  hardware?: string;
  name?: string;
  location?: string;
  via: 'unicast' | 'multicast';
  /** The Types filters of the probes it answered ("" = no filter). */
  answered: string[];
}

/** `wsdiscovery.probe`: a unicast Probe was sent to this host (answered or not). */
export interface WsDiscoveryProbeData {
  answered: boolean;
  matches: number;
  windowMs: number;
}

/**
 * An authentication challenge as a fact keeps: the scheme and its public
 * parameters, and whether a nonce was sent (never the nonce itself).
 */
export interface ChallengeSummary {
  scheme: string;
  realm?: string;
  qop?: string;
  algorithm?: string;
  nonce: boolean;
}

/** `rtsp.options`: what an RTSP server answers to OPTIONS, without credentials. */
export interface RtspOptionsData {
  url: string;
  tls: boolean;
  status: number;
  reason?: string;
  server?: string;
  /** Methods listed in the Public header. */
  public: string[];
  auth: ChallengeSummary[];
}

/** `rtsp.describe`: one DESCRIBE of one stream URL, without credentials. */
export interface RtspDescribeData {
  url: string;
  tls: boolean;
  /** Where the URL came from: the vendor path dictionary or ONVIF GetStreamUri. */
  origin: 'dictionary' | 'onvif';
  /** Dictionary entry: its vendor (or `generic`). */
  vendor?: string;
  /** The path carries a user name with an empty password (XiongMai style URLs). */
  credentialsInUrl?: boolean;
  status: number;
  reason?: string;
  server?: string;
  /** The body is a real session description: `v=0` and at least one `m=` line. */
  sdp: boolean;
  /** Media types of the `m=` lines (video, audio, application …). */
  media: string[];
  /** Transport profiles of the `m=` lines (RTP/AVP, RTP/SAVP …). */
  transports: string[];
  auth: ChallengeSummary[];
  contentType?: string;
  bodyBytes: number;
  location?: string;
}

/** `sip.options`: the answer to a SIP OPTIONS over one transport. */
export interface SipOptionsData {
  transport: 'udp' | 'tcp' | 'tls';
  /** A SIP response was read. */
  answered: boolean;
  /** TLS only: the handshake completed (whatever came after). */
  tlsHandshake?: boolean;
  status?: number;
  reason?: string;
  server?: string;
  userAgent?: string;
  allow: string[];
}

/** `ssdp.response`: answers to one unicast M-SEARCH (ssdp:all). */
export interface SsdpResponseData {
  answers: { status: number; server?: string; st?: string; usn?: string; location?: string }[];
  /** Answers received in all (only the first few are kept). */
  count: number;
  /** The answers came from another source port than 1900 (seen on many UPnP stacks). */
  otherSourcePort: boolean;
}

/** `onvif.stream-uri`: a stream URL given by ONVIF GetStreamUri (written by the ONVIF scanner). */
export interface OnvifStreamUriData {
  uri: string;
  profile?: string;
}

/** `ssh.identification`: the server's identification line (RFC 4253 §4.2). */
export interface SshIdentificationData {
  /** The whole line, printable and trimmed. */
  raw: string;
  /** "2.0", "1.99" (SSH-1 and SSH-2), "1.5" (SSH-1 only). */
  protoVersion: string;
  /** e.g. "OpenSSH_9.2p1", "dropbear_2014.63". */
  software: string;
  comments?: string;
  /** Product and version split out of `software` when it has the usual `name_version` shape. */
  product?: string;
  version?: string;
  /** Lines the server sent before its identification (RFC 4253 allows them), first few only. */
  preamble?: string[];
}

/** `ssh.kexinit`: the server's first SSH_MSG_KEXINIT, every list as offered (not negotiated). */
export interface SshKexinitLists {
  kex: string[];
  hostKey: string[];
  encC2S: string[];
  encS2C: string[];
  macC2S: string[];
  macS2C: string[];
  compC2S: string[];
  compS2C: string[];
  langC2S: string[];
  langS2C: string[];
  firstKexPacketFollows: boolean;
}

export interface SshKexinitData extends SshKexinitLists {
  /** Size of the binary packet that carried it. */
  packetLength: number;
}

/** `ssh.auth-methods`: the methods listed after a `none` authentication request. */
export interface SshAuthMethodsData {
  /** The user name the `none` request carried (no secret involved). */
  user: string;
  methods: string[];
  /** The server let the `none` request in: no authentication at all. */
  noneAccepted: boolean;
  /** SSH_MSG_USERAUTH_BANNER text, if any (printable, trimmed). */
  banner?: string;
}

export interface SshHostKey {
  /** Key type from the key blob: ssh-rsa, ssh-dss, ecdsa-sha2-nistp256, ssh-ed25519 … */
  type: string;
  /** Modulus size for RSA, prime size for DSA, curve size for ECDSA and EdDSA. */
  bits?: number;
  /** OpenSSH form: "SHA256:" + unpadded Base64 of the SHA-256 of the key blob. */
  fingerprint: string;
  /** The host key algorithm negotiated to fetch it (e.g. rsa-sha2-512 for an RSA key). */
  algorithm: string;
}

/** `ssh.hostkey`: every host key the scanner could fetch, one per key family offered. */
export interface SshHostKeyData {
  keys: SshHostKey[];
  /** Families offered in KEXINIT whose key could not be fetched, with why. */
  missing?: { family: string; reason: string }[];
}

/** `credential.accepted`: a login succeeded and a wrong password was refused. Never the password. */
export interface CredentialAcceptedData {
  protocol: string;
  where: string;
  user: string;
  /** Dictionary entry id (`hikvision-1`) or `site:<id>`. */
  entry: string;
  origin: 'dictionary' | 'site';
  source: string;
  vendor?: string;
  /** The confirmation (same user, wrong password) was refused. */
  confirmed: boolean;
}

/** `credential.no-auth`: the service accepted a login it should have refused. */
export interface CredentialNoAuthData {
  protocol: string;
  where: string;
  user?: string;
  how: string;
}

/** `credential.summary`: what the credential engine did on one login service. */
export interface CredentialSummaryData {
  protocol: string;
  where: string;
  attempts: number;
  tried: { entry: string; user: string; result: string }[];
  skipped: number;
  outcome: 'accepted' | 'none-accepted' | 'no-auth' | 'lockout' | 'inconclusive' | 'not-tested';
  reason?: string;
}

/** `ftp.greeting`: the 220 line. */
export interface FtpGreetingData {
  code: number;
  banner: string;
}

/** `ftp.anonymous`: the outcome of USER anonymous / PASS. */
export interface FtpAnonymousData {
  accepted: boolean;
  code: number;
  /** What PWD answered after a successful login. */
  pwd?: string;
}

// ——— SNMP (scanners/snmp.ts) ———

/**
 * How a community appears in facts and findings: dictionary defaults by name
 * (they are public knowledge and the report must name them), site-supplied
 * communities by a label only (they are secrets, like passwords).
 */
export interface SnmpCommunityRef {
  community: string;
  /** From vigie's dictionary of factory/vendor defaults (not supplied by the site). */
  default: boolean;
}

/** `snmp.discovery`: the discover-phase probe of udp/161 (v3 engine discovery + one v2c GET with `public`). */
export interface SnmpDiscoveryData {
  /** An SNMPv3 engine answered with a Report PDU. */
  v3: boolean;
  /** A v2c Response came for the community `public`. */
  v2cPublic: boolean;
}

/** `snmp.probe`: what the SNMP scanner tried on one port, answered or not (coverage for the checks). */
export interface SnmpProbeData {
  /** Dictionary communities tried, by name. */
  defaultsTried: string[];
  /** Number of site-supplied communities tried (never their values). */
  siteCommunitiesTried: number;
  versionsTried: ('v1' | 'v2c')[];
  /** Communities that returned data. */
  accepted: number;
  /** The agent returned data for a random control community: it checks no community at all. */
  anyCommunity: boolean;
  /** An SNMPv3 engine answered discovery. */
  v3: boolean;
  /** Datagrams that were not valid SNMP (counted, never trusted). */
  malformed: number;
  /** `done`, or why the write probe was not sent. */
  writeProbe: 'done' | 'passive-mode' | 'disabled' | 'blocked' | 'no-community';
}

/** `snmp.community`: a v1/v2c community that returned data. */
export interface SnmpCommunityData extends SnmpCommunityRef {
  /** Where the default comes from (dictionary entry). */
  source?: string;
  versions: ('v1' | 'v2c')[];
  /** Also true for a random control community: the name itself proves nothing. */
  anyCommunity: boolean;
}

/** `snmp.system`: the MIB-2 system group as read (via a community label or a v3 user). */
export interface SnmpSystemData {
  via: string;
  sysDescr?: string;
  sysObjectID?: string;
  sysUpTime?: number;
  sysContact?: string;
  sysName?: string;
  sysLocation?: string;
  sysServices?: number;
  ifNumber?: number;
}

/**
 * `snmp.write-probe`: write access tested without writing. A SET of
 * sysContact.0 with a mistyped value (INTEGER instead of OCTET STRING):
 * RFC 3416 §4.2.5 checks access before type, so wrongType (v2c) or badValue
 * (v1) means the community may write; noAccess, authorizationError,
 * notWritable, readOnly or noSuchName mean it may not.
 */
export interface SnmpWriteProbeData extends SnmpCommunityRef {
  version: 'v1' | 'v2c';
  /** `changed`: the agent accepted the mistyped value (vigie restored it and stopped probing the device). */
  verdict: 'writable' | 'read-only' | 'inconclusive' | 'changed';
  /** The SET answer's error-status name, or `no answer`. */
  answer: string;
  before?: string;
  after?: string;
  restored?: boolean;
}

/** `snmp.v3-engine`: an SNMPv3 engine answered discovery (Report usmStatsUnknownEngineIDs). Not a v1/v2c answer. */
export interface SnmpV3EngineData {
  engineId: string;
  engineBoots: number;
  engineTime: number;
  /** Enterprise number carried by an RFC 3411-format engine ID. */
  enterprise?: number;
  vendor?: string;
}

export type SnmpV3Level = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';

/** `snmp.v3-user`: what one SNMPv3 user name gave at one security level. */
export interface SnmpV3UserData {
  user: string;
  origin: 'dictionary' | 'site';
  level: SnmpV3Level;
  authProtocol?: string;
  privProtocol?: string;
  /**
   * accepted: a Response with data came (authenticated when asked);
   * refused: a Response with an error status (the user exists at that level
   * but its view is denied, e.g. snmpd's authorizationError); unknown-user /
   * unsupported-level / wrong-digest / decryption-error / not-in-time-window:
   * the agent's Report; unsupported: vigie cannot speak that protocol.
   */
  result: 'accepted' | 'refused' | 'unknown-user' | 'unsupported-level' | 'wrong-digest' | 'decryption-error' | 'not-in-time-window' | 'no-answer' | 'unsupported' | 'error';
  detail?: string;
}

/** One IF-MIB interface row (ifTable + ifXTable). */
export interface SnmpInterface {
  index: number;
  descr?: string;
  name?: string;
  alias?: string;
  /** IANAifType: 6 = ethernetCsmacd. */
  type?: number;
  /** 1 up, 2 down, 3 testing. */
  adminStatus?: number;
  /** 1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 notPresent, 7 lowerLayerDown. */
  operStatus?: number;
}

/** `snmp.interfaces`: the interface table, bounded. */
export interface SnmpInterfacesData {
  via: string;
  rows: SnmpInterface[];
  /** The walk stopped at the row or request budget. */
  truncated: boolean;
}

/** `snmp.mib-exposure`: sensitive tables probed with one GETNEXT each, per community. */
export interface SnmpMibExposureData extends SnmpCommunityRef {
  subtrees: { name: string; oid: string; readable: boolean }[];
}

// ——— TLS (scanners/tls.ts; suite attributes in src/core/tls-suites.ts) ———

/** A cipher suite (or an SSLv2 cipher kind) seen accepted. */
export interface TlsSuiteSeen {
  /** `0x002F`; SSLv2 kinds have six hex digits (`0x0700C0`). */
  code: string;
  /** IANA name (SSLv2: the SSL_CK_ name). */
  name: string;
}

/** accepted: a ServerHello for that version; refused: an alert, a hang-up or another version; unknown: no readable answer. */
export type TlsProbeStatus = 'accepted' | 'refused' | 'unknown';

/** One protocol version inside `tls.handshake`. */
export interface TlsVersionData {
  version: 'SSLv2' | 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  status: TlsProbeStatus;
  /**
   * Accepted suites, in the order the server picked them: its order of preference when
   * `serverPreference` is true (exact among suites offered in one hello: up to 128, the
   * widely deployed ones first, so in practice for every suite a device ships).
   */
  suites: TlsSuiteSeen[];
  /** The server imposes its own order (true) or follows the client's (false); absent with fewer than 2 suites. */
  serverPreference?: boolean;
  /** Why refused or unknown: alert name, "answered TLSv1.2", "time-out", "malformed: …". */
  reason?: string;
  /** Every candidate suite was tried (false when the budget ran out or an answer was unreadable). */
  complete: boolean;
}

/** `tls.handshake`: versions and suites, enumerated with ClientHellos written by vigie (no local OpenSSL involved). */
export interface TlsHandshakeData {
  versions: TlsVersionData[];
  /** Versions accepted, oldest first. */
  accepted: TlsVersionData['version'][];
  /** The enumeration ran to its end on every version. */
  complete: boolean;
  /** Connections opened for the enumeration and the certificate. */
  connections: number;
  durationMs: number;
  /** Anomalies: a suite chosen that was never offered, malformed answers, the budget running out. */
  notes: string[];
}

/** One certificate of the chain, as sent by the server. */
export interface TlsCertInfo {
  subject: string;
  issuer: string;
  /** subjectAltName entries, e.g. `IP Address:192.0.2.10`, `DNS:cam.example`. */
  san: string[];
  serial: string;
  /** ISO 8601. */
  validFrom: string;
  validTo: string;
  /** rsa, rsa-pss, ec, dsa, ed25519, ed448, unknown. */
  keyType: string;
  /** RSA/DSA modulus size, EC curve size, 0 when unknown. */
  keyBits: number;
  curve?: string;
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA1, or the OID when unknown. */
  signatureAlgorithm: string;
  /** md2, md4, md5, sha1, sha224, sha256, sha384, sha512, intrinsic (EdDSA), unknown. */
  signatureHash: string;
  /** SHA-256 fingerprint of the certificate (AA:BB:…). */
  sha256: string;
  /** SHA-256 of the SubjectPublicKeyInfo: the same key in two certificates has the same value. */
  spkiSha256: string;
  /** Issuer equals subject and the certificate verifies with its own key. */
  selfSigned: boolean;
  ca: boolean;
}

/** `tls.certificate`: the server's certificate chain and whether it reaches a trusted CA. */
export interface TlsCertificateData {
  /** node-tls: a full handshake by node:tls; handshake: the Certificate message of a crafted TLS ≤ 1.2 handshake; sslv2: the SSLv2 SERVER-HELLO. */
  source: 'node-tls' | 'handshake' | 'sslv2';
  /** When it was observed (ISO 8601): validity is judged against this instant, so re-evaluation gives the same verdict. */
  observedAt: string;
  /** Leaf first; empty when the server sent none (anonymous suites only) or it could not be read. */
  chain: TlsCertInfo[];
  /** Why `chain` is empty, or what was left out of it. */
  reason?: string;
  /** system: reaches a root of the system store; user-ca: reaches a CA given with --ca; none: reaches neither. */
  trust: 'system' | 'user-ca' | 'none';
  /** Subject of the trust anchor reached. */
  anchor?: string;
  /** A CA set was given for this scan (--ca). */
  userCaGiven: boolean;
}
