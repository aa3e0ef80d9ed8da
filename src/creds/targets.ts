/**
 * Which login services of a host the credential engine can try, and with
 * which protocol, read from the facts the scanners collected.
 */
import type { HostState } from '../core/scanner.ts';
import type { HttpResponseData, TelnetGreetingData } from '../core/facts.ts';
import type { CredentialProtocol } from '../core/credentials.ts';
import type { CredentialTarget } from './engine.ts';
import { telnetLoginProtocol } from '../../scanners/telnet.ts';
import { ftpLoginProtocol } from '../../scanners/ftp.ts';
import { httpAuthProtocol, preferredScheme } from '../../scanners/http-auth.ts';
import { rtspCredentialTargets } from '../../scanners/rtsp.ts';
import { sshCredentialTargets } from '../../scanners/ssh.ts';
import { onvifCredentialTargets } from '../../scanners/onvif.ts';
import { snmpCredentialTargets } from '../../scanners/snmp.ts';

/** Finds the login services of one protocol family on a host. */
export type TargetFinder = (host: HostState) => CredentialTarget[];

/** Telnet, FTP and HTTP Basic/Digest, from the facts of their scanners. */
function cleartextTargets(host: HostState): CredentialTarget[] {
  const out: CredentialTarget[] = [];
  const service = (port: number | undefined) => host.services.find((s) => s.port === port && s.proto === 'tcp');
  for (const f of host.facts) {
    const s = service(f.port);
    if (!s) continue;
    if (f.type === 'telnet.greeting') {
      const d = f.data as unknown as TelnetGreetingData;
      if (d.prompt === 'login' || d.prompt === 'password') out.push({ protocol: telnetLoginProtocol, service: s, where: `telnet://${host.address}:${s.port}` });
    } else if (f.type === 'ftp.greeting') {
      out.push({ protocol: ftpLoginProtocol, service: s, where: `ftp://${host.address}:${s.port}` });
    } else if (f.type === 'http.response') {
      const d = f.data as unknown as HttpResponseData;
      // The page that challenges: the first answer, or where same-host redirects led.
      const page = d.status === 401 ? { url: d.url, auth: d.auth } : d.final.status === 401 ? { url: d.final.url, auth: d.final.auth } : undefined;
      const scheme = page && preferredScheme(page.auth);
      if (page && scheme) out.push({ protocol: httpAuthProtocol(page.url, scheme), service: s, where: page.url });
    }
  }
  return out;
}

/** Every family's finder; a scanner that can test a login exports one. */
const FINDERS: readonly TargetFinder[] = [cleartextTargets, rtspCredentialTargets, sshCredentialTargets, onvifCredentialTargets, snmpCredentialTargets];

export function credentialTargets(host: HostState): CredentialTarget[] {
  return FINDERS.flatMap((find) => find(host));
}

export type { CredentialProtocol };
