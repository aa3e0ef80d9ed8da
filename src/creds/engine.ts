/**
 * The credential engine: proves default (or site) credentials on every login
 * service of a device, safely.
 *
 * For each login service, in order:
 *   1. negative control — a random user with a random password. Accepted ⇒
 *      the service checks nothing (`credential.no-auth`), no dictionary is
 *      tried. No clear answer ⇒ nothing can be proven (`credential.summary`
 *      with the reason, read by the checks as not-evaluated).
 *   2. candidates — credentials already accepted elsewhere on this device
 *      first, then site credentials, the vendor's defaults, generic ones.
 *   3. confirmation — after an acceptance, the same user with a wrong
 *      password must be refused; if it is accepted too, the password is not
 *      checked (`credential.no-auth`), never a "default credential".
 *
 * Budget: at most `budget` attempts per account per device per run, counted
 * across every service of the device (accounts are usually shared by the web
 * UI, RTSP and ONVIF), confirmations included; the random-user controls touch
 * no real account but count, with every refusal, toward `maxFailuresPerDevice`
 * (IP-based lockouts). A credential confirmed once on a device is not
 * confirmed again on its other services. Services that use the vendor
 * account (HTTP, RTSP, ONVIF) are tried before the OS-level ones (telnet, SSH,
 * FTP). Attempts on one device are strictly sequential. A device that
 * answers "locked", 429/503, or starts failing after refusals is left alone
 * (`credential.lockout`).
 *
 * Passwords never leave this module: facts name the user and the entry id.
 */
import { randomBytes } from 'node:crypto';
import type { Fact, Mode, Service } from '../core/model.ts';
import type { ScanContext, HostState } from '../core/scanner.ts';
import type { AttemptOutcome, CredentialProtocol } from '../core/credentials.ts';
import { errorMessage } from '../core/errors.ts';
import { candidatesFor, type DictionaryEntry } from './dictionary.ts';
import type { CredentialAcceptedData, CredentialNoAuthData, CredentialSummaryData } from '../core/facts.ts';

export const CRED_SCANNER = 'credentials';

/** One login service and the protocol that knows how to try a login on it. */
export interface CredentialTarget {
  protocol: CredentialProtocol;
  service: Service;
  /** Where exactly (a URL for HTTP/RTSP), for evidence and messages. */
  where: string;
}

export interface CredentialOptions {
  mode: Mode;
  /** Failed attempts allowed per account per device per run. */
  budget: number;
  /** Failed attempts allowed per device per run, all accounts together. */
  maxFailuresPerDevice: number;
  site: readonly DictionaryEntry[];
  vendor?: string;
}

export const DEFAULT_CREDENTIAL_OPTIONS = { budget: 3, maxFailuresPerDevice: 6 } as const;

/** Vendor accounts (web UI, RTSP, ONVIF) first; OS-level logins (telnet, SSH, FTP) after. */
const ORDER = ['http-digest', 'http-basic', 'onvif', 'rtsp', 'snmpv3', 'ssh', 'telnet', 'ftp'];
function protocolOrder(id: string): number {
  const i = ORDER.indexOf(id);
  return i < 0 ? ORDER.length : i;
}

function randomSecret(): string {
  return randomBytes(12).toString('base64url');
}

async function safeAttempt(ctx: ScanContext, host: string, t: CredentialTarget, user: string, password: string): Promise<AttemptOutcome> {
  try {
    return await t.protocol.attempt(ctx, host, t.service, { user, password });
  } catch (err) {
    return { result: 'unknown', reason: errorMessage(err).slice(0, 200) };
  }
}

