/**
 * The contract between the credential engine (`src/creds/`) and the
 * protocols that can test a login. A protocol only knows how to make ONE
 * attempt and tell what came back; the engine decides which credentials,
 * in which order, within which budget, after which negative control.
 *
 * A protocol's attempt must:
 *   - never leave a session open, never run a command beyond what proves the login;
 *   - never put the password in its evidence (name the user only);
 *   - answer `unknown` when the answer proves nothing (time-out, fault, 5xx),
 *     and `lockout` when the device says it is refusing (429, 503, "locked",
 *     connection resets right after failures).
 */
import type { Evidence, Fact, Service } from './model.ts';
import type { ScanContext } from './scanner.ts';

export interface Credential {
  user: string;
  password: string;
}

export type AttemptResult = 'accepted' | 'rejected' | 'lockout' | 'unknown';

export interface AttemptOutcome {
  result: AttemptResult;
  /** What was sent and received, with the password already redacted. */
  evidence?: Evidence;
  /** Why the result is `unknown` or `lockout`, in a few words. */
  reason?: string;
  /**
   * What the accepted login showed (an `accepted` outcome only): facts such as
   * `device.identity` from an authenticated GetDeviceInformation. Never a secret.
   */
  facts?: Fact[];
}

export interface CredentialProtocol {
  /** e.g. telnet, ssh, ftp, http-basic, http-digest, rtsp, onvif, snmpv3 */
  id: string;
  attempt(ctx: ScanContext, host: string, service: Service, credential: Credential): Promise<AttemptOutcome>;
}

/** Replace every occurrence of a secret (and its Base64 forms) in a text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const forms = new Set([secret, Buffer.from(secret).toString('base64')]);
    for (const form of forms) out = out.split(form).join('[redacted]');
  }
  return out;
}
