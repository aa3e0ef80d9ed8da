/** `vigie scan`: targets → scope check → engine → files and summary. */
import { readFileSync } from 'node:fs';
import type { Result, Mode, Severity } from '../core/model.ts';
import { atLeast } from '../core/model.ts';
import { expandTargets, outOfScope, Scope } from '../core/scope.ts';
import { EXIT, ScopeViolation, UsageError } from '../core/errors.ts';
import type { Profile } from '../core/profile.ts';
import { jsonLines, silent, ttyLine, type ProgressSink } from '../core/progress.ts';
import { runScan, type ScanOptions } from '../engine/engine.ts';
import { defaultLang, type Lang } from '../../reports/i18n.ts';
import { parseFormats, summary, writeOutputs } from './output.ts';
import { resolveInterface } from '../../scanners/wsdiscovery.ts';
import { dictionaryEntry, readSiteCredentials } from '../creds/dictionary.ts';
import { loadCatalogueProfile } from '../checks/profiles.ts';
import { siteInputs } from './site.ts';
import type { Finding } from '../core/model.ts';
import { recordScanStart, saveOrWarn, scanContextOf, siteNameOf, type StoreCliOptions } from './store-cli.ts';

/** For `--show-secrets`: the dictionary password behind a default-credential finding (site secrets are never shown). */
function secretOf(f: Finding): string | undefined {
  if (f.check !== 'cred.default-accepted' || !f.key) return undefined;
  return dictionaryEntry(f.key.slice(f.key.indexOf(':') + 1))?.password; // key: protocol:entry
}

export interface OutputCliOptions {
  lang?: Lang;
  progress: 'auto' | 'tty' | 'json' | 'none';
  quiet?: boolean;
  debug?: boolean;
  out: string;
  format: string;
  mode: Mode;
  showSecrets?: boolean;
}

export interface ScanCliOptions extends OutputCliOptions, Omit<StoreCliOptions, 'progress'> {
  scope?: string[];
  exclude?: string[];
  ports?: number[];
  profile: string;
  failOn?: Severity;
  perHost?: number;
  maxHosts?: number;
  credentials?: string;
  /** PEM file of the client's CA set (`--ca`). */
  ca?: string;
  /** Interface (name or IPv4 address) for the multicast WS-Discovery Probe (`--interface`). */
  interface?: string;
  /** The site file (`vigie scan --site vigie.site.yaml`): targets, scope, credentials, waivers. */
  siteFile?: string;
}

export function progressSink(opts: Pick<OutputCliOptions, 'progress' | 'quiet'>): ProgressSink {
  if (opts.progress === 'json') return jsonLines();
  if (opts.quiet || opts.progress === 'none') return silent;
  if (opts.progress === 'tty' || process.stderr.isTTY) return ttyLine();
  return silent;
}

/**
 * Run the engine with Ctrl-C wired to a graceful stop: the first SIGINT stops
 * new probes and lets open ones finish for a few seconds; a second one quits.
 */
