/**
 * The scan engine: scope → discover → fingerprint → collect → evaluate.
 *
 * Phases run one after the other over all hosts (hosts in parallel inside a
 * phase), so that each phase's time is measurable and the progress display
 * can say where the scan is. Every connection goes through `Net`, which holds
 * the scope and the politeness limits. A failing scanner becomes an error line
 * for its host; the scan goes on.
 */
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { Fact, Host, Mode, Result, ScanError, Service, Phase } from '../core/model.ts';
import { RESULT_SCHEMA_ID } from '../core/model.ts';
import { Net } from '../core/net.ts';
import type { Scope, Target } from '../core/scope.ts';
import { outOfScope } from '../core/scope.ts';
import type { Profile } from '../core/profile.ts';
import type { ProgressSink } from '../core/progress.ts';
import { silent } from '../core/progress.ts';
import type { ScanContext, Scanner, HostScanner, HostState } from '../core/scanner.ts';
import { Aborted, ScopeViolation, errorCode, errorMessage } from '../core/errors.ts';
import { fingerprint } from '../core/fingerprint.ts';
import type { ServiceData } from '../core/facts.ts';
import { VERSION } from '../core/paths.ts';
import { HOST_SCANNERS, SCANNERS } from '../../scanners/index.ts';
import { bannerText, probePort, portFact, TCP_SCANNER } from '../../scanners/tcp.ts';
import { identifyTcp } from '../../scanners/identify.ts';
import { evaluate } from '../checks/evaluate.ts';
import { applyWaivers } from '../checks/waivers.ts';
import type { Waiver } from '../core/site-file.ts';
import { buildPlan } from '../plan/planner.ts';
import { applyScore, type SiteManualAnswers } from '../score/index.ts';
import { testHostCredentials } from '../creds/engine.ts';
import { credentialTargets } from '../creds/targets.ts';
import type { DictionaryEntry } from '../creds/dictionary.ts';

export interface ScanOptions {
  targets: readonly Target[];
  /** The specs as the user wrote them (recorded in the result). */
  specs: readonly string[];
  scope: Scope;
  profile: Profile;
  mode?: Mode;
  /** Overrides the profile's port list. */
  ports?: readonly number[];
  perHost?: number;
  global?: number;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  /** How long the discovery probe waits for a banner on ports where the server speaks first. */
  bannerWaitMs?: number;
  /** Upper bound for one scanner on one service. */
  scannerTimeoutMs?: number;
  scanners?: readonly Scanner[];
  /** Scanners run once per live host (UDP services); default `HOST_SCANNERS`. */
  hostScanners?: readonly HostScanner[];
  /** UDP ports by host scanner id; overrides the profile's `ports.udp`. */
  udpPorts?: Readonly<Record<string, readonly number[]>>;
  /** Scanner parameters merged over the profile's `scanners` (e.g. site credentials: `snmpV3`). */
  params?: Readonly<Record<string, unknown>>;
  /** The user's own credentials (`--credentials FILE`), tried in modes safe and credentials. */
  siteCredentials?: readonly DictionaryEntry[];
  /** Waivers of the site file, applied after evaluation (src/checks/waivers.ts), as of the scan's start date. */
  waivers?: readonly Waiver[];
  /** The site file's answers to the profile's manual requirements (reported, never scored). */
  siteManual?: SiteManualAnswers;
  progress?: ProgressSink;
  /** Aborting it stops new probes; open ones get `graceMs` to finish. */
  interrupt?: AbortSignal;
  graceMs?: number;
}