/** Try credentials on every target of one host; returns the facts it established. */
export async function testHostCredentials(ctx: ScanContext, host: HostState, targets: readonly CredentialTarget[], opts: CredentialOptions): Promise<Fact[]> {
  const facts: Fact[] = [];
  if (opts.mode === 'passive') return facts;
  const attempts = new Map<string, number>();
  let deviceFailures = 0;
  let locked: string | undefined;
  const known: DictionaryEntry[] = [];
  const confirmed = new Set<string>();

  const fact = (t: CredentialTarget, type: string, data: Record<string, unknown>, evidence?: Fact['evidence']): void => {
    const f: Fact = { type, host: host.address, port: t.service.port, proto: t.service.proto, scanner: CRED_SCANNER, data };
    if (evidence) f.evidence = evidence;
    facts.push(f);
  };
  const attempted = (user: string) => attempts.set(user, (attempts.get(user) ?? 0) + 1);

  const orderedTargets = [...targets].sort((a, b) => protocolOrder(a.protocol.id) - protocolOrder(b.protocol.id));
  for (const [index, t] of orderedTargets.entries()) {
    // Every later service keeps room for its negative control: no service goes untested
    // because an earlier one spent the device's failure budget on its dictionary.
    const reserved = orderedTargets.length - index - 1;
    const summary: CredentialSummaryData = { protocol: t.protocol.id, where: t.where, attempts: 0, tried: [], skipped: 0, outcome: 'none-accepted' };
    const done = (outcome: CredentialSummaryData['outcome'], reason?: string) => {
      summary.outcome = outcome;
      if (reason) summary.reason = reason;
      fact(t, 'credential.summary', { ...summary });
    };
    if (locked) {
      done('not-tested', `device stopped answering logins (${locked}): left alone`);
      continue;
    }
    const candidates = candidatesFor(t.protocol.id, opts.vendor, { dictionary: opts.mode === 'credentials', site: opts.site });
    if (!candidates.length) {
      done('not-tested', opts.mode === 'credentials' ? 'no dictionary entry for this protocol' : `mode "${opts.mode}": no site credential for this protocol (default credentials are tried in mode "credentials")`);
      continue;
    }
    if (deviceFailures >= opts.maxFailuresPerDevice) {
      done('not-tested', `device failure budget (${opts.maxFailuresPerDevice}) used up`);
      continue;
    }
    // 1. negative control: a user that cannot exist, a random password.
    const controlUser = `vigie-${randomBytes(3).toString('hex')}`;
    const control = await safeAttempt(ctx, host.address, t, controlUser, randomSecret());
    summary.attempts++;
    fact(t, 'credential.control', { protocol: t.protocol.id, where: t.where, result: control.result, ...(control.reason ? { reason: control.reason } : {}) }, control.evidence);
    if (control.result === 'accepted') {
      fact(t, 'credential.no-auth', { protocol: t.protocol.id, where: t.where, how: 'a random user name with a random password was accepted' } satisfies CredentialNoAuthData, control.evidence);
      done('no-auth');
      continue;
    }
    if (control.result === 'lockout') {
      locked = control.reason ?? 'lockout signal';
      fact(t, 'credential.lockout', { protocol: t.protocol.id, where: t.where, reason: locked }, control.evidence);
      done('lockout', locked);
      continue;
    }
    if (control.result === 'unknown') {
      done('inconclusive', `the negative control gave no clear answer (${control.reason ?? 'unknown'}): nothing can be proven on this service`);
      continue;
    }
    deviceFailures++;

    // This service's fair share of what is left of the device's failure budget, once the
    // later services' controls are set aside (each service gets at least its control).
    const allowance = Math.floor((opts.maxFailuresPerDevice - deviceFailures - reserved) / (reserved + 1));
    let dictionaryFailures = 0;
    let cappedOut = 0;

    // 2. candidates, those accepted elsewhere on this device first.
    const ordered = [...known.filter((k) => candidates.some((c) => c.id === k.id)), ...candidates.filter((c) => !known.some((k) => k.id === c.id))];
    let unknownsInARow = 0;
    let outcome: CredentialSummaryData['outcome'] = 'none-accepted';
    let reason: string | undefined;
    for (const cand of ordered) {
      // Room for this attempt, and for its confirmation when the credential is new on this device.
      const needed = confirmed.has(cand.id) || cand.origin === 'site' ? 1 : 2;
      if ((attempts.get(cand.user) ?? 0) + needed > opts.budget) {
        summary.skipped++;
        continue;
      }
      // A credential already accepted on this device risks no failure: it is always tried.
      // Dictionary entries share this service's allowance; the user's own site credentials
      // only need the device budget (keeping the later services' controls aside).
      const outOfBudget = cand.origin === 'dictionary' ? dictionaryFailures >= allowance : deviceFailures + reserved >= opts.maxFailuresPerDevice;
      if (outOfBudget && !known.includes(cand)) {
        summary.skipped++;
        cappedOut++;
        continue;
      }
      const r = await safeAttempt(ctx, host.address, t, cand.user, cand.password);
      attempted(cand.user);
      summary.attempts++;
      summary.tried.push({ entry: cand.id, user: cand.user, result: r.result });
      if (r.result === 'rejected') {
        deviceFailures++;
        if (cand.origin === 'dictionary') dictionaryFailures++;
        unknownsInARow = 0;
        continue;
      }
      if (r.result === 'lockout' || (r.result === 'unknown' && ++unknownsInARow >= 2 && deviceFailures > 0)) {
        locked = r.reason ?? 'the device stopped answering after refused logins';
        fact(t, 'credential.lockout', { protocol: t.protocol.id, where: t.where, user: cand.user, reason: locked }, r.evidence);
        outcome = 'lockout';
        reason = locked;
        break;
      }
      if (r.result === 'unknown') continue;
      // Accepted. New on this device: the same user with a wrong password must be refused
      // before a default credential is claimed (the user's own site account needs no such proof:
      // it never becomes a finding, and the control already showed the service checks logins).
      let isConfirmed = confirmed.has(cand.id);
      if (!isConfirmed && cand.origin !== 'site') {
        const confirm = await safeAttempt(ctx, host.address, t, cand.user, randomSecret());
        attempted(cand.user);
        summary.attempts++;
        if (confirm.result === 'accepted') {
          fact(t, 'credential.no-auth', { protocol: t.protocol.id, where: t.where, user: cand.user, how: `user "${cand.user}" is accepted with any password` } satisfies CredentialNoAuthData, confirm.evidence);
          outcome = 'no-auth';
          break;
        }
        if (confirm.result === 'rejected') {
          deviceFailures++;
          dictionaryFailures++; // the confirmation is part of this service's share
          confirmed.add(cand.id);
          isConfirmed = true;
        }
      }
      const accepted: CredentialAcceptedData = {
        protocol: t.protocol.id,
        where: t.where,
        user: cand.user,
        entry: cand.id,
        origin: cand.origin,
        source: cand.source,
        confirmed: isConfirmed,
      };
      if (cand.vendor) accepted.vendor = cand.vendor;
      fact(t, 'credential.accepted', { ...accepted }, r.evidence);
      // What the login revealed (e.g. the device's identity) is an observation like any other.
      for (const f of r.facts ?? []) facts.push({ ...f, scanner: f.scanner || CRED_SCANNER });
      if (!known.includes(cand)) known.push(cand);
      outcome = 'accepted';
      // The installer's own account working proves nothing about factory ones: keep trying
      // the dictionary on this service (commissioning needs "no default account left").
      if (cand.origin === 'site' && opts.mode === 'credentials') continue;
      break;
    }
    if (outcome === 'none-accepted' && cappedOut > 0) {
      // Candidates left untried for the device's sake: say so, and if none was tried at all,
      // this service was not tested (never a silent "no default credential").
      if (summary.tried.length === 0) {
        outcome = 'not-tested';
        reason = `device failure budget (${opts.maxFailuresPerDevice}) shared with the device's other services: no credential could be tried here`;
      } else {
        reason = `${cappedOut} candidate(s) left untried: this service's share of the device failure budget (${opts.maxFailuresPerDevice}) is spent`;
      }
    }
    done(outcome, reason);
  }
  return facts;
}
