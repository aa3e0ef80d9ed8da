/** The check catalogue: every check vigie knows, in catalogue order. */
import type { Check } from './types.ts';
import { onvifDiscoverable } from './inventory/onvif-discoverable.ts';
import { onvifUnauthenticated } from './onvif/unauthenticated.ts';
import { onvifCleartext } from './onvif/cleartext.ts';
import { onvifUsersPrivilege } from './onvif/users-privilege.ts';
import { onvifNtpNotConfigured } from './onvif/ntp-not-configured.ts';
import { timeNtpNotConfigured } from './time/ntp-not-configured.ts';
import { firmwareKnownVulnerable } from './firmware/known-vulnerable.ts';
import { firmwareOutdated } from './firmware/outdated.ts';
import { firmwareVersionSpread } from './firmware/version-spread.ts';
import { inventoryDevice } from './inventory/device.ts';
import { telnetEnabled } from './proto/telnet-enabled.ts';
import { cleartextAdmin } from './http/cleartext-admin.ts';
import { unknownService } from './inventory/unknown-service.ts';
import { defaultAccepted } from './cred/default-accepted.ts';
import { noAuth } from './cred/no-auth.ts';
import { lockoutObserved } from './cred/lockout-observed.ts';
import { credentialReused } from './cred/reused.ts';
import { ftpEnabled } from './proto/ftp-enabled.ts';
import { ftpAnonymous } from './ftp/anonymous.ts';
import { basicOverCleartext } from './http/basic-over-cleartext.ts';
import { unauthenticatedStream } from './rtsp/unauthenticated-stream.ts';
import { rtspCleartext } from './rtsp/cleartext.ts';
import { rtspBasicAuth } from './rtsp/basic-auth.ts';
import { sipCleartext } from './sip/cleartext.ts';
import { upnpEnabled } from './ssdp/upnp-enabled.ts';
import { sshWeakKex } from './ssh/weak-kex.ts';
import { sshWeakCipher } from './ssh/weak-cipher.ts';
import { sshWeakMac } from './ssh/weak-mac.ts';
import { sshWeakHostkey } from './ssh/weak-hostkey.ts';
import { sshPasswordAuth } from './ssh/password-auth.ts';
import { sshTerrapin } from './ssh/terrapin.ts';
import { sshOutdatedSoftware } from './ssh/outdated-software.ts';
import { sshSharedHostkey } from './ssh/shared-hostkey.ts';
import { tlsLegacyProtocol } from './tls/legacy-protocol.ts';
import { tlsWeakCipher } from './tls/weak-cipher.ts';
import { tlsAnonymousCipher } from './tls/anonymous-cipher.ts';
import { tlsCertSelfSigned } from './tls/cert-self-signed.ts';
import { tlsCertUntrustedCa } from './tls/cert-untrusted-ca.ts';
import { tlsCertExpired } from './tls/cert-expired.ts';
import { tlsCertWeakKey } from './tls/cert-weak-key.ts';
import { tlsCertWeakSignature } from './tls/cert-weak-signature.ts';
import { tlsCertShared } from './tls/cert-shared.ts';
import { rtspsLegacyTls } from './tls/rtsps-legacy-tls.ts';
import { snmpCommunityReadable } from './snmp/community-readable.ts';
import { snmpCommunityWritable } from './snmp/community-writable.ts';
import { snmpV3Weak } from './snmp/v3-weak.ts';
import { snmpV1v2cEnabled } from './snmp/v1v2c-enabled.ts';
import { switchSnmpExposure } from './switch/snmp-exposure.ts';
import { switchUnusedPortsUp } from './switch/unused-ports-up.ts';
import { baselineUnexpectedService } from './baseline/unexpected-service.ts';
import { baselineTlsDeviation } from './baseline/tls-deviation.ts';
import { baselineSshDeviation } from './baseline/ssh-deviation.ts';
import { baselineOnvifUsersDeviation } from './baseline/onvif-users-deviation.ts';
import { baselineSnmpDeviation } from './baseline/snmp-deviation.ts';

export const CHECKS: readonly Check[] = [
  inventoryDevice,
  unknownService,
  defaultAccepted,
  noAuth,
  credentialReused,
  lockoutObserved,
  telnetEnabled,
  ftpEnabled,
  ftpAnonymous,
  cleartextAdmin,
  basicOverCleartext,
  unauthenticatedStream,
  rtspCleartext,
  rtspBasicAuth,
  sipCleartext,
  upnpEnabled,
  sshWeakKex,
  sshWeakCipher,
  sshWeakMac,
  sshWeakHostkey,
  sshPasswordAuth,
  sshTerrapin,
  sshOutdatedSoftware,
  sshSharedHostkey,
  tlsLegacyProtocol,
  tlsWeakCipher,
  tlsAnonymousCipher,
  tlsCertSelfSigned,
  tlsCertUntrustedCa,
  tlsCertExpired,
  tlsCertWeakKey,
  tlsCertWeakSignature,
  tlsCertShared,
  rtspsLegacyTls,
  snmpCommunityReadable,
  snmpCommunityWritable,
  snmpV3Weak,
  snmpV1v2cEnabled,
  switchSnmpExposure,
  switchUnusedPortsUp,
  onvifDiscoverable,
  onvifUnauthenticated,
  onvifCleartext,
  onvifUsersPrivilege,
  onvifNtpNotConfigured,
  timeNtpNotConfigured,
  firmwareKnownVulnerable,
  firmwareOutdated,
  firmwareVersionSpread,
  baselineUnexpectedService,
  baselineTlsDeviation,
  baselineSshDeviation,
  baselineOnvifUsersDeviation,
  baselineSnmpDeviation,
];

export function findCheck(id: string): Check | undefined {
  return CHECKS.find((c) => c.meta.id === id);
}
