/**
 * Every password the simulated devices accept. The secret-grep test looks for
 * each of them in every output of a full demo: none may appear. A device that
 * adds an account must add its password here.
 */
export const LAB_SECRETS = {
  /** The one ONVIF account of the protected camera (site credentials in tests; in no dictionary). */
  onvifSecureCamera: { user: 'onvif-admin', password: 'Vt4-vigie-lab-Onv9' },
  /** Hikvision factory password (dictionary entry hikvision-1). */
  legacyCameraHttp: { user: 'admin', password: '12345' },
  /** Older Hikvision firmware telnet root password (generic-7). */
  legacyCameraTelnet: { user: 'root', password: '12345' },
  /** Samsung Techwin / Hanwha factory password (hanwha-1). */
  digestCameraHttp: { user: 'admin', password: '4321' },
  /** Hikvision access controllers share the camera factory password (hikvision-1). */
  accessControllerHttp: { user: 'admin', password: '12345' },
  /** A password no dictionary holds: must never be found. */
  accessControllerTelnet: { user: 'root', password: 'Kq7-vigie-lab-Xw2' },
  /** 2014 dropbear cameras: the Hikvision factory password over SSH (hikvision-1). */
  legacySsh: { user: 'admin', password: '12345' },
  lockoutCamera: { user: 'admin', password: 'Zr8-vigie-lab-Lk5' },
  /** The hardened camera's site password (never in a dictionary). */
  hardenedCamera: { user: 'vms-parking', password: 'Hd4-vigie-lab-Qm9' },
  /** RTSP behind Basic with the Hikvision factory password (hikvision-1). */
  basicRtspCamera: { user: 'admin', password: '12345' },
  /** RTSP behind Digest, a named viewer account with a password no dictionary holds. */
  digestRtspCamera: { user: 'viewer', password: 'Rv5-vigie-lab-Dg3' },
  /** The Digest mount of the GStreamer-style RTSP server: the Hikvision factory password (generic-2 for an unnamed vendor). */
  gstreamerRtspServer: { user: 'admin', password: '12345' },
  /** RTSP behind Digest without qop (RFC 2069 style), a password no dictionary holds. */
  digestNoQopRtspCamera: { user: 'admin', password: 'Nq2-vigie-lab-Dg6' },
  /** SNMPv3 authPriv SHA/AES account of the snmp-v3-only switch (its authentication and privacy keys). */
  snmpV3Auth: { user: 'vigie-ops', password: 'Ops-auth-2f9c1e' },
  snmpV3Priv: { user: 'vigie-ops', password: 'Ops-priv-7d41aa' },
  /** HMAC-MD5 authNoPriv user of snmp-v3-weak (what the credential engine may find). */
  snmpV3Md5: { user: 'legacy-nms', password: 'Nms-md5-31c8f0' },
  /** The non-default read community of snmp-site-community (a site secret, like a password). */
  snmpSiteCommunity: { user: 'snmp', password: 'Site-Comm-93bd' },
} as const;

/** The list the secret-grep test searches for (short or common words excluded from grep would hide leaks, so none are). */
export function labPasswords(): string[] {
  return [...new Set(Object.values(LAB_SECRETS).map((c) => c.password))];
}