interface HostRun {
  target: Target;
  state: HostState;
  errors: ScanError[];
  incomplete: boolean;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * Scanners that read with credentials (ONVIF's authenticated reads) take the
 * first site credential meant for them; dictionary defaults never reach them.
 */
function siteCredentialParams(site: readonly DictionaryEntry[]): Record<string, unknown> {
  const onvif = site.find((c) => c.protocols.includes('onvif') || c.protocols.includes('any'));
  return onvif ? { onvifCredentials: { user: onvif.user, password: onvif.password } } : {};
}

export async function runScan(opts: ScanOptions): Promise<Result> {
  // Scope first: refuse the whole run before any socket exists.
  const refused = outOfScope(opts.targets, opts.scope);
  if (refused.length) throw new ScopeViolation(refused.slice(0, 5).join(', ') + (refused.length > 5 ? ` and ${refused.length - 5} more` : ''));

  const started = new Date();
  const progress = opts.progress ?? silent;
  const mode = opts.mode ?? 'safe';
  const profile = opts.profile;
  const ports = [...new Set(opts.ports ?? profile.ports.tcp)].sort((a, b) => a - b);
  const hard = new AbortController();
  const net = new Net({
    scope: opts.scope,
    perHost: opts.perHost ?? profile.politeness.perHost,
    global: opts.global ?? profile.politeness.global,
    minIntervalMs: profile.politeness.minIntervalMs,
    connectTimeoutMs: opts.connectTimeoutMs ?? profile.timeouts.connectMs,
    readTimeoutMs: opts.readTimeoutMs ?? profile.timeouts.readMs,
    signal: hard.signal,
  });
  const runsByAddress = new Map<string, HostRun>();
  const ctx: ScanContext = {
    net,
    mode,
    signal: hard.signal,
    params: { ...(profile.scanners ?? {}), ...siteCredentialParams(opts.siteCredentials ?? []), ...opts.params },
    warn: (host, scanner, message, o = {}) => {
      const run = runsByAddress.get(host);
      if (run) recordError(run, scanner, Object.assign(new Error(message), o.code ? { code: o.code } : {}), o.port);
    },
  };
  const scanners = opts.scanners ?? SCANNERS;
  const hostScanners = opts.hostScanners ?? HOST_SCANNERS;
  const udpPorts: Readonly<Record<string, readonly number[]>> = { ...profile.ports.udp, ...opts.udpPorts };
  const scannerTimeoutMs = opts.scannerTimeoutMs ?? Math.max(15_000, 4 * (net.connectTimeoutMs + net.readTimeoutMs));
  const timings: Record<string, number> = {};

  let interrupted = false;
  let resolveInterrupt: () => void = () => undefined;
  const interruptedP = new Promise<void>((r) => (resolveInterrupt = r));
  const onInterrupt = () => {
    if (interrupted) return;
    interrupted = true;
    net.stopNew();
    progress({ type: 'interrupt', graceMs: opts.graceMs ?? 3000 });
    resolveInterrupt();
  };
  if (opts.interrupt?.aborted) onInterrupt();
  opts.interrupt?.addEventListener('abort', onInterrupt, { once: true });

  const runs: HostRun[] = opts.targets.map((t) => ({ target: t, state: { address: t.address, services: [], facts: [] }, errors: [], incomplete: false }));
  for (const run of runs) runsByAddress.set(run.target.address, run);

  const recordError = (run: HostRun, scanner: string, err: unknown, port?: number) => {
    if (err instanceof Aborted || hard.signal.aborted) {
      run.incomplete = true;
      return;
    }
    const e: ScanError = { host: run.target.address, scanner, message: errorMessage(err).slice(0, 300) };
    if (port !== undefined) e.port = port;
    const code = errorCode(err);
    if (code) e.code = code;
    run.errors.push(e);
    progress({ type: 'error', host: run.target.address, scanner, message: e.message });
  };

  /**
   * Hosts worked on at once in the collect and credentials phases: as many as
   * the global limit can serve at the per-host limit. Started all together,
   * a thousand hosts would queue for the 64 global slots and their per-device
   * budgets (TLS, ONVIF, SNMP, the scanner time-out) would run out while
   * waiting; in windows, each budget measures the device, and only the hosts
   * in flight hold their working state in memory.
   */
  const hostWindow = Math.max(1, Math.floor(net.globalLimit / net.perHost));

  /** Run one phase over all hosts (at most `window` at once); on interrupt, give open work `graceMs` then tear it down. */
  const phase = async (name: Phase, list: HostRun[], work: (run: HostRun) => Promise<void>, window = Infinity) => {
    const t0 = performance.now();
    progress({ type: 'phase', phase: name });
    let done = 0;
    const limit = pLimit(window);
    const all = Promise.all(
      list.map((run) => limit(async () => {
        if (interrupted) {
          run.incomplete = true;
          return;
        }
        try {
          await work(run);
        } catch (err) {
          recordError(run, 'engine', err);
        }
        progress({ type: 'host', phase: name, host: run.target.address, done: ++done, total: list.length });
      })),
    );
    await Promise.race([all, interruptedP.then(() => new Promise((r) => setTimeout(r, opts.graceMs ?? 3000)))]);
    if (interrupted) {
      hard.abort(); // destroys every open socket: pending probes settle at once
      await all;
    }
    timings[name] = Math.round(performance.now() - t0);
  };

  // discover: TCP connect probes and banners, and the host scanners' own UDP probes.
  const discoverHost = async (run: HostRun) => {
    const address = run.target.address;
    const udpDiscovery = hostScanners.map(async (hostScanner) => {
      const udp = udpPorts[hostScanner.id] ?? [];
      if (!hostScanner.discoverHost || !udp.length) return;
      try {
        const facts = await withTimeout(hostScanner.discoverHost(ctx, address, udp), scannerTimeoutMs, `${hostScanner.id} discovery on udp ${udp.join(',')}`);
        for (const f of facts) {
          run.state.facts.push(f);
          if (f.type === 'service' && f.proto === 'udp' && f.port !== undefined && !run.state.services.some((s) => s.proto === 'udp' && s.port === f.port)) {
            const d = f.data as unknown as ServiceData;
            run.state.services.push({ port: f.port, proto: 'udp', kind: d.kind, tls: d.tls });
          }
        }
      } catch (err) {
        recordError(run, hostScanner.id, err);
      }
    });
    const probes = await Promise.all(
      ports.map(async (port) => {
        try {
          return await probePort(net, address, port, opts.bannerWaitMs);
        } catch (err) {
          recordError(run, TCP_SCANNER, err, port);
          return undefined;
        }
      }),
    );
    await Promise.all(udpDiscovery);
    for (const p of probes) {
      if (!p || p.state !== 'open') continue;
      run.state.facts.push(portFact(address, p));
      const id = identifyTcp(p.port, p.banner);
      const service: Service = { port: p.port, proto: 'tcp', kind: id.kind, tls: id.tls };
      const banner = p.banner ? bannerText(p.banner) : undefined;
      if (banner) service.banner = banner;
      run.state.services.push(service);
      run.state.facts.push({ type: 'service', host: address, port: p.port, proto: 'tcp', scanner: TCP_SCANNER, data: { kind: id.kind, tls: id.tls, via: id.via } satisfies ServiceData });
      if (p.error) recordError(run, TCP_SCANNER, Object.assign(new Error(p.error.message), { code: p.error.code }), p.port);
    }
  };
  await phase('discover', runs, discoverHost);

  // Hosts a discovery protocol heard that were not targets (multicast WS-Discovery
  // answers): inside the scope, they are added and discovered like targets.
  const extra: HostRun[] = [];
  for (const hostScanner of hostScanners) {
    if (interrupted || !hostScanner.extraHosts) continue;
    try {
      for (const found of await hostScanner.extraHosts(ctx)) {
        if (runsByAddress.has(found.address) || !opts.scope.allows(found.address)) continue;
        const services = found.facts
          .filter((f) => f.type === 'service' && f.proto === 'udp' && f.port !== undefined)
          .map((f) => ({ port: f.port!, proto: 'udp' as const, kind: (f.data as unknown as ServiceData).kind, tls: false }));
        const run: HostRun = { target: { address: found.address }, state: { address: found.address, services, facts: [...found.facts] }, errors: [], incomplete: false };
        runs.push(run);
        runsByAddress.set(found.address, run);
        extra.push(run);
      }
    } catch (err) {
      progress({ type: 'error', host: '', scanner: hostScanner.id, message: errorMessage(err) });
    }
  }
  if (extra.length) {
    const before = timings.discover ?? 0;
    await phase('discover', extra, discoverHost);
    timings.discover = before + (timings.discover ?? 0);
  }

  // Hosts that answered on no port are not reported, unless the inventory named them.
  const live = runs.filter((r) => r.state.services.length > 0 || r.target.name || r.target.expectedClass || r.errors.length);

  // collect: every scanner that applies to a service observes it.
  await phase('collect', live, async (run) => {
    const jobs: Promise<void>[] = [];
    for (const service of run.state.services) {
      for (const scanner of scanners) {
        if (!scanner.appliesTo(service)) continue;
        jobs.push(
          withTimeout(scanner.collect(ctx, run.state, service), scannerTimeoutMs, `${scanner.id} on ${service.port}/${service.proto}`).then(
            (facts) => {
              run.state.facts.push(...facts);
            },
            (err) => recordError(run, scanner.id, err, service.port),
          ),
        );
      }
    }
    // UDP services are invisible to the TCP discovery: host scanners ask for them once per host.
    for (const hostScanner of hostScanners) {
      const udp = udpPorts[hostScanner.id] ?? [];
      if (!udp.length) continue;
      jobs.push(
        withTimeout(hostScanner.collectHost(ctx, run.state, udp), scannerTimeoutMs, `${hostScanner.id} on udp ${udp.join(',')}`).then(
          (facts) => {
            run.state.facts.push(...facts);
          },
          (err) => recordError(run, hostScanner.id, err),
        ),
      );
    }
    await Promise.all(jobs);
    // A scanner may have re-identified a service (an unknown port that speaks HTTP), or found a UDP one.
    for (const f of run.state.facts) {
      if (f.type !== 'service' || f.scanner === TCP_SCANNER) continue;
      const s = run.state.services.find((x) => x.port === f.port && x.proto === f.proto);
      const d = f.data as unknown as ServiceData;
      if (s) {
        s.kind = d.kind;
        s.tls = d.tls;
      } else if (f.proto === 'udp' && f.port !== undefined) {
        run.state.services.push({ port: f.port, proto: 'udp', kind: d.kind, tls: d.tls });
      }
    }
  }, hostWindow);

  // fingerprint: class, vendor, model, firmware from everything observed.
  const hosts: Host[] = [];
  await phase('fingerprint', live, async (run) => {
    const id = fingerprint(run.state.facts, run.target.expectedClass);
    const host: Host = { address: run.target.address, ...id, services: run.state.services.sort((a, b) => a.port - b.port) };
    if (run.target.name) host.name = run.target.name;
    if (run.target.expectedClass) host.expectedClass = run.target.expectedClass;
    if (run.incomplete) host.incomplete = true;
    hosts.push(host);
  });
  // Hosts interrupted before fingerprinting still appear, marked incomplete.
  for (const run of live) {
    if (!hosts.some((h) => h.address === run.target.address)) {
      hosts.push({ address: run.target.address, class: run.target.expectedClass ?? 'unknown', sources: [], services: run.state.services, incomplete: true });
    }
  }
  hosts.sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }));

  // credentials: login services tried with the negative control, within the budget (src/creds).
  if (mode !== 'passive') {
    await phase('credentials', live, async (run) => {
      const targets = credentialTargets(run.state);
      if (!targets.length) return;
      const vendor = hosts.find((h) => h.address === run.target.address)?.vendor;
      const found = await testHostCredentials(ctx, run.state, targets, {
        mode,
        ...profile.credentials,
        site: opts.siteCredentials ?? [],
        ...(vendor ? { vendor } : {}),
      });
      run.state.facts.push(...found);
      // A proven login may have named the device (authenticated GetDeviceInformation): fingerprint again.
      if (found.some((f) => f.type === 'device.identity')) {
        const host = hosts.find((h) => h.address === run.target.address);
        if (host) Object.assign(host, fingerprint(run.state.facts, run.target.expectedClass));
      }
    }, hostWindow);
  }

  const facts: Fact[] = live.flatMap((r) => r.state.facts);
  const t0 = performance.now();
  progress({ type: 'phase', phase: 'evaluate' });
  const evaluation = evaluate(hosts, facts, profile);
  const notEvaluated = evaluation.notEvaluated;
  // Waivers are judged as of the scan's day, so re-evaluating the saved result gives the same answer.
  const findings = applyWaivers(evaluation.findings, hosts, opts.waivers ?? [], started.toISOString().slice(0, 10)).findings;
  timings.evaluate = Math.round(performance.now() - t0);
  for (const f of findings) progress({ type: 'finding', host: f.host, check: f.check, severity: f.severity });

  opts.interrupt?.removeEventListener('abort', onInterrupt);
  await net.close();
  const result: Result = {
    schema: RESULT_SCHEMA_ID,
    scan: {
      id: randomUUID(),
      started: started.toISOString(),
      finished: new Date().toISOString(),
      vigieVersion: VERSION,
      mode,
      profile: profile.id,
      scope: opts.scope.describe(),
      targets: [...opts.specs],
      ports,
      partial: interrupted,
      timings,
      stats: { targets: opts.targets.length, hostsReported: hosts.length, connections: net.stats.connections },
      limits: { perHost: net.perHost, global: net.globalLimit },
    },
    hosts,
    facts,
    findings,
    notEvaluated,
    errors: runs.flatMap((r) => r.errors),
  };
  if (interrupted) result.scan.partialReason = 'interrupted (SIGINT): hosts marked incomplete were not scanned to the end';
  // The remediation plan (and, under a commissioning profile, the verdicts): the same pure function offline evaluation calls.
  result.plan = buildPlan(result, profile);
  // The hardening score and the manual checklist: the same pure step offline evaluation calls (src/score).
  applyScore(result, profile, opts.siteManual);
  progress({ type: 'end', partial: interrupted, hosts: hosts.length, findings: findings.length });
  return result;
}