export async function scanWithInterrupt(options: Omit<ScanOptions, 'interrupt'>): Promise<Result> {
  const controller = new AbortController();
  let count = 0;
  const onSigint = () => {
    count++;
    if (count === 1) {
      process.stderr.write('\nvigie: interrupted — finishing open probes, then writing a partial result (Ctrl-C again to quit at once)\n');
      controller.abort();
    } else {
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSigint);
  try {
    return await runScan({ ...options, interrupt: controller.signal });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The `--ca` bundle: PEM certificates, refused before scanning when there is none. */
export function readCaFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --ca file "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(text)) throw new UsageError(`--ca file "${path}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return text;
}

/** Credential testing is announced before it starts (stderr, never mixed with the summary). */
export function announceMode(opts: Pick<OutputCliOptions, 'mode' | 'quiet'>, profile: Profile): void {
  if (opts.mode === 'credentials' && !opts.quiet) {
    process.stderr.write(
      `vigie: mode "credentials": default credentials will be tried on every login service, at most ${profile.credentials.budget} attempts per account per device, ${profile.credentials.maxFailuresPerDevice} failures per device; a device that locks is left alone\n`,
    );
  }
}

/** Write the outputs, print the summary, and choose the exit code. */
export function finish(result: Result, opts: OutputCliOptions & { failOn?: Severity }): number {
  const lang = opts.lang ?? defaultLang();
  const written = writeOutputs(result, opts.out, parseFormats(opts.format), lang, opts.showSecrets ? secretOf : undefined);
  if (!opts.quiet) process.stdout.write(`${summary(result, written, lang)}\n`);
  if (result.scan.partial) return EXIT.interrupted;
  if (opts.failOn && result.findings.some((f) => f.status === 'open' && f.check !== 'inventory.device' && atLeast(f.severity, opts.failOn!))) return EXIT.findings;
  return EXIT.ok;
}

export async function runScanCommand(args: string[], opts: ScanCliOptions): Promise<number> {
  parseFormats(opts.format); // fail on a bad --format before scanning
  const result = await scanFromCli(args, opts);
  // Saved in the history store unless --no-store (src/cli/store-cli.ts); a store problem never loses the outputs.
  const saved = await saveOrWarn(result, opts, scanContextOf('scan', opts, result));
  const code = finish(result, opts);
  return saved || code !== EXIT.ok ? code : EXIT.runtime;
}

/** Targets, scope, profile and options as the CLI gives them → the engine's result (shared by scan and verify). */
export async function scanFromCli(args: string[], opts: ScanCliOptions, loaded?: Profile): Promise<Result> {
  // A site file (--site) brings targets, scope, credentials, waivers; the command line wins (src/cli/site.ts).
  const site = opts.siteFile ? siteInputs(opts.siteFile, args, opts) : undefined;
  if (site) {
    args = site.targets;
    opts = { ...opts, exclude: site.exclude, ...(site.scope ? { scope: site.scope } : {}) };
  }
  const set = expandTargets(args, { exclude: opts.exclude ?? [], ...(opts.maxHosts ? { maxTargets: opts.maxHosts } : {}) });
  site?.annotate(set.targets);
  const scope = Scope.parse(opts.scope?.length ? opts.scope : set.specs, opts.exclude ?? []);
  const refused = outOfScope(set.targets, scope);
  if (refused.length) {
    throw new ScopeViolation(`${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ` and ${refused.length - 5} more` : ''} (scope: ${scope.describe().include.join(', ')})`);
  }
  if (set.targets.length === 0) throw new UsageError('every target address is excluded: nothing to scan');
  const profile: Profile = loaded ?? loadCatalogueProfile(opts.profile);
  const siteCredentials = site?.credentials ?? (opts.credentials ? readSiteCredentials(opts.credentials) : []);
  const caPem = opts.ca ? readCaFile(opts.ca) : undefined;
  // Checked before scanning: an unknown interface is a usage error, not a scan error.
  const multicastInterface = opts.interface ? resolveInterface(opts.interface) : undefined;
  const progress = progressSink(opts);
  announceMode(opts, profile);
  progress({ type: 'start', hosts: set.targets.length, ports: (opts.ports ?? profile.ports.tcp).length, mode: opts.mode, profile: profile.id });
  // Opens the history store before any packet (a wrong key stops here) and logs the start in its audit log; after the
  // 'start' event, so JSON progress still begins with it (store notices are JSON lines there too).
  await recordScanStart(opts, { action: 'scan', site: siteNameOf({ ...opts, ...(site ? { siteName: opts.siteName ?? site.name } : {}) }, scope.describe().include), targets: set.specs, scope: scope.describe(), mode: opts.mode, declaredCredentialIds: siteCredentials.map((c) => c.id) });
  return scanWithInterrupt({
    targets: set.targets,
    specs: set.specs,
    scope,
    profile,
    mode: opts.mode,
    progress,
    ...(opts.ports ? { ports: opts.ports } : {}),
    ...(opts.perHost ? { perHost: opts.perHost } : {}),
    ...(caPem || multicastInterface ? { params: { ...(caPem ? { caPem } : {}), ...(multicastInterface ? { interface: multicastInterface } : {}) } } : {}),
    siteCredentials,
    ...(site ? { waivers: site.waivers, siteManual: site.manual } : {}),
  });
}
