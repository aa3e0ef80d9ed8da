/** Every protocol scanner the engine runs in the collect phase. */
import type { HostScanner, Scanner } from '../src/core/scanner.ts';
import { telnetScanner } from './telnet.ts';
import { httpScanner } from './http.ts';
import { ftpScanner } from './ftp.ts';
import { rtspScanner } from './rtsp.ts';
import { sipScanner, sipUdpScanner } from './sip.ts';
import { ssdpScanner } from './ssdp.ts';
import { onvifScanner } from './onvif.ts';
import { wsDiscoveryScanner } from './wsdiscovery.ts';
import { sshScanner } from './ssh.ts';
import { tlsScanner } from './tls.ts';
import { snmpScanner } from './snmp.ts';

export const SCANNERS: readonly Scanner[] = [
  telnetScanner,
  ftpScanner,
  httpScanner,
  rtspScanner,
  sipScanner,
  onvifScanner,
  sshScanner,
  tlsScanner,
];

/** Scanners run once per live host (UDP services: SIP, SSDP, SNMP …). */
export const HOST_SCANNERS: readonly HostScanner[] = [
  sipUdpScanner,
  ssdpScanner,
  wsDiscoveryScanner,
  snmpScanner,
];
